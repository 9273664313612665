package uv_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/testsetup"
	"github.com/python-cnb/buildpack/uv"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitUV(t *testing.T) {
	spec.Run(t, "uv", testUV, spec.Report(report.Terminal{}), spec.Sequential())
}

// writeFile writes content to dir/name, creating parent directories.
var writeFile = testsetup.WriteFile

const lockWithLocalPackage = `version = 1
[[package]]
name = "demo"
version = "1.0"
source = { virtual = "." }

[[package]]
name = "greet"
version = "0.1"
source = { editable = "libs/greet" }

[[package]]
name = "six"
version = "1.17.0"
source = { registry = "https://index.example/simple" }
`

func testUV(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    environment.App
		ctx    environment.Context
	)

	recipe := func() environment.Recipe {
		r, err := uv.Recipe(app)
		Expect(err).NotTo(HaveOccurred())
		return r
	}
	keys := func(r environment.Recipe) map[string]string {
		m, err := r.Inputs.Map()
		Expect(err).NotTo(HaveOccurred())
		return m
	}

	it.Before(func() {
		for _, name := range []string{"BP_PYTHON_INSTALL_GROUPS", "UV_INDEX_URL", "UV_CONSTRAINT", "UV_CACHE_DIR", "CNB_TARGET_ARCH", "BP_ARCH"} {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
		t.Setenv("CNB_TARGET_ARCH", "amd64")
		app = environment.App{Dir: t.TempDir(), CNBPath: ".", Choice: environment.Choice{Manager: "uv", Because: "uv.lock"}}
		ctx = environment.Context{Venv: "/layers/venv", App: app.Dir, Cache: "/layers/uv-cache", Tools: map[string]string{"uv": "/layers/uv/uv"}}
		Expect(writeFile(app.Dir, "pyproject.toml", "[project]\nname = 'demo'\nversion = '1.0'\ndependencies = ['six', 'greet']\n"+
			"[project.optional-dependencies]\nfast = ['idna']\n[dependency-groups]\ndev = ['pytest']\nweb = ['gunicorn']\n")).To(Succeed())
		Expect(writeFile(app.Dir, "uv.lock", lockWithLocalPackage)).To(Succeed())
		Expect(writeFile(app.Dir, "libs/greet/pyproject.toml", "")).To(Succeed())
	})

	it("runs uv sync from the lock, without dev groups, into the environment, with the build's CPython", func() {
		r := recipe()
		Expect(r.EveryBuild).To(BeFalse())
		Expect(r.Tools).To(HaveLen(1))
		Expect(r.Tools[0].Name).To(Equal("uv"))
		Expect(r.Tools[0].Version).To(Equal("0.13.9"))
		Expect(r.Tools[0].Checksum).To(Equal("sha256:d7f459fe4fd247d830351c75686d3996ace3c6f3f728eb0e85a30b7ada0cef19"))
		Expect(r.Tools[0].Executable("/t")).To(Equal("/t/uv-0.13.9.data/scripts/uv"))
		command := r.Steps[0].Command(ctx)
		Expect(command.Args).To(Equal([]string{"/layers/uv/uv", "sync", "--locked", "--no-default-groups", "--no-editable", "--no-install-project"}))
		Expect(command.Shown()).To(Equal("uv sync --locked --no-default-groups --no-editable --no-install-project"))
		Expect(command.Env).To(ContainElements("UV_PROJECT_ENVIRONMENT=/layers/venv", "UV_PYTHON_DOWNLOADS=never", "UV_NO_MANAGED_PYTHON=1",
			"UV_CACHE_DIR=/layers/uv-cache/uv", "UV_LINK_MODE=copy"))
		Expect(command.Env).To(ContainElement(HavePrefix("UV_PYTHON=")))
		m := keys(r)
		Expect(m).To(HaveKey("file:pyproject.toml"))
		Expect(m).To(HaveKey("file:uv.lock"))
		Expect(m).To(HaveKey("tree:libs/greet"))
		Expect(m).NotTo(HaveKey("tree:the app's files"))
	})

	it("installs a project that is a package, keyed on the app's files, at every build", func() {
		Expect(writeFile(app.Dir, "pyproject.toml", "[project]\nname = 'demo'\n[build-system]\nrequires = ['hatchling']\n")).To(Succeed())
		r := recipe()
		Expect(r.EveryBuild).To(BeTrue())
		Expect(r.Steps[0].Command(ctx).Args).NotTo(ContainElement("--no-install-project"))
		Expect(keys(r)).To(HaveKey("tree:the app's files"))
		Expect(writeFile(app.Dir, "pyproject.toml", "[project]\nname = 'demo'\n[build-system]\nrequires = ['hatchling']\n[tool.uv]\npackage = false\n")).To(Succeed())
		Expect(recipe().EveryBuild).To(BeFalse())
	})

	it("adds the groups and extras BP_PYTHON_INSTALL_GROUPS names, and keys on them, on uv.toml, UV_ settings and the files they name", func() {
		t.Setenv("BP_PYTHON_INSTALL_GROUPS", "web,fast")
		t.Setenv("UV_INDEX_URL", "https://user:secret@index.example/simple")
		t.Setenv("UV_CACHE_DIR", "/ignored")
		t.Setenv("UV_CONSTRAINT", "constraints.txt")
		Expect(writeFile(app.Dir, "constraints.txt", "six<2\n")).To(Succeed())
		Expect(writeFile(app.Dir, "uv.toml", "")).To(Succeed())
		r := recipe()
		Expect(r.Steps[0].Command(ctx).Args[6:]).To(Equal([]string{"--group", "web", "--extra", "fast"}))
		m := keys(r)
		Expect(m).To(HaveKeyWithValue("value:BP_PYTHON_INSTALL_GROUPS", "web,fast"))
		Expect(m).To(HaveKey("setting:UV_INDEX_URL"))
		Expect(m).NotTo(HaveKey("setting:UV_CACHE_DIR"))
		Expect(m).To(HaveKey("file:constraints.txt"))
		Expect(m).To(HaveKey("file:uv.toml"))
	})

	it("provides uv from its wheel", func() {
		tool, err := uv.Tool(".", "uv")
		Expect(err).NotTo(HaveOccurred())
		dir := t.TempDir()
		exe, err := tool.Provide(dir, environment.ToolDeps{Fetch: func(id, d string) error {
			Expect(id).To(Equal("uv"))
			return writeFile(d, "uv-0.13.9.data/scripts/uv", "#!/bin/sh\n")
		}})
		Expect(err).NotTo(HaveOccurred())
		Expect(exe).To(Equal(filepath.Join(dir, "uv-0.13.9.data", "scripts", "uv")))
		info, err := os.Stat(exe)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm() & 0o111).NotTo(BeZero())
	})

	context("failure cases", func() {
		it("says a stale lock is stale, with uv's words and the fix", func() {
			err := recipe().Steps[0].Failure("Resolved 3 packages\nerror: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided.\n", os.ErrInvalid)
			Expect(err).To(MatchError(ContainSubstring("uv.lock is out of date: it does not match pyproject.toml")))
			Expect(err).To(MatchError(ContainSubstring("The lockfile at `uv.lock` needs to be updated")))
			Expect(err).To(MatchError(ContainSubstring("run `uv lock` and commit the updated uv.lock")))
			err = recipe().Steps[0].Failure("error: Failed to build `x`\n", os.ErrInvalid)
			Expect(err).To(MatchError(ContainSubstring("uv could not install the locked dependencies (uv sync)")))
		})

		it("names what is wrong with the project's files", func() {
			Expect(writeFile(app.Dir, "uv.lock", "not [ toml")).To(Succeed())
			_, err := uv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("uv.lock cannot be read as TOML")))
			Expect(os.Remove(filepath.Join(app.Dir, "uv.lock"))).To(Succeed())
			_, err = uv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("uv installs the dependencies (uv.lock), but the app has no uv.lock")))
			Expect(writeFile(app.Dir, "uv.lock", lockWithLocalPackage)).To(Succeed())
			Expect(writeFile(app.Dir, "pyproject.toml", "[project\n")).To(Succeed())
			_, err = uv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("pyproject.toml cannot be read as TOML")))
		})

		it("refuses a group the project does not define, and a local package that is gone", func() {
			t.Setenv("BP_PYTHON_INSTALL_GROUPS", "tests")
			_, err := uv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring(`BP_PYTHON_INSTALL_GROUPS names "tests"`)))
			Expect(err).To(MatchError(ContainSubstring("defined: dev, fast, web")))
			os.Unsetenv("BP_PYTHON_INSTALL_GROUPS")
			Expect(os.RemoveAll(filepath.Join(app.Dir, "libs"))).To(Succeed())
			_, err = uv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("uv.lock names the local package libs/greet, which is not in the app")))
		})

		it("fails for an architecture it has no uv for", func() {
			t.Setenv("CNB_TARGET_ARCH", "s390x")
			_, err := uv.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("this buildpack has no uv for the s390x architecture")))
		})
	})
}
