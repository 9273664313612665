package environment_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/environment"
	"github.com/sclevine/spec"
)

const (
	python3121 = "3.12.1 sha256:1111111111111111111111111111111111111111111111111111111111111111"
	python3122 = "3.12.2 sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		layersDir, appDir, venvPath, cachePath string

		executor *fakeExecutor
		compiler *fakeCompiler
		fetched  []string
		buffer   *bytes.Buffer
		ctx      packit.BuildContext
		recipe   func(app environment.App) (environment.Recipe, error)
		build    packit.BuildFunc
	)

	// tool is a build-only tool provided by a command.
	tool := func(version string) environment.Tool {
		return environment.Tool{
			Name: "tidy", Version: version, PerPython: true,
			Provide: func(dir string, deps environment.ToolDeps) (string, error) {
				if err := deps.Fetch("tidy", dir); err != nil {
					return "", err
				}
				if err := deps.Run(environment.Command{Args: []string{"python", "-I", "-m", "pip", "install", "tidy==" + version}}); err != nil {
					return "", err
				}
				return filepath.Join(dir, "bin", "tidy"), writeFile(dir, "bin/tidy", "")
			},
			Executable: func(dir string) string { return filepath.Join(dir, "bin", "tidy") },
		}
	}

	// installStep installs what deps.txt lists, as name==version lines,
	// leaving a dist-info for each in the environment.
	installStep := environment.Step{
		Name: "installing deps.txt",
		Command: func(c environment.Context) environment.Command {
			return environment.Command{
				Args:    []string{c.Tools["tidy"], "install", "--into", c.Venv, "--cache", c.Cache, "deps.txt"},
				Env:     []string{"TIDY_SECRET=s3cr3t"},
				Display: "tidy install deps.txt",
			}
		},
		Failure: environment.Failure("tidy could not install deps.txt", "fix deps.txt"),
	}

	rebuild := func() (packit.BuildResult, error) {
		executor.Calls = nil
		fetched = nil
		buffer.Reset()
		return build(ctx)
	}
	buildTwice := func(change func()) (packit.BuildResult, packit.BuildResult) {
		first, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		persist(t, layersDir, first.Layers)
		change()
		second, err := rebuild()
		Expect(err).NotTo(HaveOccurred())
		return first, second
	}

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
		layersDir, appDir = t.TempDir(), t.TempDir()
		venvPath = filepath.Join(layersDir, "venv")
		cachePath = filepath.Join(layersDir, "tidy-cache")
		Expect(writeFile(appDir, "deps.txt", "flask==3.1.0\n")).To(Succeed())
		t.Setenv("PYTHON_CNB_CPYTHON", python3121)

		executor = &fakeExecutor{Handle: func(c call, out io.Writer) error {
			if c.Program == "python" {
				return nil
			}
			fmt.Fprintln(out, "installed")
			content, err := os.ReadFile(filepath.Join(c.Dir, "deps.txt"))
			if err != nil {
				return err
			}
			for _, line := range strings.Fields(string(content)) {
				name, version, _ := strings.Cut(line, "==")
				if err := os.MkdirAll(filepath.Join(c.Args[2], "lib", "python3.12", "site-packages", name+"-"+version+".dist-info"), 0o755); err != nil {
					return err
				}
			}
			return nil
		}}
		compiler = &fakeCompiler{}
		buffer = bytes.NewBuffer(nil)
		recipe = func(app environment.App) (environment.Recipe, error) {
			var r environment.Recipe
			r.Inputs.File("deps.txt", filepath.Join(app.Dir, "deps.txt"))
			r.Tools = []environment.Tool{tool("1.0")}
			r.Steps = []environment.Step{installStep}
			r.Notes = []string{"reading deps.txt"}
			return r, nil
		}
		manager := environment.Manager{Name: "tidy", Recipe: func(app environment.App) (environment.Recipe, error) { return recipe(app) }}
		deps := environment.Deps{
			Executor: executor,
			Compiler: compiler,
			Fetch: func(cnbPath, platformPath, id, dir string, out io.Writer) error {
				fetched = append(fetched, id)
				return nil
			},
			Clock: steppingClock(),
		}
		build = environment.Build(manager, deps, scribe.NewEmitter(buffer))
		ctx = packit.BuildContext{
			BuildpackInfo: packit.BuildpackInfo{Name: "Python CNB: tidy", Version: "0.1.0"},
			CNBPath:       t.TempDir(),
			WorkingDir:    appDir,
			Layers:        packit.Layers{Path: layersDir},
			Platform:      packit.Platform{Path: t.TempDir()},
			Plan: packit.BuildpackPlan{Entries: []packit.BuildpackPlanEntry{
				{Name: "site-packages", Metadata: map[string]interface{}{"launch": true}},
			}},
		}
	})

	it("creates a virtual environment, provides the tool, runs the steps in the app, and compiles the bytecode", func() {
		result, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())

		toolPath := filepath.Join(layersDir, "tidy")
		Expect(fetched).To(Equal([]string{"tidy"}))
		Expect(executor.Calls).To(HaveLen(3))
		Expect(executor.Calls[0].Args).To(Equal([]string{"-I", "-m", "pip", "install", "tidy==1.0"}))
		Expect(executor.Calls[1].Program).To(Equal("python"))
		Expect(executor.Calls[1].Args).To(Equal([]string{"-I", "-m", "venv", "--without-pip", venvPath}))
		Expect(executor.Calls[1].Dir).To(Equal(appDir))
		install := executor.Calls[2]
		Expect(install.Program).To(Equal(filepath.Join(toolPath, "bin", "tidy")))
		Expect(install.Args).To(Equal([]string{"install", "--into", venvPath, "--cache", cachePath, "deps.txt"}))
		Expect(install.Dir).To(Equal(appDir))
		Expect(install.Env[len(install.Env)-1]).To(Equal("TIDY_SECRET=s3cr3t"))
		// pip's report, outside the layer, for the bill of materials
		Expect(install.Env).To(ContainElement(MatchRegexp(`^PIP_REPORT=.*/python-cnb-pip-reports/[0-9a-f]+/report-\d+\.json$`)))
		Expect(compiler.Calls).To(Equal([][]string{{"python", filepath.Join(venvPath, "lib", "python3.12", "site-packages")}}))

		Expect(result.Layers).To(HaveLen(3))
		venv := result.Layers[0]
		Expect(venv.Name).To(Equal("venv"))
		Expect([]bool{venv.Launch, venv.Build, venv.Cache}).To(Equal([]bool{true, false, false}))
		Expect(venv.SharedEnv).To(Equal(packit.Environment{"VIRTUAL_ENV.override": venvPath}))
		Expect(venv.Metadata).To(HaveKeyWithValue("format", environment.Format))
		Expect(venv.Metadata).To(HaveKeyWithValue("packages", []interface{}{"flask==3.1.0"}))
		key := venv.Metadata["inputs"].(map[string]interface{})
		Expect(key).To(HaveKeyWithValue("value:CPython", python3121))
		Expect(key).To(HaveKeyWithValue("value:tidy", "1.0"))
		Expect(key).To(HaveKeyWithValue("file:deps.txt", HavePrefix("sha256:")))

		packages := result.Layers[1]
		Expect(packages.Name).To(Equal("packages"))
		Expect([]bool{packages.Launch, packages.Build, packages.Cache}).To(Equal([]bool{false, true, false}))
		Expect(packages.BuildEnv).To(Equal(packit.Environment{"PYTHON_CNB_PACKAGES.override": "flask==3.1.0"}))
		// neither in the image nor kept for the next build, which would
		// restore it even when it changes nothing
		toolLayer := result.Layers[2]
		Expect(toolLayer.Name).To(Equal("tidy"))
		Expect([]bool{toolLayer.Launch, toolLayer.Build, toolLayer.Cache}).To(Equal([]bool{false, false, false}))
		Expect(toolLayer.Metadata).To(Equal(map[string]interface{}{"version": "1.0", "checksum": "", "cpython": python3121}))

		logs := buffer.String()
		Expect(logs).To(ContainSubstring("Python CNB: tidy 0.1.0"))
		Expect(logs).To(ContainSubstring("reading deps.txt"))
		Expect(logs).To(ContainSubstring("Installing tidy 1.0 (rebuilding layer: no cached layer)"))
		Expect(logs).To(ContainSubstring("Creating the virtual environment (rebuilding layer: no cached layer)"))
		Expect(logs).To(ContainSubstring("Running 'python -I -m venv --without-pip " + venvPath + "'"))
		Expect(logs).To(ContainSubstring("Running 'tidy install deps.txt'"))
		Expect(logs).To(ContainSubstring("installed"))
		Expect(logs).To(ContainSubstring("Compiling the installed packages to bytecode that stays valid in the image"))
		Expect(logs).To(ContainSubstring(`VIRTUAL_ENV -> "` + venvPath + `"`))
		Expect(logs).NotTo(ContainSubstring("s3cr3t"))
	})

	it("reuses the environment and the tool untouched when no input changed, running nothing", func() {
		first, second := buildTwice(func() {})
		Expect(executor.Calls).To(BeEmpty())
		Expect(fetched).To(BeEmpty())
		Expect(second.Layers[0].Metadata).To(Equal(first.Layers[0].Metadata))
		Expect([]bool{second.Layers[0].Launch, second.Layers[0].Build, second.Layers[0].Cache}).To(Equal([]bool{true, false, false}))
		Expect(second.Layers).To(HaveLen(2))
		Expect(buffer.String()).To(ContainSubstring("Reusing cached layer " + venvPath))
		Expect(buffer.String()).To(ContainSubstring("Every input of the environment is unchanged: tidy did not run"))
	})

	it("keeps the tool and the manager's cache for the next build when the environment is rebuilt at nearly every build", func() {
		handle := executor.Handle
		executor.Handle = func(c call, out io.Writer) error {
			if err := writeFile(cachePath, "wheels/flask.whl", ""); err != nil {
				return err
			}
			return handle(c, out)
		}
		recipe = func(app environment.App) (environment.Recipe, error) {
			var r environment.Recipe
			r.Inputs.Tree("the app's files", app.Dir)
			r.EveryBuild = true
			r.Tools = []environment.Tool{tool("1.0")}
			r.Steps = []environment.Step{installStep}
			return r, nil
		}
		_, second := buildTwice(func() {})
		Expect(second.Layers).To(HaveLen(4))
		Expect(second.Layers[2].Name).To(Equal("tidy-cache"))
		Expect(second.Layers[2].Cache).To(BeTrue())
		Expect(second.Layers[3].Name).To(Equal("tidy"))
		Expect([]bool{second.Layers[3].Launch, second.Layers[3].Build, second.Layers[3].Cache}).To(Equal([]bool{false, false, true}))
		Expect(fetched).To(BeEmpty())

		Expect(writeFile(appDir, "app.py", "changed")).To(Succeed())
		_, err := rebuild()
		Expect(err).NotTo(HaveOccurred())
		Expect(fetched).To(BeEmpty())
		Expect(buffer.String()).To(ContainSubstring("Reusing cached layer " + filepath.Join(layersDir, "tidy") + " (tidy 1.0)"))
	})

	it("keeps a layer the lifecycle did not restore for launch only, passing on its packages", func() {
		first, second := buildTwice(func() {
			Expect(os.RemoveAll(venvPath)).To(Succeed())
			Expect(os.Unsetenv("PYTHON_CNB_CPYTHON")).To(Succeed())
		})
		Expect(executor.Calls).To(BeEmpty())
		Expect(second.Layers[0].Metadata).To(Equal(first.Layers[0].Metadata))
		Expect(second.Layers[1].BuildEnv).To(Equal(packit.Environment{"PYTHON_CNB_PACKAGES.override": "flask==3.1.0"}))
		Expect(buffer.String()).To(ContainSubstring("Reusing layer " + venvPath + " for launch only"))
	})

	it("rebuilds from scratch, naming what changed, when an input or CPython changes", func() {
		Expect(writeFile(venvPath, "lib/stale.py", "")).To(Succeed())
		_, _ = buildTwice(func() {
			Expect(writeFile(appDir, "deps.txt", "flask==3.1.1\n")).To(Succeed())
			t.Setenv("PYTHON_CNB_CPYTHON", python3122)
		})
		Expect(filepath.Join(venvPath, "lib", "stale.py")).NotTo(BeAnExistingFile())
		Expect(buffer.String()).To(ContainSubstring("Installing tidy 1.0 (rebuilding layer: cpython changed from"))
		Expect(buffer.String()).To(ContainSubstring("Creating the virtual environment (rebuilding layer: deps.txt changed; CPython changed from " + python3121 + " to " + python3122 + ")"))
		Expect(filepath.Join(venvPath, "lib", "python3.12", "site-packages", "flask-3.1.1.dist-info")).To(BeADirectory())
		Expect(filepath.Join(venvPath, "lib", "python3.12", "site-packages", "flask-3.1.0.dist-info")).NotTo(BeAnExistingFile())
	})

	it("rebuilds when the tool's version changes", func() {
		_, _ = buildTwice(func() {
			recipe = func(app environment.App) (environment.Recipe, error) {
				var r environment.Recipe
				r.Inputs.File("deps.txt", filepath.Join(app.Dir, "deps.txt"))
				r.Tools = []environment.Tool{tool("2.0")}
				r.Steps = []environment.Step{installStep}
				return r, nil
			}
		})
		Expect(buffer.String()).To(ContainSubstring(`Installing tidy 2.0 (rebuilding layer: version changed from "1.0" to "2.0")`))
		Expect(buffer.String()).To(ContainSubstring("rebuilding layer: tidy changed from 1.0 to 2.0"))
	})

	context("when a later buildpack uses the environment at build", func() {
		it.Before(func() {
			ctx.Plan.Entries = append(ctx.Plan.Entries, packit.BuildpackPlanEntry{Name: "site-packages", Metadata: map[string]interface{}{"build": true}})
		})

		it("makes it a build and cache layer, and rebuilds it when the last build kept it for launch only", func() {
			ctx.Plan.Entries = ctx.Plan.Entries[:1]
			_, _ = buildTwice(func() {
				Expect(os.RemoveAll(venvPath)).To(Succeed())
				ctx.Plan.Entries = append(ctx.Plan.Entries, packit.BuildpackPlanEntry{Name: "site-packages", Metadata: map[string]interface{}{"build": true}})
			})
			Expect(buffer.String()).To(ContainSubstring("rebuilding layer: the last build kept it for launch only, and a later buildpack (collectstatic, a build hook) needs its files at build"))
			result, err := rebuild()
			Expect(err).NotTo(HaveOccurred())
			Expect([]bool{result.Layers[0].Launch, result.Layers[0].Build, result.Layers[0].Cache}).To(Equal([]bool{true, true, true}))
		})
	})

	context("steps at every build", func() {
		it("runs them also when the environment is reused, with the tool", func() {
			recipe = func(app environment.App) (environment.Recipe, error) {
				var r environment.Recipe
				r.Tools = []environment.Tool{tool("1.0")}
				r.After = []environment.Step{{Name: "building a wheel", Command: func(c environment.Context) environment.Command {
					return environment.Command{Args: []string{"python", "-I", "-m", "pip", "wheel", c.Tools["tidy"]}}
				}}}
				return r, nil
			}
			_, second := buildTwice(func() {})
			Expect(executor.programs()).To(Equal([]string{"python -I -m pip"}))
			Expect(executor.Calls[0].Args[4]).To(Equal(filepath.Join(layersDir, "tidy", "bin", "tidy")))
			Expect([]bool{second.Layers[0].Launch, second.Layers[0].Build, second.Layers[0].Cache}).To(Equal([]bool{true, false, true}))
		})
	})

	context("a step with a fallback", func() {
		it("runs the fallback when the step fails, and says so", func() {
			fallback := environment.Step{Name: "installing with python", Command: func(c environment.Context) environment.Command {
				return environment.Command{Args: []string{"python", "-I", "-m", "pip", "install", "-r", "deps.txt"}}
			}}
			recipe = func(app environment.App) (environment.Recipe, error) {
				step := installStep
				step.Fallback = &fallback
				return environment.Recipe{Tools: []environment.Tool{tool("1.0")}, Steps: []environment.Step{step}}, nil
			}
			handle := executor.Handle
			executor.Handle = func(c call, out io.Writer) error {
				if strings.HasSuffix(c.Program, "tidy") {
					return errors.New("exit status 2")
				}
				return handle(c, out)
			}
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(executor.programs()[len(executor.programs())-1]).To(Equal("python -I -m pip"))
			Expect(buffer.String()).To(ContainSubstring("installing deps.txt failed (exit status 2): installing with python instead"))
		})
	})

	context("build litter", func() {
		it("removes the build/ and *.egg-info directories the install left in the app, and keeps the app's own", func() {
			Expect(os.MkdirAll(filepath.Join(appDir, "frontend", "build"), 0o755)).To(Succeed())
			Expect(os.MkdirAll(filepath.Join(appDir, "build"), 0o755)).To(Succeed())
			Expect(writeFile(appDir, "build/keep.txt", "mine")).To(Succeed())
			handle := executor.Handle
			executor.Handle = func(c call, out io.Writer) error {
				if c.Program == "python" {
					return nil
				}
				for _, dir := range []string{"src/hello.egg-info", "hello.egg-info", "src/build"} {
					if err := os.MkdirAll(filepath.Join(appDir, dir), 0o755); err != nil {
						return err
					}
				}
				return handle(c, out)
			}
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(filepath.Join(appDir, "hello.egg-info")).NotTo(BeAnExistingFile())
			Expect(filepath.Join(appDir, "src", "hello.egg-info")).NotTo(BeAnExistingFile())
			Expect(filepath.Join(appDir, "src", "build")).NotTo(BeAnExistingFile())
			Expect(filepath.Join(appDir, "build", "keep.txt")).To(BeARegularFile())
			Expect(filepath.Join(appDir, "frontend", "build")).To(BeADirectory())
			Expect(buffer.String()).To(ContainSubstring("Removed what building the project left in the app: hello.egg-info, src/build, src/hello.egg-info"))
		})
	})

	context("VIRTUALENV_NAME", func() {
		it("links that name in the app to the environment, also when it is reused", func() {
			t.Setenv("VIRTUALENV_NAME", "antenv")
			_, _ = buildTwice(func() {})
			Expect(os.Readlink(filepath.Join(appDir, "antenv"))).To(Equal(venvPath))
			Expect(buffer.String()).To(ContainSubstring("Linked antenv in the app to the virtual environment (VIRTUALENV_NAME)"))
		})
	})

	context("COMPRESS_VIRTUALENV", func() {
		it("writes the environment into the app as an archive and adds the layer that unpacks it at start", func() {
			t.Setenv("COMPRESS_VIRTUALENV", "tar-gz")
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(filepath.Join(appDir, "venv.tar.gz")).To(BeARegularFile())
			Expect(result.Layers[0].Launch).To(BeFalse())
			Expect(result.Layers[0].Cache).To(BeTrue())
			unpack := result.Layers[2]
			Expect(unpack.Name).To(Equal("venv-unpack"))
			Expect(unpack.ExecD).To(Equal([]string{filepath.Join(ctx.CNBPath, "bin", "unpack-venv")}))
			Expect(unpack.LaunchEnv).To(HaveKeyWithValue("PYTHON_CNB_VENV_ARCHIVE.override", filepath.Join(appDir, "venv.tar.gz")))
		})
	})

	context("files of several managers", func() {
		it("warns, naming the manager used, the files ignored and the setting", func() {
			Expect(writeFile(appDir, "requirements.txt", "six\n")).To(Succeed())
			Expect(writeFile(appDir, "Pipfile", "")).To(Succeed())
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Warning: the app also has Pipfile, which this build ignores: pip installs the dependencies (from requirements.txt). Set BP_PYTHON_PACKAGE_MANAGER"))
		})
	})

	context("failure cases", func() {
		it("ends with the step's failure: its title, the lines that say why, and the remedy", func() {
			executor.Handle = func(c call, out io.Writer) error {
				if c.Program == "python" {
					return nil
				}
				fmt.Fprintln(out, "Collecting flask==9\n  looking\nERROR: Could not find a version that satisfies the requirement flask==9\nnoise\nERROR: No matching distribution found for flask==9")
				return errors.New("exit status 1")
			}
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("tidy could not install deps.txt")))
			Expect(err).To(MatchError(ContainSubstring("ERROR: Could not find a version that satisfies the requirement flask==9\n  ERROR: No matching distribution found for flask==9\n  (exit status 1)")))
			Expect(err).To(MatchError(ContainSubstring("To fix: fix deps.txt")))
			Expect(err.Error()).NotTo(ContainSubstring("noise"))
		})

		it("ends with what a package built from source lacked instead, when that is why the step failed", func() {
			executor.Handle = func(c call, out io.Writer) error {
				if c.Program == "python" {
					return nil
				}
				fmt.Fprintln(out, "Collecting flask\n  building\nerror: command 'clang' failed: No such file or directory\nERROR: Failed building wheel for markupsafe")
				return errors.New("exit status 1")
			}
			_, err := build(ctx)
			Expect(err).To(MatchError(HavePrefix("markupsafe could not be built from source: the build image has no C compiler (clang)")))
		})

		it("fails, saying why, when it must rebuild while CPython was kept for launch only", func() {
			_, _ = buildTwice(func() {})
			Expect(os.Unsetenv("PYTHON_CNB_CPYTHON")).To(Succeed())
			Expect(writeFile(appDir, "deps.txt", "flask==3.1.1\n")).To(Succeed())
			_, err := rebuild()
			Expect(err).To(MatchError(ContainSubstring("The virtual environment must be rebuilt (deps.txt changed), but the cpython buildpack kept CPython for launch only")))
			Expect(executor.Calls).To(BeEmpty())
		})

		it("reports a recipe that cannot be read, and a tool that cannot be provided", func() {
			recipe = func(environment.App) (environment.Recipe, error) {
				return environment.Recipe{}, errors.New("bad recipe")
			}
			_, err := build(ctx)
			Expect(err).To(MatchError("bad recipe"))

			recipe = func(environment.App) (environment.Recipe, error) {
				broken := tool("1.0")
				broken.Provide = func(string, environment.ToolDeps) (string, error) { return "", errors.New("no network") }
				return environment.Recipe{Tools: []environment.Tool{broken}}, nil
			}
			_, err = build(ctx)
			Expect(err).To(MatchError("no network"))
		})

		it("reports a tool command that fails with the lines that say why", func() {
			executor.Handle = func(c call, out io.Writer) error {
				fmt.Fprintln(out, "ERROR: No matching distribution found for tidy==1.0")
				return errors.New("exit status 1")
			}
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("'python -I -m pip install tidy==1.0' failed: exit status 1\nERROR: No matching distribution found for tidy==1.0")))
		})

		it("refuses a VIRTUALENV_NAME the app already holds, or that is not a plain name, and an unknown archive format", func() {
			t.Setenv("VIRTUALENV_NAME", "a/b")
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring(`VIRTUALENV_NAME="a/b" is not a plain directory name`)))
			t.Setenv("VIRTUALENV_NAME", "antenv")
			Expect(os.Mkdir(filepath.Join(appDir, "antenv"), 0o755)).To(Succeed())
			_, err = build(ctx)
			Expect(err).To(MatchError(HavePrefix("VIRTUALENV_NAME=antenv, but the app already has an entry named antenv that would hide the built environment")))
			os.Unsetenv("VIRTUALENV_NAME")
			t.Setenv("COMPRESS_VIRTUALENV", "rar")
			_, err = build(ctx)
			Expect(err).To(MatchError(ContainSubstring(`COMPRESS_VIRTUALENV="rar" is not a known archive format`)))
			Expect(executor.Calls).To(BeEmpty())
		})

		it("fails when a layer cannot be opened", func() {
			Expect(os.WriteFile(filepath.Join(layersDir, "venv.toml"), []byte("not toml ["), 0o644)).To(Succeed())
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("opening the venv layer")))
		})
	})
}
