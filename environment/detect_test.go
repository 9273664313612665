package environment_test

import (
	"errors"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/sclevine/spec"
)

func testDetect(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    string
		recipe environment.Recipe
		err    error
		detect packit.DetectFunc
	)

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
		app = t.TempDir()
		Expect(writeFile(app, "requirements.txt", "six\n")).To(Succeed())
		recipe, err = environment.Recipe{}, nil
		recipe.Inputs.File("requirements.txt", filepath.Join(app, "requirements.txt"))
		manager := environment.Manager{Name: "pip", Recipe: func(environment.App) (environment.Recipe, error) { return recipe, err }}
		detect = environment.Detect(manager)
	})

	cpythonEntry := func(result packit.DetectResult) map[string]interface{} {
		for _, r := range result.Plan.Requires {
			if r.Name == plan.CPython {
				return r.Metadata.(map[string]interface{})
			}
		}
		return nil
	}

	it("passes for the chosen manager, providing site-packages and requiring CPython with a build key", func() {
		result, err := detect(packit.DetectContext{WorkingDir: app})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Plan.Provides).To(Equal([]packit.BuildPlanProvision{{Name: plan.SitePackages}}))
		Expect(result.Plan.Requires).To(ContainElement(packit.BuildPlanRequirement{Name: plan.SitePackages, Metadata: map[string]interface{}{"launch": true}}))
		entry := cpythonEntry(result)
		Expect(entry).To(HaveKeyWithValue("build", true))
		Expect(entry).To(HaveKeyWithValue("launch", true))
		Expect(entry[plan.BuildKey]).To(HavePrefix("pip:"))

		Expect(writeFile(app, "requirements.txt", "flask\n")).To(Succeed())
		again, err := detect(packit.DetectContext{WorkingDir: app})
		Expect(err).NotTo(HaveOccurred())
		Expect(cpythonEntry(again)[plan.BuildKey]).NotTo(Equal(entry[plan.BuildKey]))
	})

	it("gives no key when the environment is needed at every build, or the recipe cannot be read", func() {
		recipe.EveryBuild = true
		result, _ := detect(packit.DetectContext{WorkingDir: app})
		Expect(cpythonEntry(result)).NotTo(HaveKey(plan.BuildKey))
		recipe.EveryBuild, err = false, errors.New("bad")
		result, _ = detect(packit.DetectContext{WorkingDir: app})
		Expect(cpythonEntry(result)).NotTo(HaveKey(plan.BuildKey))
		err = nil
		t.Setenv("COMPRESS_VIRTUALENV", "zip")
		result, _ = detect(packit.DetectContext{WorkingDir: app})
		Expect(cpythonEntry(result)).NotTo(HaveKey(plan.BuildKey))
	})

	it("fails for another manager's app, saying which", func() {
		Expect(writeFile(app, "requirements.txt", "six\n")).To(Succeed())
		_, err := environment.Detect(environment.Manager{Name: "uv"})(packit.DetectContext{WorkingDir: app})
		Expect(err).To(MatchError(packit.Fail.WithMessage("the app's dependencies are not for uv (pip installs them, from requirements.txt)")))
		_, err = environment.Detect(environment.Manager{Name: "uv"})(packit.DetectContext{WorkingDir: t.TempDir()})
		Expect(err).To(MatchError(ContainSubstring("no requirements.txt, setup.py, pyproject.toml, uv.lock, poetry.lock or Pipfile")))
	})

	it("returns a setting that cannot be read as an error", func() {
		t.Setenv("BP_PYTHON_PACKAGE_MANAGER", "conda")
		_, err := detect(packit.DetectContext{WorkingDir: app})
		Expect(err).To(MatchError(ContainSubstring("is not a package manager this buildpack provides")))
	})
}
