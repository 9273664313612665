package environment_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/sclevine/spec"
)

func testLocked(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    environment.App
		locked = environment.Locked{
			Tool: "tidy", Manifest: "tidy.toml", LockFile: "tidy.lock", LockCommand: "tidy lock",
			Files: []string{"tidy.toml", "tidy.lock", "tidy.cfg"}, SettingsPrefix: "TIDY_", OwnSettings: []string{"TIDY_CACHE"},
			Stale: []string{"lock is stale"},
		}
	)

	it.Before(func() {
		app = environment.App{Dir: t.TempDir(), Choice: environment.Choice{Manager: "tidy", Because: "tidy.lock"}}
		Expect(writeFile(app.Dir, "tidy.toml", "[project]\nname = 'x'\n")).To(Succeed())
		Expect(writeFile(app.Dir, "tidy.lock", "")).To(Succeed())
		t.Setenv("TIDY_INDEX", "https://user:secret@example.com")
		t.Setenv("TIDY_CACHE", "/ignored")
	})

	it("adds the tool's files the app has and its settings but its own to the inputs, and names the lock for the bill of materials", func() {
		var r environment.Recipe
		Expect(locked.Read(app, &r)).To(Succeed())
		m, err := r.Inputs.Map()
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(HaveKey("file:tidy.toml"))
		Expect(m).To(HaveKey("file:tidy.lock"))
		Expect(m).NotTo(HaveKey("file:tidy.cfg"))
		Expect(m).To(HaveKey("setting:TIDY_INDEX"))
		Expect(m).NotTo(HaveKey("setting:TIDY_CACHE"))
		Expect(r.Lock).To(Equal(filepath.Join(app.Dir, "tidy.lock")))
	})

	it("says a stale lock is stale, and anything else with the title and remedy given", func() {
		fail := locked.Failure("tidy failed", "fix it")
		err := fail("reading\nerror: lock is stale, run tidy lock\n", errors.New("exit status 1"))
		Expect(err).To(MatchError(ContainSubstring("tidy.lock is out of date: it does not match tidy.toml")))
		Expect(err).To(MatchError(ContainSubstring("error: lock is stale, run tidy lock")))
		Expect(err).To(MatchError(ContainSubstring("run `tidy lock` and commit the updated tidy.lock")))
		err = fail("error: no network\n", errors.New("exit status 1"))
		Expect(err).To(MatchError(ContainSubstring("tidy failed")))
		Expect(err).To(MatchError(ContainSubstring("To fix: fix it")))
	})

	it("decodes a TOML file of the app", func() {
		var v struct {
			Project struct{ Name string } `toml:"project"`
		}
		Expect(environment.DecodeTOML(app, "tidy.toml", &v, "fix it")).To(Succeed())
		Expect(v.Project.Name).To(Equal("x"))
	})

	context("failure cases", func() {
		it("refuses an app without the lock file, saying why and how to make it", func() {
			Expect(os.Remove(filepath.Join(app.Dir, "tidy.lock"))).To(Succeed())
			var r environment.Recipe
			err := locked.Read(app, &r)
			Expect(err).To(MatchError(ContainSubstring("tidy installs the dependencies (tidy.lock), but the app has no tidy.lock")))
			Expect(err).To(MatchError(ContainSubstring("it does not make the lock itself")))
			Expect(err).To(MatchError(ContainSubstring("run `tidy lock` and commit tidy.lock with the app, or choose another manager with BP_PYTHON_PACKAGE_MANAGER")))
		})

		it("names a file that is not TOML", func() {
			Expect(writeFile(app.Dir, "tidy.toml", "[project\n")).To(Succeed())
			var v struct{}
			err := environment.DecodeTOML(app, "tidy.toml", &v, "fix tidy.toml")
			Expect(err).To(MatchError(ContainSubstring("tidy.toml cannot be read as TOML")))
			Expect(err).To(MatchError(ContainSubstring("To fix: fix tidy.toml")))
		})
	})
}
