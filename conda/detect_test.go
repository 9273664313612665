package conda_test

import (
	"os"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/conda"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/sclevine/spec"
)

func testDetect(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		dir    string
		detect = conda.Detect()
	)

	it.Before(func() {
		dir = t.TempDir()
		unsetEnv(t, "BP_PYTHON_PACKAGE_MANAGER")
	})

	for _, name := range []string{"environment.yml", "environment.yaml", "notebook.ipynb"} {
		it("passes on "+name+" at the root, providing conda-environment and site-packages and requiring CPython at build", func() {
			Expect(writeFile(dir, name, "x")).To(Succeed())
			result, err := detect(packit.DetectContext{WorkingDir: dir})
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Plan.Provides).To(Equal([]packit.BuildPlanProvision{{Name: plan.CondaEnvironment}, {Name: plan.SitePackages}}))
			Expect(result.Plan.Requires).To(ContainElement(packit.BuildPlanRequirement{Name: plan.CPython, Metadata: map[string]interface{}{"build": true}}))
			Expect(result.Plan.Requires).To(ContainElement(packit.BuildPlanRequirement{Name: plan.CondaEnvironment, Metadata: map[string]interface{}{"launch": true}}))
		})
	}

	it("fails on a notebook below the root only, or a plain Python app", func() {
		Expect(writeFile(dir, "notebooks/a.ipynb", "x")).To(Succeed())
		Expect(writeFile(dir, "app.py", "x")).To(Succeed())
		Expect(writeFile(dir, "requirements.txt", "six")).To(Succeed())
		_, err := detect(packit.DetectContext{WorkingDir: dir})
		Expect(err).To(MatchError(ContainSubstring("no environment.yml, environment.yaml or *.ipynb at the app's root")))
	})

	it("steps aside when BP_PYTHON_PACKAGE_MANAGER names a manager", func() {
		Expect(writeFile(dir, "environment.yml", "x")).To(Succeed())
		Expect(writeFile(dir, "requirements.txt", "six")).To(Succeed())
		t.Setenv("BP_PYTHON_PACKAGE_MANAGER", "pip")
		_, err := detect(packit.DetectContext{WorkingDir: dir})
		Expect(err).To(MatchError(packit.Fail.WithMessage("BP_PYTHON_PACKAGE_MANAGER=pip: not a conda environment")))
	})

	context("failure cases", func() {
		it("returns the error of a BP_PYTHON_PACKAGE_MANAGER it does not know", func() {
			t.Setenv("BP_PYTHON_PACKAGE_MANAGER", "pdm")
			_, err := detect(packit.DetectContext{WorkingDir: dir})
			Expect(err).To(MatchError(ContainSubstring(`BP_PYTHON_PACKAGE_MANAGER="pdm" is not a package manager`)))
		})

		it("returns an error when the app directory cannot be read", func() {
			Expect(os.Chmod(dir, 0o000)).To(Succeed())
			defer os.Chmod(dir, 0o755)
			if os.Geteuid() == 0 {
				t.Skip("root reads anything")
			}
			_, err := detect(packit.DetectContext{WorkingDir: dir})
			Expect(err).To(HaveOccurred())
			Expect(err).NotTo(MatchError(ContainSubstring("no environment.yml")))
		})
	})
}
