package environment_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/sclevine/spec"
)

func testChoose(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    string
	)
	write := func(name, content string) { Expect(writeFile(app, name, content)).To(Succeed()) }
	choose := func() environment.Choice {
		choice, err := environment.Choose(app)
		Expect(err).NotTo(HaveOccurred())
		return choice
	}

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
		app = t.TempDir()
	})

	it("chooses nothing for an app without dependency files", func() {
		write("app.py", "")
		Expect(choose()).To(Equal(environment.Choice{}))
	})

	it("follows Oryx's precedence, listing the other managers' files as ignored", func() {
		write("pyproject.toml", "[project]\nname = 'x'\n[tool.poetry]\nname = 'x'\n")
		write("uv.lock", "")
		write("poetry.lock", "")
		write("Pipfile", "")
		write("Pipfile.lock", "{}")
		write("setup.py", "")
		write("requirements.txt", "six\n")

		steps := []struct {
			remove  string
			manager string
			because string
			ignored []string
		}{
			{"", "pip", "requirements.txt", []string{"uv.lock", "poetry.lock", "[tool.poetry] in pyproject.toml", "Pipfile.lock", "Pipfile"}},
			{"requirements.txt", "pip", "setup.py", []string{"uv.lock", "poetry.lock", "[tool.poetry] in pyproject.toml", "Pipfile.lock", "Pipfile"}},
			{"setup.py", "uv", "uv.lock", []string{"poetry.lock", "[tool.poetry] in pyproject.toml", "Pipfile.lock", "Pipfile"}},
			{"uv.lock", "poetry", "poetry.lock", []string{"Pipfile.lock", "Pipfile"}},
			{"poetry.lock", "poetry", "[tool.poetry] in pyproject.toml", []string{"Pipfile.lock", "Pipfile"}},
		}
		for _, step := range steps {
			if step.remove != "" {
				Expect(os.Remove(filepath.Join(app, step.remove))).To(Succeed())
			}
			Expect(choose()).To(Equal(environment.Choice{Manager: step.manager, Because: step.because, Ignored: step.ignored}), step.because)
		}
		write("pyproject.toml", "[project]\nname = 'x'\n")
		Expect(choose()).To(Equal(environment.Choice{Manager: "pipenv", Because: "Pipfile.lock", Ignored: []string{"pyproject.toml"}}))
		Expect(os.Remove(filepath.Join(app, "Pipfile.lock"))).To(Succeed())
		Expect(choose().Because).To(Equal("Pipfile"))
		Expect(os.Remove(filepath.Join(app, "Pipfile"))).To(Succeed())
		Expect(choose()).To(Equal(environment.Choice{Manager: "pip", Because: "pyproject.toml"}))
	})

	it("chooses pip for a pyproject.toml with [build-system] only, or one that is not valid TOML", func() {
		write("pyproject.toml", "[build-system]\nrequires = ['setuptools']\n")
		Expect(choose().Manager).To(Equal("pip"))
		write("pyproject.toml", "[project\n")
		Expect(choose().Manager).To(Equal("pip"))
		write("pyproject.toml", "[tool.black]\nline-length = 100\n")
		Expect(choose().Manager).To(Equal(""))
	})

	it("does not take a uv.lock without a pyproject.toml for a uv project", func() {
		write("uv.lock", "")
		Expect(choose().Manager).To(Equal(""))
	})

	it("takes CUSTOM_REQUIREMENTSTXT_PATH for pip", func() {
		write("uv.lock", "")
		write("pyproject.toml", "[project]\nname = 'x'\n")
		t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "reqs/prod.txt")
		Expect(choose()).To(Equal(environment.Choice{Manager: "pip", Because: "CUSTOM_REQUIREMENTSTXT_PATH", Ignored: []string{"uv.lock"}}))
	})

	it("lets BP_PYTHON_PACKAGE_MANAGER force a manager, listing the others' files", func() {
		write("requirements.txt", "six\n")
		write("pyproject.toml", "[project]\nname = 'x'\n")
		write("uv.lock", "")
		t.Setenv("BP_PYTHON_PACKAGE_MANAGER", "uv")
		Expect(choose()).To(Equal(environment.Choice{Manager: "uv", Because: "BP_PYTHON_PACKAGE_MANAGER=uv", Ignored: []string{"requirements.txt"}}))
		t.Setenv("BP_PYTHON_PACKAGE_MANAGER", "pipenv")
		Expect(choose().Ignored).To(Equal([]string{"requirements.txt", "uv.lock", "pyproject.toml"}))
		t.Setenv("BP_PYTHON_PACKAGE_MANAGER", "uv")
		Expect(choose().Warning()).To(Equal("Warning: the app also has requirements.txt, which this build ignores: uv installs the dependencies (from BP_PYTHON_PACKAGE_MANAGER=uv). Set BP_PYTHON_PACKAGE_MANAGER to choose another manager, or remove the files it should not read."))
	})

	it("has no warning without ignored files", func() {
		Expect(environment.Choice{Manager: "pip", Because: "requirements.txt"}.Warning()).To(BeEmpty())
	})

	context("failure cases", func() {
		it("refuses an unknown manager, listing the known ones", func() {
			t.Setenv("BP_PYTHON_PACKAGE_MANAGER", "pdm")
			_, err := environment.Choose(app)
			Expect(err).To(MatchError(ContainSubstring(`BP_PYTHON_PACKAGE_MANAGER="pdm" is not a package manager this buildpack provides`)))
			Expect(err).To(MatchError(ContainSubstring("pip, uv, poetry, pipenv")))
		})

		it("reports a pyproject.toml it cannot read", func() {
			Expect(os.Mkdir(filepath.Join(app, "pyproject.toml"), 0o755)).To(Succeed())
			_, err := environment.Choose(app)
			Expect(err).To(MatchError(ContainSubstring("reading pyproject.toml")))
		})
	})
}
