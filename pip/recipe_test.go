package pip_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/python-cnb/buildpack/pip"
	"github.com/sclevine/spec"
)

func testRecipe(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    environment.App
		ctx    environment.Context
	)

	recipe := func() environment.Recipe {
		r, err := pip.Recipe(app)
		Expect(err).NotTo(HaveOccurred())
		return r
	}
	keys := func(r environment.Recipe) map[string]string {
		m, err := r.Inputs.Map()
		Expect(err).NotTo(HaveOccurred())
		return m
	}
	pipArgs := func(args ...string) []string {
		return append([]string{"python", "-I", "-m", "pip", "--python", "/layers/venv/bin/python", "--disable-pip-version-check", "--no-input"}, args...)
	}

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
		t.Setenv(buildpip.DirEnv, "")
		app = environment.App{Dir: t.TempDir(), PlatformDir: t.TempDir(), CNBPath: "."}
		ctx = environment.Context{Venv: "/layers/venv", App: app.Dir, Cache: "/layers/pip-cache", Tools: map[string]string{"uv": "/layers/uv/uv"}}
	})

	it("installs requirements.txt with pip, isolated from the app's files, keyed on the files it reads", func() {
		Expect(writeFile(app.Dir, "requirements.txt", "-r base.txt\n-e ./libs/greet\n")).To(Succeed())
		Expect(writeFile(app.Dir, "base.txt", "flask\n")).To(Succeed())
		Expect(writeFile(app.Dir, "libs/greet/setup.py", "")).To(Succeed())
		r := recipe()
		Expect(r.EveryBuild).To(BeFalse())
		Expect(r.Steps).To(HaveLen(1))
		command := r.Steps[0].Command(ctx)
		Expect(command.Args).To(Equal(pipArgs("install", "--cache-dir", "/layers/pip-cache", "--prefer-binary", "--no-compile", "--requirement", "requirements.txt")))
		Expect(command.Shown()).To(Equal("pip install --cache-dir /layers/pip-cache --prefer-binary --no-compile --requirement requirements.txt"))
		Expect(keys(r)).To(HaveKey("file:requirements.txt"))
		Expect(keys(r)).To(HaveKey("file:base.txt"))
		Expect(keys(r)).To(HaveKey("tree:libs/greet"))
		Expect(r.Tools).To(BeEmpty())
	})

	it("runs the build's pip package with the environment's interpreter when the cpython sub-buildpack names it", func() {
		Expect(writeFile(app.Dir, "requirements.txt", "flask\n")).To(Succeed())
		pipDir := filepath.Join(t.TempDir(), "pip")
		Expect(writeFile(pipDir, "__main__.py", "")).To(Succeed())
		t.Setenv(buildpip.DirEnv, pipDir)
		command := recipe().Steps[0].Command(ctx)
		Expect(command.Args).To(Equal([]string{"/layers/venv/bin/python", "-I", pipDir, "--disable-pip-version-check", "--no-input",
			"install", "--cache-dir", "/layers/pip-cache", "--prefer-binary", "--no-compile", "--requirement", "requirements.txt"}))
		Expect(command.Shown()).To(Equal("pip install --cache-dir /layers/pip-cache --prefer-binary --no-compile --requirement requirements.txt"))
	})

	it("keys the environment on the pip settings and the files they name, and passes a pip binding's files to pip", func() {
		Expect(writeFile(app.Dir, "requirements.txt", "flask\n")).To(Succeed())
		Expect(writeFile(app.Dir, "constraints.txt", "flask<4\n")).To(Succeed())
		t.Setenv("PIP_CONSTRAINT", "constraints.txt")
		binding := filepath.Join(app.PlatformDir, "bindings", "index")
		Expect(writeFile(binding, "type", "pip")).To(Succeed())
		Expect(writeFile(binding, "pip.conf", "[global]\n")).To(Succeed())
		r := recipe()
		Expect(keys(r)).To(HaveKey("setting:PIP_CONSTRAINT"))
		Expect(keys(r)).To(HaveKey("file:constraints.txt"))
		Expect(keys(r)).To(HaveKey("file:the pip binding's pip.conf"))
		Expect(r.Steps[0].Command(ctx).Env).To(Equal([]string{"PIP_CONFIG_FILE=" + filepath.Join(binding, "pip.conf")}))
	})

	it("installs a setup.py project after its requirements, keyed on the app's files, at every build", func() {
		Expect(writeFile(app.Dir, "requirements.txt", "flask\n")).To(Succeed())
		Expect(writeFile(app.Dir, "setup.py", "")).To(Succeed())
		r := recipe()
		Expect(r.EveryBuild).To(BeTrue())
		Expect(r.Steps).To(HaveLen(2))
		Expect(r.Steps[1].Command(ctx).Args).To(Equal(pipArgs("install", "--cache-dir", "/layers/pip-cache", "--prefer-binary", "--no-compile", ".")))
		Expect(keys(r)).To(HaveKey("tree:the app's files"))
	})

	it("installs a pyproject project with [build-system], or with [project.scripts]", func() {
		Expect(writeFile(app.Dir, "pyproject.toml", "[build-system]\nrequires = ['hatchling']\n")).To(Succeed())
		Expect(recipe().Steps[0].Command(ctx).Shown()).To(HaveSuffix(" ."))
		Expect(writeFile(app.Dir, "pyproject.toml", "[project]\nname = 'x'\ndependencies = ['flask']\n[project.scripts]\nserve = 'x:main'\n")).To(Succeed())
		Expect(recipe().Steps[0].Command(ctx).Shown()).To(HaveSuffix(" ."))
	})

	it("installs only the dependencies of a pyproject.toml whose [project] has no [build-system], and says so", func() {
		Expect(writeFile(app.Dir, "pyproject.toml", "[project]\nname = 'x'\ndependencies = ['flask>=3', 'gunicorn']\n")).To(Succeed())
		r := recipe()
		Expect(r.EveryBuild).To(BeFalse())
		Expect(r.Steps).To(HaveLen(1))
		Expect(r.Steps[0].Command(ctx).Args).To(Equal(pipArgs("install", "--cache-dir", "/layers/pip-cache", "--prefer-binary", "--no-compile", "flask>=3", "gunicorn")))
		Expect(keys(r)).To(HaveKey("file:pyproject.toml"))
		Expect(r.Notes).To(ContainElement(ContainSubstring("pyproject.toml has [project] but no [build-system]: pip installs its dependencies, not the app itself")))

		Expect(writeFile(app.Dir, "pyproject.toml", "[project]\nname = 'x'\n")).To(Succeed())
		Expect(recipe().Steps).To(BeEmpty())
	})

	it("installs the requirements with uv when PYTHON_FAST_BUILD_ENABLED=true, with pip to fall back on", func() {
		Expect(writeFile(app.Dir, "requirements.txt", "flask\n")).To(Succeed())
		t.Setenv("PYTHON_FAST_BUILD_ENABLED", "true")
		t.Setenv("CNB_TARGET_ARCH", "amd64")
		r := recipe()
		Expect(r.Tools).To(HaveLen(1))
		Expect(r.Tools[0].Name).To(Equal("uv"))
		Expect(r.Tools[0].Version).To(Equal("0.13.9"))
		Expect(r.Tools[0].Checksum).To(HavePrefix("sha256:"))
		step := r.Steps[0]
		command := step.Command(ctx)
		Expect(command.Args).To(Equal([]string{"/layers/uv/uv", "pip", "install", "--python", "/layers/venv/bin/python", "--requirement", "requirements.txt"}))
		Expect(command.Env).To(ContainElements("UV_PYTHON_DOWNLOADS=never", "UV_CACHE_DIR=/layers/pip-cache/uv", "UV_LINK_MODE=copy"))
		Expect(command.Shown()).To(Equal("uv pip install --python /layers/venv/bin/python --requirement requirements.txt"))
		Expect(step.Fallback).NotTo(BeNil())
		Expect(step.Fallback.Command(ctx).Args[0:4]).To(Equal([]string{"python", "-I", "-m", "pip"}))
		Expect(r.Notes).To(ContainElement("PYTHON_FAST_BUILD_ENABLED=true: uv installs requirements.txt; pip takes over if uv fails"))
	})

	it("builds the project's wheel at every build with BP_PIP_PACKAGE_WHEEL", func() {
		Expect(writeFile(app.Dir, "setup.py", "")).To(Succeed())
		t.Setenv("BP_PIP_PACKAGE_WHEEL", "true")
		r := recipe()
		Expect(r.After).To(HaveLen(1))
		Expect(r.After[0].Command(ctx).Shown()).To(Equal("pip wheel --cache-dir /layers/pip-cache --no-deps --wheel-dir dist ."))
	})

	it("uses the same uv as the uv buildpack", func() {
		mine, err := os.ReadFile("buildpack.toml")
		Expect(err).NotTo(HaveOccurred())
		theirs, err := os.ReadFile("../uv/buildpack.toml")
		Expect(err).NotTo(HaveOccurred())
		entries := func(content []byte) string {
			return string(content)[strings.Index(string(content), "[[metadata.dependencies]]"):]
		}
		Expect(entries(mine)).To(Equal(entries(theirs)))
	})

	context("failure cases", func() {
		it("says when there is nothing to install", func() {
			t.Setenv("BP_PYTHON_PACKAGE_MANAGER", "pip")
			app.Choice = environment.Choice{Manager: "pip", Because: "BP_PYTHON_PACKAGE_MANAGER=pip"}
			_, err := pip.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("There is nothing for pip to install (BP_PYTHON_PACKAGE_MANAGER=pip)")))
		})

		it("refuses a wheel of an app that is not a project, and a bad setting", func() {
			Expect(writeFile(app.Dir, "requirements.txt", "flask\n")).To(Succeed())
			t.Setenv("BP_PIP_PACKAGE_WHEEL", "true")
			_, err := pip.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("BP_PIP_PACKAGE_WHEEL=true, but the app is not a project pip can build a wheel of")))
			t.Setenv("BP_PIP_PACKAGE_WHEEL", "")
			t.Setenv("PYTHON_FAST_BUILD_ENABLED", "yes")
			_, err = pip.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring(`PYTHON_FAST_BUILD_ENABLED="yes" is not a boolean`)))
		})

		it("names a pyproject.toml that is not TOML", func() {
			Expect(writeFile(app.Dir, "pyproject.toml", "[project\n")).To(Succeed())
			_, err := pip.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("pyproject.toml is not valid TOML")))
		})

		it("names a malformed requirement, and a settings path outside the app", func() {
			Expect(writeFile(app.Dir, "requirements.txt", "flask = = 2\n")).To(Succeed())
			_, err := pip.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring(`requirements.txt line 1 is not a valid requirement: "flask = = 2"`)))
			Expect(writeFile(app.Dir, "requirements.txt", "flask\n")).To(Succeed())
			t.Setenv("PIP_CONSTRAINT", "../../etc/passwd")
			_, err = pip.Recipe(app)
			Expect(err).To(MatchError(ContainSubstring("PIP_CONSTRAINT=../../etc/passwd points outside the app")))
		})

		it("says what pip reported when the install fails", func() {
			Expect(writeFile(app.Dir, "requirements.txt", "nope==1\n")).To(Succeed())
			err := recipe().Steps[0].Failure("ERROR: No matching distribution found for nope==1\n", os.ErrInvalid)
			Expect(err).To(MatchError(ContainSubstring("pip could not install the requirements in requirements.txt")))
			Expect(err).To(MatchError(ContainSubstring("ERROR: No matching distribution found for nope==1")))
		})
	})
}
