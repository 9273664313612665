package poetry_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/testsetup"
	"github.com/python-cnb/buildpack/poetry"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitPoetry(t *testing.T) {
	spec.Run(t, "poetry", testPoetry, spec.Report(report.Terminal{}), spec.Sequential())
}

// writeFile writes content to dir/name, creating parent directories.
var writeFile = testsetup.WriteFile

const pyproject = `[project]
name = "demo"
version = "1.0"
dependencies = ["six"]

[project.optional-dependencies]
fast = ["idna"]

[tool.poetry.group.dev.dependencies]
pytest = "*"

[tool.poetry.group.web.dependencies]
gunicorn = "*"
`

const lock = `[[package]]
name = "greet"
version = "0.1"
[package.source]
type = "directory"
url = "libs/greet"

[[package]]
name = "six"
version = "1.17.0"
`

func testPoetry(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    environment.App
		ctx    environment.Context
	)

	recipe := func() environment.Recipe {
		r, err := poetry.Recipe(app)
		Expect(err).NotTo(HaveOccurred())
		return r
	}
	keys := func(r environment.Recipe) map[string]string {
		m, err := r.Inputs.Map()
		Expect(err).NotTo(HaveOccurred())
		return m
	}

	it.Before(func() {
		for _, name := range []string{"BP_PYTHON_INSTALL_GROUPS", "POETRY_HTTP_BASIC_INDEX_PASSWORD", "POETRY_CACHE_DIR"} {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
		app = environment.App{Dir: t.TempDir(), Choice: environment.Choice{Manager: "poetry", Because: "poetry.lock"}}
		ctx = environment.Context{Venv: "/layers/venv", App: app.Dir, Cache: "/layers/poetry-cache", Tools: map[string]string{"poetry": "/layers/poetry/venv/bin/python"}}
		Expect(writeFile(app.Dir, "pyproject.toml", pyproject)).To(Succeed())
		Expect(writeFile(app.Dir, "poetry.lock", lock)).To(Succeed())
		Expect(writeFile(app.Dir, "libs/greet/pyproject.toml", "")).To(Succeed())
	})

	it("runs poetry sync of the main group into the environment, with a pinned Poetry installed by pip", func() {
		r := recipe()
		Expect(r.EveryBuild).To(BeFalse())
		Expect(r.Tools).To(HaveLen(1))
		Expect(r.Tools[0].Name).To(Equal("poetry"))
		Expect(r.Tools[0].Version).To(Equal(poetry.Version))
		Expect(r.Tools[0].PerPython).To(BeTrue())
		Expect(r.Tools[0].Executable("/layers/poetry")).To(Equal("/layers/poetry/venv/bin/python"))
		command := r.Steps[0].Command(ctx)
		// Poetry's own python, isolated, runs Poetry with PyPI's simple index
		// for the versions its JSON API does not answer
		Expect(command.Args[:3]).To(Equal([]string{"/layers/poetry/venv/bin/python", "-I", "-c"}))
		Expect(command.Args[3]).To(ContainSubstring("PyPiRepository.find_links_for_package = find_links_for_package"))
		Expect(command.Args[3]).To(ContainSubstring("from poetry.console.application import main"))
		Expect(command.Args[4:]).To(Equal([]string{"sync", "--only", "main", "--no-ansi"}))
		Expect(command.Env).To(Equal([]string{"VIRTUAL_ENV=/layers/venv", "POETRY_VIRTUALENVS_CREATE=false",
			"POETRY_CACHE_DIR=/layers/poetry-cache/poetry", "POETRY_NO_INTERACTION=1"}))
		Expect(command.Shown()).To(Equal("poetry sync --only main --no-ansi"))
		m := keys(r)
		Expect(m).To(HaveKey("file:pyproject.toml"))
		Expect(m).To(HaveKey("file:poetry.lock"))
		Expect(m).To(HaveKey("tree:libs/greet"))
		Expect(r.Notes).To(BeEmpty())
	})

	it("adds groups and extras, and keys on them, on poetry.toml and POETRY_ settings", func() {
		t.Setenv("BP_PYTHON_INSTALL_GROUPS", "web,fast")
		t.Setenv("POETRY_HTTP_BASIC_INDEX_PASSWORD", "s3cret")
		t.Setenv("POETRY_CACHE_DIR", "/ignored")
		Expect(writeFile(app.Dir, "poetry.toml", "[virtualenvs]\n")).To(Succeed())
		r := recipe()
		Expect(r.Steps[0].Command(ctx).Args[4:]).To(Equal([]string{"sync", "--only", "main,web", "--extras", "fast", "--no-ansi"}))
		m := keys(r)
		Expect(m).To(HaveKeyWithValue("value:BP_PYTHON_INSTALL_GROUPS", "web,fast"))
		Expect(m).To(HaveKey("setting:POETRY_HTTP_BASIC_INDEX_PASSWORD"))
		Expect(m).NotTo(HaveKey("setting:POETRY_CACHE_DIR"))
		Expect(m).To(HaveKey("file:poetry.toml"))
		Expect(m["setting:POETRY_HTTP_BASIC_INDEX_PASSWORD"]).NotTo(ContainSubstring("s3cret"))
	})

	it("says when the project is not installed (package-mode = false)", func() {
		Expect(writeFile(app.Dir, "pyproject.toml", "[tool.poetry]\npackage-mode = false\n")).To(Succeed())
		Expect(recipe().Notes).To(ContainElement("package-mode = false: Poetry installs the dependencies only, not the project"))
	})

	context("failure cases", func() {
		it("says a stale lock is stale, with Poetry's words and the fix", func() {
			err := recipe().Steps[0].Failure("Installing dependencies from lock file\npyproject.toml changed significantly since poetry.lock was last generated. Run `poetry lock` to fix the lock file.\n", os.ErrInvalid)
			Expect(err).To(MatchError(ContainSubstring("poetry.lock is out of date: it does not match pyproject.toml")))
			Expect(err).To(MatchError(ContainSubstring("pyproject.toml changed significantly since poetry.lock was last generated. Run `poetry lock` to fix the lock file.")))
			err = recipe().Steps[0].Failure("boom\n", os.ErrInvalid)
			Expect(err).To(MatchError(ContainSubstring("Poetry could not install the locked dependencies (poetry sync)")))
		})

		it("refuses an app without poetry.lock, files that are not TOML, and an unknown group", func() {
			Expect(writeFile(app.Dir, "poetry.lock", "[[package\n")).To(Succeed())
			_, err := poetry.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("poetry.lock cannot be read as TOML")))
			Expect(os.Remove(filepath.Join(app.Dir, "poetry.lock"))).To(Succeed())
			_, err = poetry.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("Poetry installs the dependencies (poetry.lock), but the app has no poetry.lock")))
			Expect(err).To(MatchError(ContainSubstring("run `poetry lock`")))
			Expect(writeFile(app.Dir, "poetry.lock", lock)).To(Succeed())
			Expect(writeFile(app.Dir, "pyproject.toml", "[tool.poetry\n")).To(Succeed())
			_, err = poetry.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("pyproject.toml cannot be read as TOML")))
			Expect(writeFile(app.Dir, "pyproject.toml", pyproject)).To(Succeed())
			t.Setenv("BP_PYTHON_INSTALL_GROUPS", "docs")
			_, err = poetry.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("defined: dev, fast, web")))
		})
	})
}
