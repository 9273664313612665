package pip_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/pip"
	"github.com/python-cnb/buildpack/requirements"
	"github.com/sclevine/spec"
)

type pipCall struct {
	Venv, Dir string
	Args      []string
}

// fakePipRunner records its calls. CreateVenv lays out bin/python as venv
// would; Pip succeeds unless PipErr is set (for the calls FailWhen picks).
type fakePipRunner struct {
	VenvCalls  []string
	VenvOutput string
	VenvErr    error

	PipCalls  []pipCall
	PipOutput string
	PipErr    error
	// FailWhen picks the pip calls that fail with PipErr; nil means all.
	FailWhen func(args []string) bool
	// OnPip runs for each pip call, to leave files behind as pip would.
	OnPip func(call pipCall) error
}

func (f *fakePipRunner) CreateVenv(path string, out io.Writer) error {
	f.VenvCalls = append(f.VenvCalls, path)
	fmt.Fprint(out, f.VenvOutput)
	if f.VenvErr != nil {
		return f.VenvErr
	}
	if err := os.MkdirAll(filepath.Join(path, "lib", "python3.12", "site-packages"), 0o755); err != nil {
		return err
	}
	return writeFile(path, "bin/python", "#!/bin/sh\n")
}

func (f *fakePipRunner) Pip(venv, dir string, args []string, out io.Writer) error {
	call := pipCall{Venv: venv, Dir: dir, Args: append([]string{}, args...)}
	f.PipCalls = append(f.PipCalls, call)
	if f.OnPip != nil {
		if err := f.OnPip(call); err != nil {
			return err
		}
	}
	if f.PipErr != nil && (f.FailWhen == nil || f.FailWhen(args)) {
		fmt.Fprint(out, f.PipOutput)
		return f.PipErr
	}
	return nil
}

// steppingClock advances by 1.5s each time it is read.
func steppingClock() chronos.Clock {
	now := time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)
	return chronos.NewClock(func() time.Time {
		now = now.Add(1500 * time.Millisecond)
		return now
	})
}

const (
	python3121 = "3.12.1 sha256:1111111111111111111111111111111111111111111111111111111111111111"
	python3122 = "3.12.2 sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

// fakeCompiler records what it was asked to compile.
type fakeCompiler struct {
	Calls [][]string
	Err   error
}

func (f *fakeCompiler) Compile(python string, dirs []string, out io.Writer) error {
	f.Calls = append(f.Calls, append([]string{python}, dirs...))
	if f.Err != nil {
		fmt.Fprintln(out, "*** Error compiling 'bad.py'")
	}
	return f.Err
}

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		layersDir  string
		workingDir string
		platform   string
		venvPath   string
		cachePath  string
		runner     *fakePipRunner
		compiler   *fakeCompiler
		buffer     *bytes.Buffer
		buildCtx   packit.BuildContext

		build packit.BuildFunc
	)

	// cacheLayer writes <layers>/venv.toml as the lifecycle restores it
	// after a build that returned layer.
	cacheLayer := func(layer packit.Layer) {
		var content bytes.Buffer
		Expect(toml.NewEncoder(&content).Encode(map[string]interface{}{
			"launch": true, "build": true, "cache": true,
			"metadata": layer.Metadata,
		})).To(Succeed())
		Expect(os.WriteFile(filepath.Join(layersDir, "venv.toml"), content.Bytes(), 0o644)).To(Succeed())
	}

	// rebuild runs Build again with fresh call records and logs.
	rebuild := func() (packit.BuildResult, error) {
		runner.VenvCalls, runner.PipCalls = nil, nil
		buffer.Reset()
		return build(buildCtx)
	}

	// buildTwice builds, caches the environment layer, changes the app or
	// settings with change, and builds again.
	buildTwice := func(change func()) (first, second packit.BuildResult) {
		first, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		cacheLayer(first.Layers[0])
		change()
		second, err = rebuild()
		Expect(err).NotTo(HaveOccurred())
		return first, second
	}

	installArgs := func(last ...string) []string {
		return append([]string{"install", "--prefer-binary", "--no-compile", "--cache-dir", cachePath}, last...)
	}

	it.Before(func() {
		unsetEnv(t, settingsEnv...)

		layersDir = t.TempDir()
		workingDir = t.TempDir()
		platform = t.TempDir()
		venvPath = filepath.Join(layersDir, "venv")
		cachePath = filepath.Join(layersDir, "pip-cache")
		Expect(writeFile(workingDir, "requirements.txt", "flask==3.0.3\ngunicorn>=22  # server\n")).To(Succeed())

		t.Setenv("PYTHON_CNB_CPYTHON", python3121)
		runner = &fakePipRunner{}
		compiler = &fakeCompiler{}
		buffer = bytes.NewBuffer(nil)
		build = pip.Build(runner, compiler, steppingClock(), scribe.NewEmitter(buffer))

		buildCtx = packit.BuildContext{
			BuildpackInfo: packit.BuildpackInfo{Name: "Python CNB: pip", Version: "0.1.0"},
			CNBPath:       t.TempDir(),
			WorkingDir:    workingDir,
			Layers:        packit.Layers{Path: layersDir},
			Platform:      packit.Platform{Path: platform},
			Plan: packit.BuildpackPlan{Entries: []packit.BuildpackPlanEntry{
				{Name: "site-packages", Metadata: map[string]interface{}{"launch": true}},
			}},
			Stack: "io.buildpacks.stacks.noble",
		}
	})

	it("creates a virtual environment in a layer and installs requirements.txt into it", func() {
		result, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())

		Expect(runner.VenvCalls).To(Equal([]string{venvPath}))
		Expect(runner.PipCalls).To(Equal([]pipCall{{
			Venv: venvPath,
			Dir:  workingDir,
			Args: []string{"install", "--prefer-binary", "--no-compile", "--cache-dir", cachePath, "--requirement", "requirements.txt"},
		}}))

		Expect(result.Layers).To(HaveLen(2))
		layer := result.Layers[0]
		Expect(layer.Name).To(Equal("venv"))
		Expect(layer.Path).To(Equal(venvPath))
		Expect(layer.Launch).To(BeTrue())
		Expect(layer.Build).To(BeFalse())
		Expect(layer.Cache).To(BeFalse())
		Expect(layer.SharedEnv).To(Equal(packit.Environment{"VIRTUAL_ENV.override": venvPath}))
		Expect(layer.BuildEnv).To(BeEmpty())
		Expect(layer.LaunchEnv).To(BeEmpty())
		Expect(filepath.Join(venvPath, "bin", "python")).To(BeARegularFile())

		set, err := requirements.Read(workingDir, "requirements.txt")
		Expect(err).NotTo(HaveOccurred())
		Expect(layer.Metadata).To(HaveLen(6))
		Expect(layer.Metadata).To(HaveKeyWithValue("format", pip.EnvFormat))
		Expect(layer.Metadata).To(HaveKeyWithValue("requirements", set.Digest))
		Expect(layer.Metadata).To(HaveKeyWithValue("project", ""))
		Expect(layer.Metadata).To(HaveKeyWithValue("cpython", python3121))
		Expect(layer.Metadata).To(HaveKeyWithValue("packages", []interface{}{}))
		Expect(layer.Metadata).To(HaveKeyWithValue("pip-settings", MatchRegexp(`^sha256:[0-9a-f]{64}$`)))

		logs := buffer.String()
		Expect(logs).To(ContainSubstring("Python CNB: pip 0.1.0"))
		Expect(logs).To(ContainSubstring("Creating the virtual environment (rebuilding layer: no cached layer)"))
		Expect(logs).To(ContainSubstring("Running 'python -m venv --without-pip " + venvPath + "'"))
		Expect(logs).To(ContainSubstring("Running 'pip install --prefer-binary --no-compile --cache-dir " + cachePath + " --requirement requirements.txt'"))
		Expect(logs).To(ContainSubstring("Compiling the installed packages to bytecode that stays valid in the image"))
		Expect(logs).To(ContainSubstring("Completed in 1.5s"))
		Expect(compiler.Calls).To(Equal([][]string{{"python", filepath.Join(venvPath, "lib", "python3.12", "site-packages")}}))

		packages := result.Layers[1]
		Expect(packages.Name).To(Equal("packages"))
		Expect([]bool{packages.Launch, packages.Build, packages.Cache}).To(Equal([]bool{false, true, false}))
		Expect(packages.BuildEnv).To(Equal(packit.Environment{"PYTHON_CNB_PACKAGES.override": ""}))
		Expect(logs).To(ContainSubstring("Configuring build environment"))
		Expect(logs).To(ContainSubstring(`VIRTUAL_ENV -> "` + venvPath + `"`))
		Expect(logs).NotTo(ContainSubstring("Reusing cached layer"))
	})

	it("removes what an outdated environment held before creating it again", func() {
		Expect(writeFile(venvPath, "lib/stale.py", "")).To(Succeed())

		_, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		Expect(filepath.Join(venvPath, "lib", "stale.py")).NotTo(BeAnExistingFile())
	})

	context("CUSTOM_REQUIREMENTSTXT_PATH names another requirements file", func() {
		it.Before(func() {
			t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "requirements/prod.txt")
			Expect(writeFile(workingDir, "requirements/prod.txt", "-r base.txt\ngunicorn\n")).To(Succeed())
			Expect(writeFile(workingDir, "requirements/base.txt", "flask\n")).To(Succeed())
		})

		it("installs that file, and its digest covers the files it includes", func() {
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.PipCalls).To(HaveLen(1))
			Expect(runner.PipCalls[0].Args).To(Equal(installArgs("--requirement", "requirements/prod.txt")))

			set, err := requirements.Read(workingDir, "requirements/prod.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("requirements", set.Digest))

			cacheLayer(result.Layers[0])
			Expect(writeFile(workingDir, "requirements/base.txt", "flask==3.0.3\n")).To(Succeed())
			_, err = rebuild()
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("requirements changed from"))
			Expect(runner.PipCalls).To(HaveLen(1))
		})
	})

	context("when the cached environment matches", func() {
		it("reuses the layer without running venv or pip", func() {
			first, second := buildTwice(func() {})

			Expect(runner.VenvCalls).To(BeEmpty())
			Expect(runner.PipCalls).To(BeEmpty())
			Expect(second.Layers).To(HaveLen(2))
			layer := second.Layers[0]
			Expect(layer.Path).To(Equal(venvPath))
			Expect(layer.Launch).To(BeTrue())
			Expect(layer.Build).To(BeFalse())
			Expect(layer.Cache).To(BeFalse())
			Expect(layer.Metadata).To(Equal(first.Layers[0].Metadata))
			Expect(filepath.Join(venvPath, "bin", "python")).To(BeARegularFile())

			logs := buffer.String()
			Expect(logs).To(ContainSubstring("Reusing cached layer " + venvPath))
			Expect(logs).To(ContainSubstring("pip did not run"))
			Expect(logs).NotTo(ContainSubstring("Creating the virtual environment"))
		})

		it("keeps a layer the lifecycle did not restore for launch only, passing on its packages", func() {
			runner.OnPip = func(call pipCall) error {
				return os.MkdirAll(filepath.Join(venvPath, "lib", "python3.12", "site-packages", "Flask-3.0.3.dist-info"), 0o755)
			}
			first, second := buildTwice(func() {
				Expect(os.RemoveAll(venvPath)).To(Succeed())
				Expect(os.Unsetenv("PYTHON_CNB_CPYTHON")).To(Succeed())
			})
			Expect(runner.PipCalls).To(BeEmpty())
			layer := second.Layers[0]
			Expect([]bool{layer.Launch, layer.Build, layer.Cache}).To(Equal([]bool{true, false, false}))
			Expect(layer.Metadata).To(Equal(first.Layers[0].Metadata))
			Expect(layer.Metadata).To(HaveKeyWithValue("packages", []interface{}{"flask==3.0.3"}))
			Expect(second.Layers[1].BuildEnv).To(Equal(packit.Environment{"PYTHON_CNB_PACKAGES.override": "flask==3.0.3"}))
			Expect(venvPath).NotTo(BeAnExistingFile())
			Expect(buffer.String()).To(ContainSubstring("Reusing layer " + venvPath + " for launch only"))
		})

		it("fails, saying why, when it must rebuild while CPython was kept for launch only", func() {
			buildTwice(func() {})
			Expect(os.Unsetenv("PYTHON_CNB_CPYTHON")).To(Succeed())
			Expect(writeFile(workingDir, "requirements.txt", "flask==3.1.0\n")).To(Succeed())
			_, err := rebuild()
			Expect(err).To(MatchError(ContainSubstring("The virtual environment must be rebuilt (requirements changed from")))
			Expect(err).To(MatchError(ContainSubstring("but the cpython buildpack kept CPython for launch only")))
			Expect(runner.PipCalls).To(BeEmpty())
		})
	})

	context("when a later buildpack uses the environment at build", func() {
		it.Before(func() {
			buildCtx.Plan.Entries = append(buildCtx.Plan.Entries, packit.BuildpackPlanEntry{
				Name: "site-packages", Metadata: map[string]interface{}{"build": true},
			})
		})

		it("makes the layer a build and cache layer", func() {
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			layer := result.Layers[0]
			Expect([]bool{layer.Launch, layer.Build, layer.Cache}).To(Equal([]bool{true, true, true}))
		})

		it("rebuilds a layer the last build kept for launch only", func() {
			buildTwice(func() { Expect(os.RemoveAll(venvPath)).To(Succeed()) })
			Expect(runner.PipCalls).To(HaveLen(1))
			Expect(buffer.String()).To(ContainSubstring("rebuilding layer: the last build kept it for launch only, and a later buildpack (collectstatic, a build hook) needs its files at build"))
		})
	})

	context("listing the installed packages", func() {
		it("records the .dist-info directories pip left, names normalized", func() {
			runner.OnPip = func(call pipCall) error {
				for _, dir := range []string{"Flask-3.0.3.dist-info", "zope.interface-7.0.dist-info", "typing_extensions-4.12.2.dist-info", "flask"} {
					if err := os.MkdirAll(filepath.Join(venvPath, "lib", "python3.12", "site-packages", dir), 0o755); err != nil {
						return err
					}
				}
				return nil
			}
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("packages",
				[]interface{}{"flask==3.0.3", "typing-extensions==4.12.2", "zope-interface==7.0"}))
			Expect(result.Layers[1].BuildEnv).To(Equal(packit.Environment{
				"PYTHON_CNB_PACKAGES.override": "flask==3.0.3 typing-extensions==4.12.2 zope-interface==7.0",
			}))
		})

		it("only warns when some files do not compile", func() {
			compiler.Err = errors.New("exit status 1")
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Warning: some files did not compile (exit status 1); Python compiles them when they are imported:"))
			Expect(buffer.String()).To(ContainSubstring("Error compiling 'bad.py'"))
		})
	})

	context("when the cached environment is outdated", func() {
		it("rebuilds it when a requirement changed", func() {
			buildTwice(func() {
				Expect(writeFile(workingDir, "requirements.txt", "flask==3.1.0\n")).To(Succeed())
			})
			Expect(buffer.String()).To(ContainSubstring("Creating the virtual environment (rebuilding layer: requirements changed from"))
			Expect(runner.VenvCalls).To(Equal([]string{venvPath}))
			Expect(runner.PipCalls).To(HaveLen(1))
		})

		it("rebuilds it when CPython changed", func() {
			buildTwice(func() { t.Setenv("PYTHON_CNB_CPYTHON", python3122) })
			Expect(buffer.String()).To(ContainSubstring(fmt.Sprintf("cpython changed from %q to %q", python3121, python3122)))
			Expect(runner.PipCalls).To(HaveLen(1))
		})

		it("rebuilds it when a pip setting changed, without recording the setting's value", func() {
			const url = "https://builder:s3cr3t-passw0rd@pypi.example.com/simple"
			first, second := buildTwice(func() { t.Setenv("PIP_INDEX_URL", url) })

			Expect(buffer.String()).To(ContainSubstring("pip-settings changed from"))
			Expect(buffer.String()).NotTo(ContainSubstring("s3cr3t"))
			Expect(runner.PipCalls).To(HaveLen(1))
			Expect(second.Layers[0].Metadata["pip-settings"]).NotTo(Equal(first.Layers[0].Metadata["pip-settings"]))
			for key, value := range second.Layers[0].Metadata {
				Expect(fmt.Sprint(value)).NotTo(ContainSubstring("s3cr3t"), key)
				Expect(fmt.Sprint(value)).NotTo(ContainSubstring("pypi.example.com"), key)
			}
		})

		it("ignores pip settings that do not change what is installed", func() {
			buildTwice(func() { t.Setenv("PIP_PROGRESS_BAR", "off") })
			Expect(buffer.String()).To(ContainSubstring("Reusing cached layer"))
		})
	})

	context("when the app is a project", func() {
		it.Before(func() {
			Expect(os.Remove(filepath.Join(workingDir, "requirements.txt"))).To(Succeed())
			Expect(writeFile(workingDir, "setup.py", "from setuptools import setup\nsetup(name='app')\n")).To(Succeed())
			Expect(writeFile(workingDir, "app/__init__.py", "")).To(Succeed())
		})

		it("installs the app itself with pip install .", func() {
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.PipCalls).To(Equal([]pipCall{{Venv: venvPath, Dir: workingDir, Args: installArgs(".")}}))
			Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("requirements", ""))
			Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("project", MatchRegexp(`^sha256:[0-9a-f]{64}$`)))
			Expect(buffer.String()).To(ContainSubstring("Running 'pip install --prefer-binary --no-compile --cache-dir " + cachePath + " .'"))
		})

		it("installs the requirements first, then the app", func() {
			Expect(writeFile(workingDir, "requirements.txt", "flask\n")).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.PipCalls).To(HaveLen(2))
			Expect(runner.PipCalls[0].Args).To(Equal(installArgs("--requirement", "requirements.txt")))
			Expect(runner.PipCalls[1]).To(Equal(pipCall{Venv: venvPath, Dir: workingDir, Args: installArgs(".")}))
		})

		it("counts a pyproject.toml with [build-system] as a project", func() {
			Expect(os.Remove(filepath.Join(workingDir, "setup.py"))).To(Succeed())
			Expect(writeFile(workingDir, "pyproject.toml", "[build-system]\nrequires = [\"hatchling\"]\n")).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.PipCalls).To(HaveLen(1))
			Expect(runner.PipCalls[0].Args).To(Equal(installArgs(".")))
		})

		it("does not install a pyproject.toml without [build-system]", func() {
			Expect(os.Remove(filepath.Join(workingDir, "setup.py"))).To(Succeed())
			Expect(writeFile(workingDir, "pyproject.toml", "[tool.ruff]\n")).To(Succeed())
			Expect(writeFile(workingDir, "requirements.txt", "flask\n")).To(Succeed())

			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.PipCalls).To(HaveLen(1))
			Expect(runner.PipCalls[0].Args).To(Equal(installArgs("--requirement", "requirements.txt")))
			Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("project", ""))
		})

		it("rebuilds the environment when a source file changes", func() {
			first, second := buildTwice(func() {
				Expect(writeFile(workingDir, "app/views.py", "def index(): pass\n")).To(Succeed())
			})
			Expect(second.Layers[0].Metadata["project"]).NotTo(Equal(first.Layers[0].Metadata["project"]))
			Expect(buffer.String()).To(ContainSubstring("project changed from"))
			Expect(runner.PipCalls).To(HaveLen(1))
		})

		it("reuses the environment when the sources are unchanged", func() {
			buildTwice(func() {})
			Expect(buffer.String()).To(ContainSubstring("Reusing cached layer"))
			Expect(runner.PipCalls).To(BeEmpty())
		})

		context("BP_PIP_PACKAGE_WHEEL=true", func() {
			it.Before(func() {
				t.Setenv("BP_PIP_PACKAGE_WHEEL", "true")
				runner.OnPip = func(call pipCall) error {
					if call.Args[0] == "wheel" {
						return writeFile(call.Dir, "dist/app-1.0-py3-none-any.whl", "wheel")
					}
					return nil
				}
			})

			it("builds the project's wheel into dist/", func() {
				_, err := build(buildCtx)
				Expect(err).NotTo(HaveOccurred())
				Expect(runner.PipCalls).To(Equal([]pipCall{
					{Venv: venvPath, Dir: workingDir, Args: installArgs(".")},
					{Venv: venvPath, Dir: workingDir, Args: []string{"wheel", "--no-deps", "--cache-dir", cachePath, "--wheel-dir", "dist", "."}},
				}))
				logs := buffer.String()
				Expect(logs).To(ContainSubstring("Building the project's wheel into dist/ (BP_PIP_PACKAGE_WHEEL)"))
				Expect(logs).To(ContainSubstring("Running 'pip wheel --no-deps --cache-dir " + cachePath + " --wheel-dir dist .'"))
			})

			it("builds the wheel also when the environment is reused, and dist/ does not count as a source change", func() {
				buildTwice(func() {})
				Expect(buffer.String()).To(ContainSubstring("Reusing cached layer"))
				Expect(runner.VenvCalls).To(BeEmpty())
				Expect(runner.PipCalls).To(HaveLen(1))
				Expect(runner.PipCalls[0].Args[0]).To(Equal("wheel"))
			})
		})

		it("does not build a wheel with BP_PIP_PACKAGE_WHEEL=false", func() {
			t.Setenv("BP_PIP_PACKAGE_WHEEL", "FALSE")

			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.PipCalls).To(HaveLen(1))
			Expect(buffer.String()).NotTo(ContainSubstring("wheel"))
		})
	})

	context("VIRTUALENV_NAME", func() {
		it.Before(func() {
			t.Setenv("VIRTUALENV_NAME", "antenv")
		})

		it("links that name in the app to the environment", func() {
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(os.Readlink(filepath.Join(workingDir, "antenv"))).To(Equal(venvPath))
			Expect(buffer.String()).To(ContainSubstring("Linked antenv in the app to the virtual environment (VIRTUALENV_NAME)"))
		})

		it("links it also when the environment is reused", func() {
			buildTwice(func() {
				Expect(os.Remove(filepath.Join(workingDir, "antenv"))).To(Succeed())
			})
			Expect(buffer.String()).To(ContainSubstring("Reusing cached layer"))
			Expect(os.Readlink(filepath.Join(workingDir, "antenv"))).To(Equal(venvPath))
		})

		it("does not count the link as a change to a project's sources", func() {
			Expect(writeFile(workingDir, "setup.py", "")).To(Succeed())
			buildTwice(func() {})
			Expect(buffer.String()).To(ContainSubstring("Reusing cached layer"))
			Expect(runner.PipCalls).To(BeEmpty())
		})

		it("replaces an old symlink of that name", func() {
			Expect(os.Symlink("/old/antenv", filepath.Join(workingDir, "antenv"))).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(os.Readlink(filepath.Join(workingDir, "antenv"))).To(Equal(venvPath))
		})
	})

	context("the pip cache layer", func() {
		it("is not returned while it is empty", func() {
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Layers).To(HaveLen(2))
			Expect(result.Layers[0].Name).To(Equal("venv"))
			Expect(result.Layers[1].Name).To(Equal("packages"))
		})

		it("is returned, cache only, once pip has put something in it", func() {
			runner.OnPip = func(call pipCall) error {
				return writeFile(call.Args[4], "http-v2/a/b", "cached")
			}

			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Layers).To(HaveLen(3))
			cache := result.Layers[2]
			Expect(cache.Name).To(Equal("pip-cache"))
			Expect(cache.Path).To(Equal(cachePath))
			Expect(cache.Cache).To(BeTrue())
			Expect(cache.Build).To(BeFalse())
			Expect(cache.Launch).To(BeFalse())
		})
	})

	context("failure cases", func() {
		it("returns an error naming the command when venv fails, with its output", func() {
			runner.VenvOutput = "Error: [Errno 28] No space left on device\n"
			runner.VenvErr = errors.New("exit status 1")

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("python -m venv --without-pip " + venvPath + " failed: exit status 1")))
			Expect(err).To(MatchError(ContainSubstring("No space left on device")))
			Expect(runner.PipCalls).To(BeEmpty())
		})

		it("explains a failure to install the requirements with pip's ERROR lines only", func() {
			Expect(writeFile(workingDir, "setup.py", "")).To(Succeed())
			runner.PipOutput = "noise\nERROR: No matching distribution found for x\n"
			runner.PipErr = errors.New("exit status 1")

			_, err := build(buildCtx)
			Expect(err).To(HaveOccurred())
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("pip could not install the requirements in requirements.txt"))
			Expect(err).To(MatchError(ContainSubstring("ERROR: No matching distribution found for x")))
			Expect(err).To(MatchError(ContainSubstring("(pip: exit status 1)")))
			Expect(err).To(MatchError(ContainSubstring("To fix: fix what pip reports above in requirements.txt")))
			Expect(err).NotTo(MatchError(ContainSubstring("noise")))
			Expect(runner.PipCalls).To(HaveLen(1))
			Expect(buffer.String()).To(ContainSubstring("noise"))
		})

		it("shows the end of pip's output when it printed no ERROR line", func() {
			var output strings.Builder
			for i := 1; i <= 20; i++ {
				fmt.Fprintf(&output, "out-%02d\n", i)
			}
			runner.PipOutput = output.String()
			runner.PipErr = errors.New("signal: killed")

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("out-06")))
			Expect(err).To(MatchError(ContainSubstring("out-20")))
			Expect(err).NotTo(MatchError(ContainSubstring("out-05")))
			Expect(err).To(MatchError(ContainSubstring("(pip: signal: killed)")))
		})

		it("explains a failure to install the app itself", func() {
			Expect(os.Remove(filepath.Join(workingDir, "requirements.txt"))).To(Succeed())
			Expect(writeFile(workingDir, "setup.py", "")).To(Succeed())
			runner.PipOutput = "ERROR: Project file:///workspace has a 'pyproject.toml' and its build backend is missing\n"
			runner.PipErr = errors.New("exit status 1")

			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("pip could not install the app itself (pip install .)"))
			Expect(err).To(MatchError(ContainSubstring("its build backend is missing")))
			Expect(err).To(MatchError(ContainSubstring("To fix: fix the error in setup.py or pyproject.toml")))
		})

		it("explains a failure to build the wheel", func() {
			t.Setenv("BP_PIP_PACKAGE_WHEEL", "true")
			Expect(writeFile(workingDir, "setup.py", "")).To(Succeed())
			runner.PipOutput = "ERROR: Failed building wheel for app\n"
			runner.PipErr = errors.New("exit status 1")
			runner.FailWhen = func(args []string) bool { return args[0] == "wheel" }

			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("Building the project's wheel (pip wheel .) failed"))
			Expect(err).To(MatchError(ContainSubstring("ERROR: Failed building wheel for app")))
			Expect(err).To(MatchError(ContainSubstring("unset BP_PIP_PACKAGE_WHEEL")))
			Expect(runner.PipCalls).To(HaveLen(3))
		})

		it("refuses an app with nothing to install", func() {
			Expect(os.Remove(filepath.Join(workingDir, "requirements.txt"))).To(Succeed())

			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("There is nothing for pip to install"))
			Expect(err).To(MatchError(ContainSubstring("set CUSTOM_REQUIREMENTSTXT_PATH")))
			Expect(runner.VenvCalls).To(BeEmpty())
		})

		it("names a CUSTOM_REQUIREMENTSTXT_PATH that does not exist", func() {
			t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "requirements/prod.txt")

			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("CUSTOM_REQUIREMENTSTXT_PATH=requirements/prod.txt names a requirements file that does not exist in the app"))
		})

		it("names the file and line of a malformed requirement", func() {
			Expect(writeFile(workingDir, "requirements.txt", "flask\nthis is not a requirement\n")).To(Succeed())

			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix(`requirements.txt line 2 is not a valid requirement: "this is not a requirement"`))
			Expect(runner.VenvCalls).To(BeEmpty())
		})

		it("returns an I/O error looking for requirements.txt", func() {
			buildCtx.WorkingDir = filepath.Join(workingDir, "bad\x00dir")

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("checking for requirements.txt")))
		})

		it("returns an error reading pyproject.toml", func() {
			Expect(os.Mkdir(filepath.Join(workingDir, "pyproject.toml"), 0o755)).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("is a directory")))
			Expect(runner.VenvCalls).To(BeEmpty())
		})

		it("refuses a BP_PIP_PACKAGE_WHEEL that is not a boolean", func() {
			Expect(writeFile(workingDir, "setup.py", "")).To(Succeed())
			t.Setenv("BP_PIP_PACKAGE_WHEEL", "yes")

			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix(`BP_PIP_PACKAGE_WHEEL="yes" is not a boolean`))
		})

		it("refuses BP_PIP_PACKAGE_WHEEL=true when the app is not a project", func() {
			t.Setenv("BP_PIP_PACKAGE_WHEEL", "true")

			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("BP_PIP_PACKAGE_WHEEL=true, but the app is not a project pip can build a wheel of"))
			Expect(runner.VenvCalls).To(BeEmpty())
		})

		it("refuses a VIRTUALENV_NAME that is not a plain directory name", func() {
			for _, name := range []string{"a/b", `a\b`, "..", "."} {
				t.Setenv("VIRTUALENV_NAME", name)

				_, err := build(buildCtx)
				Expect(errs.IsUser(err)).To(BeTrue(), name)
				Expect(err.Error()).To(HavePrefix(fmt.Sprintf("VIRTUALENV_NAME=%q is not a plain directory name", name)))
			}
			Expect(runner.VenvCalls).To(BeEmpty())
		})

		it("refuses a VIRTUALENV_NAME the app already has as a directory", func() {
			t.Setenv("VIRTUALENV_NAME", "antenv")
			Expect(os.Mkdir(filepath.Join(workingDir, "antenv"), 0o755)).To(Succeed())

			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("VIRTUALENV_NAME=antenv, but the app already has an entry named antenv that would hide the built environment"))
			Expect(err).To(MatchError(ContainSubstring("To fix: remove antenv from the app's source")))
		})

		it("returns an error checking for the VIRTUALENV_NAME link", func() {
			t.Setenv("VIRTUALENV_NAME", strings.Repeat("n", 300))

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("checking " + filepath.Join(workingDir, strings.Repeat("n", 300)))))
		})

		it("returns an error when the layers directory is a file", func() {
			file := filepath.Join(t.TempDir(), "layers")
			Expect(os.WriteFile(file, nil, 0o644)).To(Succeed())
			buildCtx.Layers.Path = file

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("opening the venv layer")))
		})

		it("returns an error when the pip-cache layer's metadata cannot be read", func() {
			Expect(os.Mkdir(filepath.Join(layersDir, "pip-cache.toml"), 0o755)).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("opening the pip-cache layer")))
		})

		it("returns an error when the cached metadata does not decode", func() {
			Expect(writeFile(layersDir, "venv.toml", "[metadata]\nrequirements = 1\n")).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("decoding cached layer metadata")))
			Expect(runner.VenvCalls).To(BeEmpty())
		})
	})
}
