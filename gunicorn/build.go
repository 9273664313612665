package gunicorn

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/gunicorn/launchenv"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/layermeta"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/sbom"
)

// GunicornInstaller provides gunicorn for the web process. PipInstaller is
// the real one.
type GunicornInstaller interface {
	// Probe reports the python on PATH and the gunicorn the app's environment
	// lets it import.
	Probe() (Probe, error)
	// Install installs gunicorn==version with python (Probe's BasePython)
	// into targetDir, a directory that goes on PYTHONPATH.
	Install(python, version, targetDir string) error
	// Compile writes targetDir's bytecode with python (see
	// internal/bytecode); a failure, with compileall's output, costs only
	// start-up time.
	Compile(python, targetDir string) (output string, err error)
}

// Probe is what the python on PATH reports.
type Probe struct {
	// Python is its sys.version on one line: part of the gunicorn layer's
	// reuse key.
	Python string
	// Gunicorn is the version of gunicorn it can import, "" when none.
	Gunicorn string
	// BasePython is the interpreter outside any virtual environment, whose
	// pip installs gunicorn.
	BasePython string
}

// GunicornLayerMetadata is the gunicorn layer's reuse key.
type GunicornLayerMetadata struct {
	Gunicorn string `toml:"gunicorn"`
	Python   string `toml:"python"`
	// Format is how this buildpack lays the layer out (LayerFormat).
	Format string `toml:"format"`
}

// LayerFormat changes whenever the way the gunicorn layer is laid out
// changes (how bytecode is written), so that layers made the old way are
// rebuilt.
const LayerFormat = "2"

// Build is BuildWith the real collaborators, as build/phases.go wires it.
func Build(logger scribe.Emitter) packit.BuildFunc {
	executable := func(name string) Executable { return pexec.NewExecutable(name) }
	return BuildWith(NewPipInstaller(executable), chronos.DefaultClock, logger)
}

// BuildWith decides the start command (see ChooseStart) and writes the
// launch processes. When the web process runs gunicorn, it uses the
// gunicorn of the app's dependencies, or else installs GunicornVersion into
// the gunicorn layer (launch), reused while gunicorn's and python's versions
// stay the same. Whenever there is a process, the start layer
// (launch) carries the exec.d program, which sets PORT and, for the gunicorn
// web process, GUNICORN_CMD_ARGS when the container starts.
func BuildWith(installer GunicornInstaller, clock chronos.Clock, logger scribe.Emitter) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		logger.Process("Choosing the start command")
		start, err := ChooseStart(context.WorkingDir, logger)
		if err != nil {
			return packit.BuildResult{}, err
		}
		logger.Break()
		if len(start.Processes) == 0 {
			return packit.BuildResult{}, nil
		}

		execd := filepath.Join(context.CNBPath, ExecDPath)
		if _, err := os.Stat(execd); err != nil {
			return packit.BuildResult{}, fmt.Errorf("this buildpack lacks its exec.d program %s (scripts/build.sh builds it): %w", ExecDPath, err)
		}

		var layers []packit.Layer
		if start.WSGIApp != "" {
			layer, err := provideGunicorn(context, installer, clock, logger)
			if err != nil {
				return packit.BuildResult{}, err
			}
			if layer != nil {
				if err := sbom.Layer(context, layer, logger); err != nil {
					return packit.BuildResult{}, err
				}
				layers = append(layers, *layer)
			}
		}

		layer, err := startLayer(context.Layers, execd, start, context.WorkingDir, logger)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if err := sbom.Layer(context, &layer, logger); err != nil {
			return packit.BuildResult{}, err
		}
		layers = append(layers, layer)

		logger.LaunchDirectProcesses(start.Processes, processEnv(start))
		return packit.BuildResult{
			Layers: layers,
			Launch: packit.LaunchMetadata{DirectProcesses: start.Processes},
		}, nil
	}
}

// StartLayerMetadata is the start layer's reuse key.
type StartLayerMetadata struct {
	// ExecD is the sha256 of the exec.d program.
	ExecD string `toml:"execd"`
	// Gunicorn tells whether the web process gets exec.d's gunicorn settings.
	Gunicorn bool `toml:"gunicorn"`
}

// processEnv is the launch environment of each process: the gunicorn web
// process is marked for exec.d's gunicorn settings.
func processEnv(start Start) map[string]packit.Environment {
	env := map[string]packit.Environment{}
	if start.WSGIApp != "" {
		env[WebProcess] = packit.Environment{}
		env[WebProcess].Default(launchenv.DefaultsEnv, "true")
	}
	return env
}

// startLayer returns the start layer (launch): the exec.d program and the
// processes' environment. It is kept for launch only, without writing it
// again, while its metadata matches.
func startLayer(layers packit.Layers, execd string, start Start, appDir string, logger scribe.Emitter) (packit.Layer, error) {
	layer, err := layers.Get(StartLayer)
	if err != nil {
		return layer, fmt.Errorf("opening the %s layer: %w", StartLayer, err)
	}
	sum, err := appscan.FileDigest(execd)
	if err != nil {
		return layer, fmt.Errorf("reading the exec.d program: %w", err)
	}
	metadata := StartLayerMetadata{ExecD: sum, Gunicorn: start.WSGIApp != ""}
	changes, err := layermeta.Changes(layer.Metadata, metadata)
	if err != nil {
		return layer, err
	}

	logger.Process("Configuring the container start")
	logger.Subprocess("exec.d sets %s=%d when it is unset", launchenv.PortEnv, launchenv.DefaultPort)
	if start.WSGIApp != "" {
		logGunicornSettings(appDir, logger)
	}
	if len(changes) == 0 {
		logger.Subprocess("Reusing layer %s for launch only", layer.Path)
		logger.Break()
		layer.Launch = true
		return layer, nil
	}
	logger.Break()
	if layer, err = layer.Reset(); err != nil {
		return layer, fmt.Errorf("resetting the %s layer: %w", StartLayer, err)
	}
	layer.Launch = true
	layer.ExecD = []string{execd}
	for process, env := range processEnv(start) {
		layer.ProcessLaunchEnv[process] = env
	}
	layer.Metadata, err = layermeta.Encode(metadata)
	return layer, err
}

// provideGunicorn returns the gunicorn layer, or nil when the app's
// dependencies provide gunicorn. What the app's environment holds comes
// from the pip sub-buildpack (plan.PackagesEnv) when it ran, else from
// asking the python on PATH. The gunicorn layer is for launch only and is
// reused whenever its metadata matches, without its files.
func provideGunicorn(context packit.BuildContext, installer GunicornInstaller, clock chronos.Clock, logger scribe.Emitter) (*packit.Layer, error) {
	logger.Process("Providing gunicorn")
	_, havePython := os.LookupEnv(plan.CPythonIdentityEnv)
	var probe *Probe
	appGunicorn := ""
	if packages, ok := os.LookupEnv(plan.PackagesEnv); ok {
		appGunicorn = PackageVersion(packages, "gunicorn")
	} else if havePython {
		p, err := installer.Probe()
		if err != nil {
			return nil, err
		}
		probe, appGunicorn = &p, p.Gunicorn
	}
	if appGunicorn != "" {
		logger.Subprocess("Using gunicorn %s from the app's dependencies", appGunicorn)
		return nil, nil
	}

	layer, err := context.Layers.Get(GunicornLayer)
	if err != nil {
		return nil, fmt.Errorf("opening the %s layer: %w", GunicornLayer, err)
	}
	var cached GunicornLayerMetadata
	if err := layermeta.Decode(layer.Metadata, &cached); err != nil {
		return nil, err
	}
	metadata := GunicornLayerMetadata{Gunicorn: GunicornVersion, Python: cached.Python, Format: LayerFormat}
	if havePython && probe == nil {
		p, err := installer.Probe()
		if err != nil {
			return nil, err
		}
		probe = &p
	}
	if probe != nil {
		metadata.Python = probe.Python
	}
	// Without Python at build, the cpython layer was kept for launch only,
	// which it is only when CPython and this buildpack's build key did not
	// change: the python part of the key is unchanged.
	changes, err := layermeta.Changes(layer.Metadata, metadata)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		logger.Subprocess("The app's dependencies do not provide gunicorn")
		logger.Subprocess("Reusing layer %s for launch only (gunicorn %s)", layer.Path, GunicornVersion)
		layer.Launch, layer.Build, layer.Cache = true, false, false
		return &layer, nil
	}
	if probe == nil {
		return nil, &errs.UserError{
			Title:  "gunicorn must be installed (" + strings.Join(changes, "; ") + "), but the cpython buildpack kept CPython for launch only",
			Detail: "the cpython buildpack decided from this buildpack's build key that nothing would need Python in this build, which is a bug in this buildpack",
			Remedy: "report it with this log; to build now, add gunicorn to requirements.txt, or remove the app image so the next build starts afresh",
		}
	}

	logger.Subprocess("Installing gunicorn %s: the app's dependencies do not provide it (rebuilding layer: %s)",
		GunicornVersion, strings.Join(changes, "; "))
	layer, err = layer.Reset()
	if err != nil {
		return nil, fmt.Errorf("resetting the %s layer: %w", GunicornLayer, err)
	}
	layer.Launch, layer.Build, layer.Cache = true, false, false
	target := filepath.Join(layer.Path, "site-packages")
	duration, err := clock.Measure(func() error { return installer.Install(probe.BasePython, GunicornVersion, target) })
	if err != nil {
		return nil, err
	}
	if output, err := installer.Compile(probe.BasePython, target); err != nil {
		bytecode.Warn(logger, err, output)
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()

	layer.LaunchEnv.Append("PYTHONPATH", target, string(os.PathListSeparator))
	layer.Metadata, err = layermeta.Encode(metadata)
	if err != nil {
		return nil, err
	}
	logger.EnvironmentVariables(layer)
	return &layer, nil
}

// PackageVersion returns the version of the distribution name in packages
// (plan.PackagesEnv's space-separated name==version), or "".
func PackageVersion(packages, name string) string {
	for _, field := range strings.Fields(packages) {
		if n, version, ok := strings.Cut(field, "=="); ok && n == name {
			return version
		}
	}
	return ""
}

func logGunicornSettings(appDir string, logger scribe.Emitter) {
	settings := fmt.Sprintf("%s, %s=true (%s, %s)", launchenv.TimeoutEnv, launchenv.MultiWorkersEnv, launchenv.WorkersEnv, launchenv.ThreadsEnv)
	if isRegular(filepath.Join(appDir, launchenv.ConfigFile)) {
		logger.Subprocess("Found %s: gunicorn reads it, and exec.d adds to %s only what is set when the container starts:",
			launchenv.ConfigFile, launchenv.CmdArgsEnv)
		logger.Action("%s, and a %s of your own", settings, launchenv.CmdArgsEnv)
		return
	}
	logger.Subprocess("exec.d sets %s=\"--bind 0.0.0.0:$PORT --access-logfile - --error-logfile - --timeout %d\"",
		launchenv.CmdArgsEnv, launchenv.DefaultTimeout)
	logger.Action("changed by %s when the container starts; a %s of your own is appended and wins", settings, launchenv.CmdArgsEnv)
}
