package environment_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/sclevine/spec"
)

func testSettings(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    environment.App
	)

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
		unsetEnv(t, "UV_CONSTRAINT", "UV_OVERRIDE")
		app = environment.App{Dir: t.TempDir()}
	})

	context("Groups", func() {
		it("reads comma-separated names without blanks or repeats", func() {
			Expect(environment.Groups()).To(BeEmpty())
			t.Setenv("BP_PYTHON_INSTALL_GROUPS", " web, ,test,web ")
			Expect(environment.Groups()).To(Equal([]string{"web", "test"}))
		})

		it("explains an unknown group", func() {
			err := environment.UnknownGroup("tset", "pyproject.toml", []string{"test", "docs"})
			Expect(err).To(MatchError(ContainSubstring(`BP_PYTHON_INSTALL_GROUPS names "tset", which pyproject.toml defines as neither a dependency group nor an extra`)))
			Expect(err).To(MatchError(ContainSubstring("defined: docs, test")))
			Expect(environment.UnknownGroup("x", "pyproject.toml", nil)).To(MatchError(ContainSubstring("defined: none")))
		})
	})

	context("FileSettings", func() {
		it("adds the files settings name, leaving URLs to the tool", func() {
			Expect(writeFile(app.Dir, "constraints.txt", "six<2\n")).To(Succeed())
			t.Setenv("UV_CONSTRAINT", "constraints.txt https://example.com/c.txt")
			var set inputs.Set
			Expect(environment.FileSettings(app, &set, "UV_CONSTRAINT", "UV_OVERRIDE")).To(Succeed())
			m, err := set.Map()
			Expect(err).NotTo(HaveOccurred())
			Expect(m).To(HaveKey("file:constraints.txt"))
		})

		it("refuses a file outside the app, or one that is not there", func() {
			t.Setenv("UV_CONSTRAINT", "../secret")
			var set inputs.Set
			Expect(environment.FileSettings(app, &set, "UV_CONSTRAINT")).To(MatchError(ContainSubstring("UV_CONSTRAINT=../secret points outside the app")))
			t.Setenv("UV_CONSTRAINT", "missing.txt")
			Expect(environment.FileSettings(app, &set, "UV_CONSTRAINT")).To(MatchError(ContainSubstring("UV_CONSTRAINT=missing.txt names a file that does not exist in the app")))
		})
	})

	context("LocalSources", func() {
		it("adds the trees and files of local packages, but the project itself", func() {
			Expect(writeFile(app.Dir, "libs/a/setup.py", "")).To(Succeed())
			Expect(writeFile(app.Dir, "wheels/b.whl", "")).To(Succeed())
			var set inputs.Set
			Expect(environment.LocalSources(app, &set, "uv.lock", []string{".", "libs/a", "wheels/b.whl", ""})).To(Succeed())
			m, err := set.Map()
			Expect(err).NotTo(HaveOccurred())
			Expect(m).To(HaveLen(2))
			Expect(m).To(HaveKey("tree:libs/a"))
			Expect(m).To(HaveKey("file:wheels/b.whl"))
		})

		it("refuses a package outside the app, or one that is not there", func() {
			var set inputs.Set
			Expect(environment.LocalSources(app, &set, "uv.lock", []string{"../elsewhere"})).To(MatchError(ContainSubstring("uv.lock's local package ../elsewhere points outside the app")))
			Expect(environment.LocalSources(app, &set, "uv.lock", []string{"libs/gone"})).To(MatchError(ContainSubstring("uv.lock names the local package libs/gone, which is not in the app")))
		})
	})

}
