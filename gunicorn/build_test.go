package gunicorn_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/sclevine/spec"
)

// install is one call of fakeServerInstaller.Install.
type install struct {
	python, appDir         string
	requirements, packages []string
	target                 string
}

// fakeServerInstaller answers Probe with probe and records installs,
// writing a package into the target as pip would.
type fakeServerInstaller struct {
	probe      gunicorn.Probe
	probeErr   error
	probes     int
	installErr error
	installs   []install
	compileErr error
	compiled   []string
}

func (f *fakeServerInstaller) Probe(appDir string) (gunicorn.Probe, error) {
	f.probes++
	return f.probe, f.probeErr
}

func (f *fakeServerInstaller) Compile(python, targetDir string) (string, error) {
	f.compiled = append(f.compiled, targetDir)
	if f.compileErr != nil {
		return "*** Error compiling 'bad.py'", f.compileErr
	}
	return "", nil
}

func (f *fakeServerInstaller) Install(python, appDir string, requirements, packages []string, targetDir string) error {
	f.installs = append(f.installs, install{python, appDir, requirements, packages, targetDir})
	if f.installErr != nil {
		return f.installErr
	}
	if err := os.MkdirAll(filepath.Join(targetDir, "gunicorn"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(targetDir, "gunicorn", "__init__.py"), nil, 0o644)
}

// fakeChecker reports found for every check and records the files.
type fakeChecker struct {
	found  []gunicorn.SyntaxError
	err    error
	checks [][]string
}

func (f *fakeChecker) Check(appDir string, files []string) ([]gunicorn.SyntaxError, error) {
	f.checks = append(f.checks, files)
	return f.found, f.err
}

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect    = NewWithT(t).Expect
		appDir    string
		cnbPath   string
		layersDir string
		buffer    *bytes.Buffer
		installer *fakeServerInstaller
		checker   *fakeChecker
		build     packit.BuildFunc
		ctx       packit.BuildContext
	)

	const python = "3.13.1 (main, Dec 19 2024, 14:32:25) [Clang 18.1.8]"

	it.Before(func() {
		appDir, cnbPath, layersDir = t.TempDir(), t.TempDir(), t.TempDir()
		Expect(os.MkdirAll(filepath.Join(cnbPath, "bin"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(cnbPath, "bin", "execd"), []byte("binary"), 0o755)).To(Succeed())
		t.Setenv("BP_PYTHON_START_COMMAND", "")
		t.Setenv("PYTHON_STARTUP_COMMAND", "")
		t.Setenv("DISABLE_FASTAPI_DETECTION", "")
		t.Setenv("PYTHON_CNB_CPYTHON", "3.13.1 sha256:1111")
		Expect(os.Unsetenv("PYTHON_CNB_PACKAGES")).To(Succeed())
		buffer = bytes.NewBuffer(nil)
		installer = &fakeServerInstaller{probe: gunicorn.Probe{Python: python, BasePython: "/layers/cpython/bin/python3"}}
		checker = &fakeChecker{}
		clock := chronos.NewClock(func() time.Time { return time.Unix(0, 0) })
		build = gunicorn.BuildWith(installer, checker, clock, scribe.NewEmitter(buffer))
		ctx = packit.BuildContext{
			WorkingDir:    appDir,
			CNBPath:       cnbPath,
			Layers:        packit.Layers{Path: layersDir},
			BuildpackInfo: packit.BuildpackInfo{Name: "Python CNB: start command", Version: "1.2.3"},
		}
	})

	write := func(dir, rel, content string) {
		path := filepath.Join(dir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}
	// storeMetadata writes a layer's metadata as the lifecycle restores it,
	// without its files.
	storeMetadata := func(layer packit.Layer) {
		var content bytes.Buffer
		Expect(toml.NewEncoder(&content).Encode(map[string]interface{}{"metadata": layer.Metadata})).To(Succeed())
		Expect(os.RemoveAll(filepath.Join(layersDir, layer.Name))).To(Succeed())
		write(layersDir, layer.Name+".toml", content.String())
	}
	flask := "from flask import Flask\napp = Flask(__name__)\n"
	fastapi := "from fastapi import FastAPI\napp = FastAPI()\n"
	gunicornWeb := []packit.DirectProcess{{Type: "web", Command: []string{"python", "-m", "gunicorn", "app:app"}, Default: true}}

	context("the user's command", func() {
		it("writes the processes and the start layer with exec.d, and installs no server for a command that runs none", func() {
			write(appDir, "Procfile", "web: python serve.py\nworker: python work.py\n")
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Launch.DirectProcesses).To(Equal([]packit.DirectProcess{
				{Type: "web", Command: []string{"bash", "-c", "python serve.py"}, Default: true},
				{Type: "worker", Command: []string{"bash", "-c", "python work.py"}},
			}))
			Expect(result.Layers).To(HaveLen(1))
			start := result.Layers[0]
			Expect(start.Name).To(Equal("start"))
			Expect([]bool{start.Launch, start.Build, start.Cache}).To(Equal([]bool{true, false, false}))
			Expect(start.ExecD).To(Equal([]string{filepath.Join(cnbPath, "bin", "execd")}))
			Expect(start.ProcessLaunchEnv).To(BeEmpty())
			Expect(installer.installs).To(BeEmpty())
			Expect(installer.probes).To(BeZero())

			log := buffer.String()
			Expect(log).To(ContainSubstring("Python CNB: start command 1.2.3"))
			Expect(log).NotTo(ContainSubstring("Providing the servers"))
			Expect(log).To(ContainSubstring("exec.d sets PORT=8000 when it is unset"))
			Expect(log).To(ContainSubstring("web (default): bash -c python serve.py"))
		})

		it("installs the servers the processes name, and marks those running gunicorn for exec.d's platform settings", func() {
			write(appDir, "Procfile", "web: uvicorn main:app --port $PORT\nworker: gunicorn -k uvicorn_worker.UvicornWorker jobs:app\n")
			t.Setenv("PYTHON_CNB_PACKAGES", "starlette==0.46.0 uvicorn==0.30.0")
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.installs).To(HaveLen(1))
			// uvicorn-worker 0.4.0 needs uvicorn 0.36: the app's 0.30.0 gets 0.3.0
			Expect(installer.installs[0].requirements).To(Equal([]string{"gunicorn==27.0.1", "uvicorn-worker==0.3.0"}))
			Expect(installer.installs[0].packages).To(Equal([]string{"starlette==0.46.0", "uvicorn==0.30.0"}))
			Expect(buffer.String()).To(ContainSubstring("Installing uvicorn-worker==0.3.0 rather than 0.4.0, which needs newer versions of what the app's dependencies hold (gunicorn 21.0.0, uvicorn 0.36.0)"))
			Expect(buffer.String()).To(ContainSubstring("Providing the servers the processes run: gunicorn, uvicorn, uvicorn-worker"))
			Expect(buffer.String()).To(ContainSubstring("Using uvicorn 0.30.0 from the app's dependencies"))

			servers := result.Layers[0]
			Expect(servers.Name).To(Equal("servers"))
			Expect(filepath.Join(servers.Path, "bin", "gunicorn")).To(BeARegularFile())
			Expect(filepath.Join(servers.Path, "bin", "uvicorn")).NotTo(BeAnExistingFile())
			Expect(result.Layers[1].ProcessLaunchEnv).To(Equal(map[string]packit.Environment{
				"worker": {"PYTHON_CNB_GUNICORN_DEFAULTS.default": "platform"},
			}))
			Expect(result.Layers[1].LaunchEnv).To(Equal(packit.Environment{"PYTHON_CNB_GUNICORN_CONTROL_SOCKET.default": "true"}))
			Expect(buffer.String()).To(ContainSubstring("For gunicorn (worker), exec.d adds --worker-tmp-dir /dev/shm"))
		})

		it("says that an older gunicorn of the app has no control socket", func() {
			write(appDir, "Procfile", "web: gunicorn app:app\n")
			t.Setenv("PYTHON_CNB_PACKAGES", "gunicorn==23.0.0")
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Layers).To(HaveLen(1))
			Expect(result.Layers[0].LaunchEnv).To(BeEmpty())
			Expect(result.Layers[0].ProcessLaunchEnv).To(HaveKey("web"))
		})
	})

	context("the start layer", func() {
		it.Before(func() {
			write(appDir, "app.py", flask)
			installer.probe.Packages = []string{"gunicorn==23.0.0"}
		})

		it("records the exec.d program's digest and the processes' environment", func() {
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			start := result.Layers[len(result.Layers)-1]
			Expect(start.Metadata).To(HaveKeyWithValue("execd", "sha256:"+fmt.Sprintf("%x", sha256.Sum256([]byte("binary")))))
			Expect(start.Metadata).To(HaveKeyWithValue("env", "web=true"))
		})

		it("keeps it for launch only, without writing it again, while that is unchanged", func() {
			first, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			storeMetadata(first.Layers[len(first.Layers)-1])
			buffer.Reset()

			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			start := result.Layers[len(result.Layers)-1]
			Expect(start.Launch).To(BeTrue())
			Expect(start.ExecD).To(BeEmpty())
			Expect(start.ProcessLaunchEnv).To(BeEmpty())
			Expect(filepath.Join(layersDir, "start")).NotTo(BeAnExistingFile())
			Expect(buffer.String()).To(ContainSubstring("Reusing layer " + filepath.Join(layersDir, "start") + " for launch only"))
			Expect(buffer.String()).To(ContainSubstring(`PYTHON_CNB_GUNICORN_DEFAULTS -> "true"`))

			Expect(os.WriteFile(filepath.Join(cnbPath, "bin", "execd"), []byte("new binary"), 0o755)).To(Succeed())
			result, err = build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Layers[len(result.Layers)-1].ExecD).To(HaveLen(1))
		})
	})

	context("the web process runs gunicorn", func() {
		it.Before(func() {
			write(appDir, "app.py", flask)
		})

		it("uses the app's gunicorn and marks the web process for all of exec.d's gunicorn settings", func() {
			installer.probe.Packages = []string{"flask==3.1.0", "gunicorn==23.0.0"}
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Launch.DirectProcesses).To(Equal(gunicornWeb))
			Expect(result.Layers).To(HaveLen(1))
			start := result.Layers[0]
			Expect(start.Name).To(Equal("start"))
			Expect(start.ProcessLaunchEnv).To(Equal(map[string]packit.Environment{
				"web": {"PYTHON_CNB_GUNICORN_DEFAULTS.default": "true"},
			}))
			Expect(start.LaunchEnv).To(BeEmpty(), "gunicorn 23 has no control socket")
			Expect(installer.installs).To(BeEmpty())

			log := buffer.String()
			Expect(log).To(ContainSubstring("Using gunicorn 23.0.0 from the app's dependencies"))
			Expect(log).To(ContainSubstring(`exec.d sets GUNICORN_CMD_ARGS="--bind 0.0.0.0:$PORT --access-logfile - --error-logfile - --timeout 120"`))
			Expect(log).To(ContainSubstring("changed by PYTHON_GUNICORN_TIMEOUT, PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true (PYTHON_GUNICORN_CUSTOM_WORKER_NUM, PYTHON_GUNICORN_CUSTOM_THREAD_NUM)"))
			Expect(log).To(ContainSubstring("web (default): python -m gunicorn app:app"))
			Expect(log).To(ContainSubstring("PYTHON_CNB_GUNICORN_DEFAULTS -> \"true\""))
		})

		it("compiles the module the web process imports", func() {
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(checker.checks).To(Equal([][]string{{"app.py"}}))
			Expect(buffer.String()).To(ContainSubstring("Compiling app.py, which the processes import first"))
		})

		it("installs the pinned gunicorn into the servers layer when the app has none, with a command that runs it", func() {
			installer.probe.Packages = []string{"flask==3.1.0", "packaging==24.0"}
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Launch.DirectProcesses).To(Equal(gunicornWeb))
			Expect(result.Layers).To(HaveLen(2))

			layer := result.Layers[0]
			target := filepath.Join(layersDir, "servers", "site-packages")
			Expect(layer.Name).To(Equal("servers"))
			Expect([]bool{layer.Launch, layer.Build, layer.Cache}).To(Equal([]bool{true, false, false}))
			Expect(installer.compiled).To(Equal([]string{target}))
			Expect(layer.LaunchEnv).To(Equal(packit.Environment{"PYTHONPATH.append": target, "PYTHONPATH.delim": ":"}))
			Expect(layer.Metadata).To(Equal(map[string]interface{}{
				"servers": "gunicorn==27.0.1", "python": python, "format": gunicorn.LayerFormat,
				"app-packages": plan.KeyOf("packages", "flask==3.1.0", "packaging==24.0"),
			}))
			Expect(installer.installs).To(Equal([]install{{"/layers/cpython/bin/python3", appDir,
				[]string{"gunicorn==27.0.1"}, []string{"flask==3.1.0", "packaging==24.0"}, target}}))
			Expect(filepath.Join(target, "gunicorn", "__init__.py")).To(BeARegularFile())
			command, err := os.ReadFile(filepath.Join(layersDir, "servers", "bin", "gunicorn"))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(command)).To(HavePrefix("#!/bin/sh\n"))
			Expect(string(command)).To(HaveSuffix("exec python -m gunicorn \"$@\"\n"))
			Expect(result.Layers[1].Name).To(Equal("start"))
			Expect(result.Layers[1].LaunchEnv).To(Equal(packit.Environment{"PYTHON_CNB_GUNICORN_CONTROL_SOCKET.default": "true"}))

			log := buffer.String()
			Expect(log).To(ContainSubstring("Installing gunicorn==27.0.1: the app's dependencies do not provide them (rebuilding layer: no cached layer)"))
			Expect(log).To(ContainSubstring("Completed in 0s"))
			Expect(log).To(ContainSubstring("Configuring launch environment"))
		})

		it("reuses the servers layer for launch only while the servers, python and the app's packages are the same", func() {
			first, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			storeMetadata(first.Layers[0])
			buffer.Reset()
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.installs).To(HaveLen(1))
			Expect(result.Layers[0].Name).To(Equal("servers"))
			Expect([]bool{result.Layers[0].Launch, result.Layers[0].Build, result.Layers[0].Cache}).To(Equal([]bool{true, false, false}))
			Expect(buffer.String()).To(ContainSubstring("Reusing layer " + filepath.Join(layersDir, "servers") + " for launch only"))

			installer.probe.Packages = []string{"flask==3.1.1"}
			_, err = build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.installs).To(HaveLen(2))
			Expect(buffer.String()).To(ContainSubstring("app-packages changed"))
		})

		it("only warns when some files do not compile", func() {
			installer.compileErr = errors.New("exit status 1")
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Warning: some files did not compile (exit status 1)"))
			Expect(buffer.String()).To(ContainSubstring("Error compiling 'bad.py'"))
		})

		it("serves an ASGI app with uvicorn-worker's worker, and installs what that needs", func() {
			write(appDir, "app.py", fastapi)
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Launch.DirectProcesses).To(Equal([]packit.DirectProcess{{Type: "web",
				Command: []string{"python", "-m", "gunicorn", "-k", "uvicorn_worker.UvicornWorker", "app:app"}, Default: true}}))
			Expect(installer.installs[0].requirements).To(Equal([]string{"gunicorn==27.0.1", "uvicorn==0.54.0", "uvicorn-worker==0.4.0"}))
			Expect(filepath.Join(layersDir, "servers", "bin", "uvicorn")).To(BeARegularFile())
			Expect(filepath.Join(layersDir, "servers", "bin", "uvicorn-worker")).NotTo(BeAnExistingFile())
		})

		context("when the pip sub-buildpack lists the app's packages", func() {
			it("takes them from it rather than from python, which it does not ask when nothing is missing", func() {
				t.Setenv("PYTHON_CNB_PACKAGES", "flask==3.1.0 gunicorn==23.0.0")
				installer.probe.Packages = nil // python on PATH is not the app's environment
				result, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				Expect(installer.probes).To(BeZero())
				Expect(result.Layers).To(HaveLen(1))
				Expect(buffer.String()).To(ContainSubstring("Using gunicorn 23.0.0 from the app's dependencies"))
			})

			it("installs gunicorn when the list lacks it", func() {
				t.Setenv("PYTHON_CNB_PACKAGES", "flask==3.1.0")
				installer.probe.Packages = []string{"gunicorn==23.0.0"}
				result, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				Expect(installer.installs).To(HaveLen(1))
				Expect(result.Layers[0].Name).To(Equal("servers"))
			})
		})

		context("when CPython was kept for launch only", func() {
			it.Before(func() {
				t.Setenv("PYTHON_CNB_PACKAGES", "flask==3.1.0")
			})

			it("reuses the servers layer and compiles nothing, without running python", func() {
				first, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				storeMetadata(first.Layers[0])
				Expect(os.Unsetenv("PYTHON_CNB_CPYTHON")).To(Succeed())
				installer.probes, checker.checks = 0, nil
				result, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				Expect(installer.probes).To(BeZero())
				Expect(checker.checks).To(BeEmpty())
				Expect(installer.installs).To(HaveLen(1))
				Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("python", python))
			})

			it("reuses the servers layer when the app's packages are not listed either", func() {
				first, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				storeMetadata(first.Layers[0])
				Expect(os.Unsetenv("PYTHON_CNB_CPYTHON")).To(Succeed())
				Expect(os.Unsetenv("PYTHON_CNB_PACKAGES")).To(Succeed())
				result, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				Expect(result.Layers[0].Name).To(Equal("servers"))
				Expect(installer.installs).To(HaveLen(1))
			})

			it("fails, saying why, when the servers must be installed", func() {
				Expect(os.Unsetenv("PYTHON_CNB_CPYTHON")).To(Succeed())
				write(layersDir, "servers.toml", "[metadata]\nservers = \"gunicorn==23.0.0\"\npython = \""+python+"\"\nformat = \""+gunicorn.LayerFormat+"\"\n")
				_, err := build(ctx)
				Expect(err).To(MatchError(ContainSubstring(`The servers must be installed (servers changed from "gunicorn==23.0.0" to "gunicorn==27.0.1"; app-packages changed`)))
				Expect(err).To(MatchError(ContainSubstring("but the cpython buildpack kept CPython for launch only")))
			})
		})

		it("reinstalls when python changed, and says so", func() {
			first, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			storeMetadata(first.Layers[0])
			write(layersDir, "servers/site-packages/stale.txt", "")
			installer.probe.Python = "3.13.2"
			_, err = build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.installs).To(HaveLen(2))
			Expect(filepath.Join(layersDir, "servers", "site-packages", "stale.txt")).NotTo(BeAnExistingFile())
			Expect(buffer.String()).To(ContainSubstring(`(rebuilding layer: python changed from "` + python + `" to "3.13.2")`))
		})

		it("says that gunicorn.conf.py is honoured", func() {
			installer.probe.Packages = []string{"gunicorn==23.0.0"}
			write(appDir, "gunicorn.conf.py", "bind = '0.0.0.0:5000'\n")
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Found gunicorn.conf.py: gunicorn reads it, and exec.d adds to GUNICORN_CMD_ARGS only what is set when the container starts:"))
			Expect(buffer.String()).NotTo(ContainSubstring("--bind 0.0.0.0:$PORT"))
		})
	})

	it("sets no process and no layer when nothing says how to start the app", func() {
		write(appDir, "main.py", "print('hi')\n")
		result, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(result).To(Equal(packit.BuildResult{}))
		Expect(buffer.String()).To(ContainSubstring("No web process: nothing says how to start this app."))
	})

	context("failure cases", func() {
		it("returns the start command's error", func() {
			write(appDir, "Procfile", "worker: python work.py\n")
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("The Procfile has no web entry")))
		})

		it("fails when the buildpack lacks its exec.d program", func() {
			write(appDir, "Procfile", "web: python serve.py\n")
			Expect(os.Remove(filepath.Join(cnbPath, "bin", "execd"))).To(Succeed())
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("this buildpack lacks its exec.d program bin/execd (scripts/build.sh builds it): ")))
		})

		context("the modules the processes import", func() {
			it.Before(func() {
				write(appDir, "main.py", "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/')\ndef index()\n    return {}\n")
			})

			it("fails on a syntax error, naming the file and line, before installing anything", func() {
				checker.found = []gunicorn.SyntaxError{{File: "main.py", Line: 4, Offset: 12, Text: "def index()", Msg: "expected ':'", Type: "SyntaxError"}}
				_, err := build(ctx)
				Expect(errs.IsUser(err)).To(BeTrue())
				Expect(err).To(MatchError("main.py, line 4: SyntaxError: expected ':'\n\n  def index()\n             ^\n\n" +
					"To fix: correct main.py: the app's process imports it when the container starts, and would exit; it was compiled, not run, with the app's Python"))
				Expect(installer.installs).To(BeEmpty())
			})

			it("names the file alone when python gives no line", func() {
				checker.found = []gunicorn.SyntaxError{{File: "main.py", Msg: "source code string cannot contain null bytes", Type: "ValueError"}}
				_, err := build(ctx)
				Expect(err).To(MatchError(HavePrefix("main.py: ValueError: source code string cannot contain null bytes\n\nTo fix:")))
			})

			it("returns the checker's error", func() {
				checker.err = errors.New("running python to compile main.py: exit status 1")
				_, err := build(ctx)
				Expect(err).To(MatchError("running python to compile main.py: exit status 1"))
			})
		})

		context("providing the servers", func() {
			it.Before(func() {
				write(appDir, "app.py", flask)
			})

			it("returns the probe's error", func() {
				installer.probeErr = errors.New("running python to list the app's packages: exit status 1")
				_, err := build(ctx)
				Expect(err).To(MatchError("running python to list the app's packages: exit status 1"))
			})

			it("fails when the servers layer's metadata cannot be read", func() {
				write(layersDir, "servers.toml", "not toml [")
				_, err := build(ctx)
				Expect(err).To(MatchError(ContainSubstring("opening the servers layer: failed to parse layer content metadata")))
			})

			it("fails when the cached metadata has the wrong shape", func() {
				write(layersDir, "servers.toml", "[metadata]\npython = 3\n")
				_, err := build(ctx)
				Expect(err).To(MatchError(ContainSubstring("decoding cached layer metadata")))
			})

			it("returns the install's error", func() {
				installer.installErr = errors.New("Could not install gunicorn==27.0.1 with pip (exit status 1)")
				_, err := build(ctx)
				Expect(err).To(MatchError("Could not install gunicorn==27.0.1 with pip (exit status 1)"))
			})

			it("fails when the servers layer cannot be reset", func() {
				if os.Geteuid() == 0 {
					t.Skip("root removes anything")
				}
				write(layersDir, "servers/site-packages/x", "")
				Expect(os.Chmod(filepath.Join(layersDir, "servers", "site-packages"), 0o500)).To(Succeed())
				defer os.Chmod(filepath.Join(layersDir, "servers", "site-packages"), 0o755)
				_, err := build(ctx)
				Expect(err).To(MatchError(ContainSubstring("resetting the servers layer")))
			})
		})

		it("fails when the start layer's metadata cannot be read", func() {
			write(appDir, "Procfile", "web: python serve.py\n")
			write(layersDir, "start.toml", "not toml [")
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("opening the start layer: failed to parse layer content metadata")))
		})

		it("fails when the start layer cannot be reset", func() {
			if os.Geteuid() == 0 {
				t.Skip("root removes anything")
			}
			write(appDir, "Procfile", "web: python serve.py\n")
			write(layersDir, "start/exec.d/x", "")
			Expect(os.Chmod(filepath.Join(layersDir, "start", "exec.d"), 0o500)).To(Succeed())
			defer os.Chmod(filepath.Join(layersDir, "start", "exec.d"), 0o755)
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("resetting the start layer")))
		})
	})
}
