package pipenv_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/testsetup"
	"github.com/python-cnb/buildpack/pipenv"
	"github.com/python-cnb/buildpack/requirements"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitPipenv(t *testing.T) {
	spec.Run(t, "pipenv", testPipenv, spec.Report(report.Terminal{}), spec.Sequential())
}

// writeFile writes content to dir/name, creating parent directories.
var writeFile = testsetup.WriteFile

const lock = `{
  "_meta": {"hash": {"sha256": "abc"}, "requires": {"python_version": "3.12"}},
  "default": {
    "six": {"version": "==1.17.0", "hashes": ["sha256:1"]},
    "greet": {"path": "libs/greet", "editable": true}
  },
  "develop": {"pytest": {"version": "==8.0.0"}}
}`

func testPipenv(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    environment.App
		ctx    environment.Context
	)

	recipe := func() environment.Recipe {
		r, err := pipenv.Recipe(app)
		Expect(err).NotTo(HaveOccurred())
		return r
	}

	it.Before(func() {
		for _, name := range append([]string{"BP_PYTHON_INSTALL_GROUPS", "PIPENV_VENV_IN_PROJECT", "PIPENV_CACHE_DIR", "SERVICE_BINDING_ROOT"}, requirements.InstallSettings...) {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
		app = environment.App{Dir: t.TempDir(), PlatformDir: t.TempDir(), Choice: environment.Choice{Manager: "pipenv", Because: "Pipfile.lock"}}
		ctx = environment.Context{Venv: "/layers/venv", App: app.Dir, Cache: "/layers/pipenv-cache", Tools: map[string]string{"pipenv": "/layers/pipenv/venv/bin/python"}}
		Expect(writeFile(app.Dir, "Pipfile", "[packages]\nsix = '*'\n")).To(Succeed())
		Expect(writeFile(app.Dir, "Pipfile.lock", lock)).To(Succeed())
		Expect(writeFile(app.Dir, "libs/greet/setup.py", "")).To(Succeed())
	})

	it("runs pipenv sync into the environment, after the lock check, with a pinned Pipenv installed by pip", func() {
		r := recipe()
		Expect(r.EveryBuild).To(BeFalse())
		Expect(r.Tools[0].Name).To(Equal("pipenv"))
		Expect(r.Tools[0].Version).To(Equal(pipenv.Version))
		command := r.Steps[0].Command(ctx)
		// Pipenv's own python runs the check, then Pipenv, isolated from the app's files
		Expect(command.Args).To(HaveLen(5))
		Expect(command.Args[:3]).To(Equal([]string{"/layers/pipenv/venv/bin/python", "-I", "-c"}))
		Expect(command.Args[3]).To(ContainSubstring("pipfile_hash(pipfile, canonical=False)"))
		Expect(command.Args[4]).To(Equal("sync"))
		Expect(r.Tools[0].Executable("/layers/pipenv")).To(Equal("/layers/pipenv/venv/bin/python"))
		Expect(command.Env).To(ContainElements("VIRTUAL_ENV=/layers/venv", "PIPENV_PIPFILE="+filepath.Join(app.Dir, "Pipfile"),
			"PIPENV_VERBOSITY=-1", "PIPENV_CACHE_DIR=/layers/pipenv-cache/pipenv", "PIP_NO_COMPILE=1"))
		Expect(command.Shown()).To(Equal("pipenv sync"))
		m, err := r.Inputs.Map()
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(HaveKey("file:Pipfile"))
		Expect(m).To(HaveKey("file:Pipfile.lock"))
		Expect(m).To(HaveKey("tree:libs/greet"))
	})

	it("keys on PIPENV_ and pip settings, passes a pip binding's files, and says groups are not used", func() {
		t.Setenv("PIPENV_VENV_IN_PROJECT", "1")
		t.Setenv("PIPENV_CACHE_DIR", "/ignored")
		t.Setenv("PIP_INDEX_URL", "https://index.example/simple")
		t.Setenv("BP_PYTHON_INSTALL_GROUPS", "dev")
		binding := filepath.Join(app.PlatformDir, "bindings", "index")
		Expect(writeFile(binding, "type", "pip")).To(Succeed())
		Expect(writeFile(binding, "netrc", "machine x")).To(Succeed())
		r := recipe()
		m, err := r.Inputs.Map()
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(HaveKey("setting:PIPENV_VENV_IN_PROJECT"))
		Expect(m).NotTo(HaveKey("setting:PIPENV_CACHE_DIR"))
		Expect(m).To(HaveKey("setting:PIP_INDEX_URL"))
		Expect(r.Steps[0].Command(ctx).Env).To(ContainElement("NETRC=" + filepath.Join(binding, "netrc")))
		Expect(r.Notes).To(ContainElement("BP_PYTHON_INSTALL_GROUPS is not used with Pipenv: it installs the default packages of Pipfile.lock"))
	})

	context("failure cases", func() {
		it("refuses a Pipfile without a lock, with the fix", func() {
			Expect(os.Remove(filepath.Join(app.Dir, "Pipfile.lock"))).To(Succeed())
			app.Choice.Because = "Pipfile"
			_, err := pipenv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("Pipenv installs the dependencies (Pipfile), but the app has no Pipfile.lock")))
			Expect(err).To(MatchError(ContainSubstring("run `pipenv lock` and commit Pipfile.lock with the app")))
		})

		it("says a stale lock is stale, with Pipenv's words and the fix", func() {
			err := recipe().Steps[0].Failure("Pipfile.lock (563222) is out of date: it does not match the Pipfile (df46b7). Run `pipenv lock` and commit Pipfile.lock.\n", os.ErrInvalid)
			Expect(err).To(MatchError(ContainSubstring("Pipfile.lock is out of date: it does not match the Pipfile")))
			Expect(err).To(MatchError(ContainSubstring("run `pipenv lock` and commit the updated Pipfile.lock")))
			err = recipe().Steps[0].Failure("boom\n", os.ErrInvalid)
			Expect(err).To(MatchError(ContainSubstring("Pipenv could not install the locked packages")))
		})

		it("refuses a lock that is not JSON, and a local package that is gone", func() {
			Expect(writeFile(app.Dir, "Pipfile.lock", "{")).To(Succeed())
			_, err := pipenv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("Pipfile.lock is not valid JSON")))
			Expect(writeFile(app.Dir, "Pipfile.lock", lock)).To(Succeed())
			Expect(os.RemoveAll(filepath.Join(app.Dir, "libs"))).To(Succeed())
			_, err = pipenv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("Pipfile.lock names the local package libs/greet, which is not in the app")))
		})
	})
}
