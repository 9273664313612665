package gunicorn_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/BurntSushi/toml"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/sclevine/spec"
)

// fakeGunicornInstaller answers Probe with probe and records installs,
// writing a file into the target as pip would.
type fakeGunicornInstaller struct {
	probe      gunicorn.Probe
	probeErr   error
	probes     int
	installErr error
	installs   [][3]string
	compileErr error
	compiled   []string
}

func (f *fakeGunicornInstaller) Probe() (gunicorn.Probe, error) {
	f.probes++
	return f.probe, f.probeErr
}

func (f *fakeGunicornInstaller) Compile(python, targetDir string) (string, error) {
	f.compiled = append(f.compiled, targetDir)
	if f.compileErr != nil {
		return "*** Error compiling 'bad.py'", f.compileErr
	}
	return "", nil
}

func (f *fakeGunicornInstaller) Install(python, version, targetDir string) error {
	f.installs = append(f.installs, [3]string{python, version, targetDir})
	if f.installErr != nil {
		return f.installErr
	}
	if err := os.MkdirAll(filepath.Join(targetDir, "gunicorn"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(targetDir, "gunicorn", "__init__.py"), nil, 0o644)
}

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect    = NewWithT(t).Expect
		appDir    string
		cnbPath   string
		layersDir string
		buffer    *bytes.Buffer
		installer *fakeGunicornInstaller
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
		t.Setenv("PYTHON_CNB_CPYTHON", "3.13.1 sha256:1111")
		Expect(os.Unsetenv("PYTHON_CNB_PACKAGES")).To(Succeed())
		buffer = bytes.NewBuffer(nil)
		installer = &fakeGunicornInstaller{probe: gunicorn.Probe{Python: python, BasePython: "/layers/cpython/bin/python3"}}
		clock := chronos.NewClock(func() time.Time { return time.Unix(0, 0) })
		build = gunicorn.BuildWith(installer, clock, scribe.NewEmitter(buffer))
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
	flask := "from flask import Flask\napp = Flask(__name__)\n"
	gunicornWeb := []packit.DirectProcess{{Type: "web", Command: []string{"python", "-m", "gunicorn", "app:app"}, Default: true}}

	context("the user's command", func() {
		it("writes the processes and the start layer with exec.d, and does not look for gunicorn", func() {
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
			Expect(start.Launch).To(BeTrue())
			Expect(start.Build).To(BeFalse())
			Expect(start.Cache).To(BeFalse())
			Expect(start.ExecD).To(Equal([]string{filepath.Join(cnbPath, "bin", "execd")}))
			Expect(start.ProcessLaunchEnv).To(BeEmpty())
			Expect(installer.installs).To(BeEmpty())

			log := buffer.String()
			Expect(log).To(ContainSubstring("Python CNB: start command 1.2.3"))
			Expect(log).NotTo(ContainSubstring("Providing gunicorn"))
			Expect(log).To(ContainSubstring("exec.d sets PORT=8000 when it is unset"))
			Expect(log).To(ContainSubstring("web (default): bash -c python serve.py"))
		})
	})

	context("the start layer", func() {
		it.Before(func() {
			write(appDir, "app.py", flask)
			installer.probe.Gunicorn = "23.0.0"
		})

		it("records the exec.d program's digest and whether the web process runs gunicorn", func() {
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			start := result.Layers[len(result.Layers)-1]
			Expect(start.Metadata).To(HaveKeyWithValue("execd", "sha256:"+fmt.Sprintf("%x", sha256.Sum256([]byte("binary")))))
			Expect(start.Metadata).To(HaveKeyWithValue("gunicorn", true))
		})

		it("keeps it for launch only, without writing it again, while that is unchanged", func() {
			first, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			var content bytes.Buffer
			Expect(toml.NewEncoder(&content).Encode(map[string]interface{}{"metadata": first.Layers[len(first.Layers)-1].Metadata})).To(Succeed())
			Expect(os.RemoveAll(filepath.Join(layersDir, "start"))).To(Succeed())
			write(layersDir, "start.toml", content.String())
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

		it("uses the app's gunicorn and marks the web process for exec.d's gunicorn settings", func() {
			installer.probe.Gunicorn = "23.0.0"
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Launch.DirectProcesses).To(Equal(gunicornWeb))
			Expect(result.Layers).To(HaveLen(1))
			start := result.Layers[0]
			Expect(start.Name).To(Equal("start"))
			Expect(start.ProcessLaunchEnv).To(Equal(map[string]packit.Environment{
				"web": {"PYTHON_CNB_GUNICORN_DEFAULTS.default": "true"},
			}))
			Expect(installer.installs).To(BeEmpty())

			log := buffer.String()
			Expect(log).To(ContainSubstring("Using gunicorn 23.0.0 from the app's dependencies"))
			Expect(log).To(ContainSubstring(`exec.d sets GUNICORN_CMD_ARGS="--bind 0.0.0.0:$PORT --access-logfile - --error-logfile - --timeout 120"`))
			Expect(log).To(ContainSubstring("changed by PYTHON_GUNICORN_TIMEOUT, PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true (PYTHON_GUNICORN_CUSTOM_WORKER_NUM, PYTHON_GUNICORN_CUSTOM_THREAD_NUM)"))
			Expect(log).To(ContainSubstring("web (default): python -m gunicorn app:app"))
			Expect(log).To(ContainSubstring("PYTHON_CNB_GUNICORN_DEFAULTS -> \"true\""))
		})

		it("installs the pinned gunicorn into its own layer when the app has none", func() {
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Launch.DirectProcesses).To(Equal(gunicornWeb))
			Expect(result.Layers).To(HaveLen(2))

			layer := result.Layers[0]
			target := filepath.Join(layersDir, "gunicorn", "site-packages")
			Expect(layer.Name).To(Equal("gunicorn"))
			Expect(layer.Launch).To(BeTrue())
			Expect(layer.Build).To(BeFalse())
			Expect(layer.Cache).To(BeFalse())
			Expect(installer.compiled).To(Equal([]string{filepath.Join(layersDir, "gunicorn", "site-packages")}))
			Expect(layer.LaunchEnv).To(Equal(packit.Environment{"PYTHONPATH.append": target, "PYTHONPATH.delim": ":"}))
			Expect(layer.Metadata).To(Equal(map[string]interface{}{"gunicorn": "27.0.1", "python": python, "format": gunicorn.LayerFormat}))
			Expect(installer.installs).To(Equal([][3]string{{"/layers/cpython/bin/python3", "27.0.1", target}}))
			Expect(filepath.Join(target, "gunicorn", "__init__.py")).To(BeARegularFile())
			Expect(result.Layers[1].Name).To(Equal("start"))

			log := buffer.String()
			Expect(log).To(ContainSubstring("Installing gunicorn 27.0.1: the app's dependencies do not provide it (rebuilding layer: no cached layer)"))
			Expect(log).To(ContainSubstring("Completed in 0s"))
			Expect(log).To(ContainSubstring("Configuring launch environment"))
		})

		it("reuses the gunicorn layer for launch only while gunicorn's and python's versions are the same", func() {
			write(layersDir, "gunicorn.toml", "[metadata]\ngunicorn = \"27.0.1\"\npython = \""+python+"\"\nformat = \""+gunicorn.LayerFormat+"\"\n")
			result, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.installs).To(BeEmpty())
			Expect(result.Layers[0].Name).To(Equal("gunicorn"))
			Expect([]bool{result.Layers[0].Launch, result.Layers[0].Build, result.Layers[0].Cache}).To(Equal([]bool{true, false, false}))
			Expect(buffer.String()).To(ContainSubstring("Reusing layer " + filepath.Join(layersDir, "gunicorn") + " for launch only (gunicorn 27.0.1)"))
		})

		it("only warns when some files do not compile", func() {
			installer.compileErr = errors.New("exit status 1")
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Warning: some files did not compile (exit status 1)"))
			Expect(buffer.String()).To(ContainSubstring("Error compiling 'bad.py'"))
		})

		context("when the pip sub-buildpack lists the app's packages", func() {
			it("uses the app's gunicorn without running python", func() {
				t.Setenv("PYTHON_CNB_PACKAGES", "flask==3.1.0 gunicorn==23.0.0")
				result, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				Expect(installer.probes).To(BeZero())
				Expect(result.Layers).To(HaveLen(1))
				Expect(buffer.String()).To(ContainSubstring("Using gunicorn 23.0.0 from the app's dependencies"))
			})

			it("installs gunicorn when the list lacks it", func() {
				t.Setenv("PYTHON_CNB_PACKAGES", "flask==3.1.0")
				installer.probe.Gunicorn = "23.0.0" // python on PATH is not the app's environment
				result, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				Expect(installer.installs).To(HaveLen(1))
				Expect(result.Layers[0].Name).To(Equal("gunicorn"))
			})
		})

		context("when CPython was kept for launch only", func() {
			it.Before(func() {
				Expect(os.Unsetenv("PYTHON_CNB_CPYTHON")).To(Succeed())
				t.Setenv("PYTHON_CNB_PACKAGES", "flask==3.1.0")
			})

			it("reuses the gunicorn layer without running python", func() {
				write(layersDir, "gunicorn.toml", "[metadata]\ngunicorn = \"27.0.1\"\npython = \""+python+"\"\nformat = \""+gunicorn.LayerFormat+"\"\n")
				result, err := build(ctx)
				Expect(err).NotTo(HaveOccurred())
				Expect(installer.probes).To(BeZero())
				Expect(installer.installs).To(BeEmpty())
				Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("python", python))
			})

			it("fails, saying why, when gunicorn must be installed", func() {
				write(layersDir, "gunicorn.toml", "[metadata]\ngunicorn = \"23.0.0\"\npython = \""+python+"\"\nformat = \""+gunicorn.LayerFormat+"\"\n")
				_, err := build(ctx)
				Expect(err).To(MatchError(ContainSubstring(`gunicorn must be installed (gunicorn changed from "23.0.0" to "27.0.1"), but the cpython buildpack kept CPython for launch only`)))
			})
		})

		it("reinstalls when python changed, and says so", func() {
			write(layersDir, "gunicorn.toml", "[metadata]\ngunicorn = \"27.0.1\"\npython = \"3.12.1\"\nformat = \""+gunicorn.LayerFormat+"\"\n")
			write(layersDir, "gunicorn/site-packages/stale.txt", "")
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.installs).To(HaveLen(1))
			Expect(filepath.Join(layersDir, "gunicorn", "site-packages", "stale.txt")).NotTo(BeAnExistingFile())
			Expect(buffer.String()).To(ContainSubstring(`(rebuilding layer: python changed from "3.12.1" to "` + python + `")`))
		})

		it("says that gunicorn.conf.py is honoured", func() {
			installer.probe.Gunicorn = "23.0.0"
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

		context("providing gunicorn", func() {
			it.Before(func() {
				write(appDir, "app.py", flask)
			})

			it("returns the probe's error", func() {
				installer.probeErr = errors.New("running python to look for gunicorn: exit status 1")
				_, err := build(ctx)
				Expect(err).To(MatchError("running python to look for gunicorn: exit status 1"))
			})

			it("fails when the gunicorn layer's metadata cannot be read", func() {
				write(layersDir, "gunicorn.toml", "not toml [")
				_, err := build(ctx)
				Expect(err).To(MatchError(ContainSubstring("opening the gunicorn layer: failed to parse layer content metadata")))
			})

			it("fails when the cached metadata has the wrong shape", func() {
				write(layersDir, "gunicorn.toml", "[metadata]\npython = 3\n")
				_, err := build(ctx)
				Expect(err).To(MatchError(ContainSubstring("decoding cached layer metadata")))
			})

			it("returns the install's error", func() {
				installer.installErr = errors.New("Could not install gunicorn 27.0.1 with pip (exit status 1)")
				_, err := build(ctx)
				Expect(err).To(MatchError("Could not install gunicorn 27.0.1 with pip (exit status 1)"))
			})

			it("fails when the gunicorn layer cannot be reset", func() {
				if os.Geteuid() == 0 {
					t.Skip("root removes anything")
				}
				write(layersDir, "gunicorn/site-packages/x", "")
				Expect(os.Chmod(filepath.Join(layersDir, "gunicorn", "site-packages"), 0o500)).To(Succeed())
				defer os.Chmod(filepath.Join(layersDir, "gunicorn", "site-packages"), 0o755)
				_, err := build(ctx)
				Expect(err).To(MatchError(ContainSubstring("resetting the gunicorn layer")))
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
