package gunicorn

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
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

// ServerInstaller provides the servers the processes run. PipInstaller is
// the real one.
type ServerInstaller interface {
	// Probe reports the python on PATH and what its environment holds.
	Probe(appDir string) (Probe, error)
	// Install installs requirements with python (Probe's BasePython) into
	// targetDir, a directory that goes on PYTHONPATH, in versions that fit
	// the app's packages (name==version), and leaves out what the app has.
	Install(python, appDir string, requirements, packages []string, targetDir string) error
	// Compile writes targetDir's bytecode with python (see
	// internal/bytecode); a failure, with compileall's output, costs only
	// start-up time.
	Compile(python, targetDir string) (output string, err error)
}

// ModuleChecker compiles the app's modules, never running them.
// PythonChecker is the real one.
type ModuleChecker interface {
	Check(appDir string, files []string) ([]SyntaxError, error)
}

// Probe is what the python on PATH reports.
type Probe struct {
	// Python is its sys.version on one line: part of the servers layer's
	// reuse key.
	Python string
	// BasePython is the interpreter outside any virtual environment, whose
	// pip installs the servers.
	BasePython string
	// Packages are the distributions its environment holds, name==version,
	// names normalized.
	Packages []string
}

// ServersLayerMetadata is the servers layer's reuse key.
type ServersLayerMetadata struct {
	// Servers are the requirements installed, space-separated.
	Servers string `toml:"servers"`
	Python  string `toml:"python"`
	// AppPackages identifies the app's packages, which the servers'
	// dependencies are resolved against (a digest: the list is long).
	AppPackages string `toml:"app-packages"`
	// Format is how this buildpack lays the layer out (LayerFormat).
	Format string `toml:"format"`
}

// LayerFormat changes whenever the way the servers layer is laid out
// changes, so that layers made the old way are rebuilt; it is part of the
// build key, so it also makes the start modules be checked again.
const LayerFormat = "3"

// Build is BuildWith the real collaborators, as build/phases.go wires it.
func Build(logger scribe.Emitter) packit.BuildFunc {
	executable := func(name string) Executable { return pexec.NewExecutable(name) }
	return BuildWith(NewPipInstaller(executable), NewPythonChecker(executable), chronos.DefaultClock, logger)
}

// BuildWith decides the start command (see ChooseStart) and writes the
// launch processes. When Python is there at build, it compiles the modules
// the processes import first, and fails on a syntax error. The servers the
// processes run come from the app's dependencies, or else are installed,
// pinned, into the servers layer (launch), reused while they, python and
// the app's packages stay the same. Whenever there is a process, the start
// layer (launch) carries the exec.d program, which sets PORT and, for
// processes that run gunicorn, GUNICORN_CMD_ARGS when the container starts.
func BuildWith(installer ServerInstaller, checker ModuleChecker, clock chronos.Clock, logger scribe.Emitter) packit.BuildFunc {
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

		_, havePython := os.LookupEnv(plan.CPythonIdentityEnv)
		if havePython && len(start.Modules) > 0 {
			if err := checkModules(checker, context.WorkingDir, start.Modules, clock, logger); err != nil {
				return packit.BuildResult{}, err
			}
		}

		app := appPackages{}
		if packages, ok := os.LookupEnv(plan.PackagesEnv); ok {
			app = appPackages{list: strings.Fields(packages), known: true}
		}
		var layers []packit.Layer
		if len(start.Servers) > 0 {
			logger.Process("Providing the servers the processes run: %s", strings.Join(start.Servers, ", "))
			// python is asked only when the installer did not list the
			// app's packages, or something must be installed
			var probe *Probe
			if havePython && (!app.known || len(missingServers(start, app)) > 0) {
				p, err := installer.Probe(context.WorkingDir)
				if err != nil {
					return packit.BuildResult{}, err
				}
				probe = &p
				if !app.known {
					app = appPackages{list: p.Packages, known: true}
				}
			}
			layer, err := provideServers(context, start, app, probe, installer, clock, logger)
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

		env := newProcessEnv(start, app)
		layer, err := startLayer(context.Layers, execd, start, env, context.WorkingDir, logger)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if err := sbom.Layer(context, &layer, logger); err != nil {
			return packit.BuildResult{}, err
		}
		layers = append(layers, layer)

		logger.LaunchDirectProcesses(start.Processes, env.processes())
		return packit.BuildResult{
			Layers: layers,
			Launch: packit.LaunchMetadata{DirectProcesses: start.Processes},
		}, nil
	}
}

// appPackages is what the app's environment holds, as name==version.
type appPackages struct {
	list []string
	// known is false when neither the installer (plan.PackagesEnv) nor
	// python said.
	known bool
}

func (a appPackages) version(name string) string {
	return PackageVersion(strings.Join(a.list, " "), name)
}

// checkModules compiles the app's modules the processes import first; a
// syntax error fails the build, as the process would fail at start.
func checkModules(checker ModuleChecker, appDir string, modules []string, clock chronos.Clock, logger scribe.Emitter) error {
	logger.Process("Compiling %s, which the processes import first", strings.Join(modules, ", "))
	var found []SyntaxError
	duration, err := clock.Measure(func() error {
		var err error
		found, err = checker.Check(appDir, modules)
		return err
	})
	if err != nil {
		return err
	}
	if len(found) == 0 {
		logger.Action("Completed in %s", duration.Round(time.Millisecond))
		logger.Break()
		return nil
	}
	e := found[0]
	detail := e.Text
	if e.Text != "" && e.Offset > 0 {
		detail += "\n" + strings.Repeat(" ", min(e.Offset-1, len(e.Text))) + "^"
	}
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s, line %d", e.File, e.Line)
	}
	return &errs.UserError{
		Title:  fmt.Sprintf("%s: %s: %s", where, e.Type, e.Msg),
		Detail: detail,
		Remedy: fmt.Sprintf("correct %s: the app's process imports it when the container starts, and would exit; "+
			"it was compiled, not run, with the app's Python", e.File),
	}
}

// provideServers returns the servers layer, or nil when the app's
// dependencies provide every server the processes run. What the app's
// environment holds comes from the installer (plan.PackagesEnv) when it
// ran, else from asking the python on PATH (probe, nil when Python is not
// there at build). The layer is for launch only and is reused whenever its
// metadata matches, without its files.
func provideServers(context packit.BuildContext, start Start, app appPackages, probe *Probe,
	installer ServerInstaller, clock chronos.Clock, logger scribe.Emitter) (*packit.Layer, error) {
	layer, err := context.Layers.Get(ServersLayer)
	if err != nil {
		return nil, fmt.Errorf("opening the %s layer: %w", ServersLayer, err)
	}
	var cached ServersLayerMetadata
	if err := layermeta.Decode(layer.Metadata, &cached); err != nil {
		return nil, err
	}
	metadata := ServersLayerMetadata{Python: cached.Python, AppPackages: cached.AppPackages, Format: LayerFormat}
	var missing []Server
	var requirements []string
	if app.known {
		metadata.AppPackages = plan.KeyOf("packages", app.list...)
		for _, name := range start.Servers {
			if version := app.version(name); version != "" {
				logger.Subprocess("Using %s %s from the app's dependencies", name, version)
			}
		}
		missing = missingServers(start, app)
		for _, server := range missing {
			requirement := server.RequirementWith(strings.Join(app.list, " "))
			if requirement != server.Requirement() {
				logger.Subprocess("Installing %s rather than %s, which needs newer versions of what the app's dependencies hold (%s)",
					requirement, server.Version, needs(server))
			}
			requirements = append(requirements, requirement)
		}
	} else {
		// Without Python at build, the cpython layer was kept for launch
		// only, which it is only when CPython and this buildpack's build
		// key did not change: the app's environment is the same, and so
		// are the servers it lacks.
		for _, requirement := range strings.Fields(cached.Servers) {
			name, _, _ := strings.Cut(requirement, "==")
			if server, ok := ServerNamed(name); ok && contains(start.Servers, name) {
				missing = append(missing, server)
				requirements = append(requirements, requirement)
			}
		}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	metadata.Servers = strings.Join(requirements, " ")
	if probe != nil {
		metadata.Python = probe.Python
	}
	changes, err := layermeta.Changes(layer.Metadata, metadata)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		logger.Subprocess("The app's dependencies do not provide %s", strings.Join(requirements, ", "))
		logger.Subprocess("Reusing layer %s for launch only", layer.Path)
		logger.Break()
		layer.Launch, layer.Build, layer.Cache = true, false, false
		return &layer, nil
	}
	if probe == nil {
		return nil, &errs.UserError{
			Title:  "The servers must be installed (" + strings.Join(changes, "; ") + "), but the cpython buildpack kept CPython for launch only",
			Detail: "the cpython buildpack decided from this buildpack's build key that nothing would need Python in this build, which is a bug in this buildpack",
			Remedy: "report it with this log; to build now, add " + strings.Join(start.Servers, " and ") +
				" to requirements.txt, or remove the app image so the next build starts afresh",
		}
	}

	logger.Subprocess("Installing %s: the app's dependencies do not provide them (rebuilding layer: %s)",
		strings.Join(requirements, ", "), strings.Join(changes, "; "))
	layer, err = layer.Reset()
	if err != nil {
		return nil, fmt.Errorf("resetting the %s layer: %w", ServersLayer, err)
	}
	layer.Launch, layer.Build, layer.Cache = true, false, false
	target := filepath.Join(layer.Path, "site-packages")
	duration, err := clock.Measure(func() error {
		return installer.Install(probe.BasePython, context.WorkingDir, requirements, app.list, target)
	})
	if err != nil {
		return nil, err
	}
	if err := writeCommands(filepath.Join(layer.Path, "bin"), missing); err != nil {
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

// needs lists what server.Version needs, for the log.
func needs(server Server) string {
	var list []string
	for name, floor := range server.Needs {
		list = append(list, name+" "+floor)
	}
	sort.Strings(list)
	return strings.Join(list, ", ")
}

// missingServers are the servers the processes run that the app's packages
// lack.
func missingServers(start Start, app appPackages) []Server {
	var missing []Server
	for _, name := range start.Servers {
		if server, ok := ServerNamed(name); ok && app.version(name) == "" {
			missing = append(missing, server)
		}
	}
	return missing
}

// writeCommands writes, for each server that provides a command, a script
// of that name running it with the python on PATH (the app's), which
// finds it on PYTHONPATH. pip's own scripts would run the interpreter pip
// ran with, outside the app's environment.
func writeCommands(dir string, servers []Server) error {
	for _, server := range servers {
		if server.Command == "" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("writing the %s command: %w", server.Command, err)
		}
		script := fmt.Sprintf("#!/bin/sh\n# %s, installed by the buildpack: the app's environment lacks it\nexec python -m %s \"$@\"\n",
			server.Requirement(), server.Module)
		if err := os.WriteFile(filepath.Join(dir, server.Command), []byte(script), 0o755); err != nil {
			return fmt.Errorf("writing the %s command: %w", server.Command, err)
		}
	}
	return nil
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

// StartLayerMetadata is the start layer's reuse key.
type StartLayerMetadata struct {
	// ExecD is the sha256 of the exec.d program.
	ExecD string `toml:"execd"`
	// Env is the processes' launch environment (see processEnv).
	Env string `toml:"env"`
}

// processEnv is the launch environment the start layer gives: each
// process that runs gunicorn is marked for exec.d's gunicorn settings
// (all of them for the web process the buildpack starts, those a
// read-only root and an arbitrary user need for the others), and, when
// the gunicorn they run has a control socket, all processes say so.
type processEnv struct {
	modes         map[string]string
	controlSocket bool
}

// controlSocketSince is the first gunicorn with a control socket.
const controlSocketSince = "25.1"

func newProcessEnv(start Start, app appPackages) processEnv {
	env := processEnv{modes: map[string]string{}}
	for _, processType := range start.Gunicorn {
		env.modes[processType] = launchenv.PlatformDefaults
	}
	if start.Served != nil {
		env.modes[WebProcess] = launchenv.AllDefaults
	}
	if len(env.modes) > 0 {
		version := app.version("gunicorn")
		if version == "" {
			server, _ := ServerNamed("gunicorn")
			version = server.Version
		}
		env.controlSocket = !releaseBefore(version, controlSocketSince)
	}
	return env
}

func (e processEnv) processes() map[string]packit.Environment {
	envs := map[string]packit.Environment{}
	for processType, mode := range e.modes {
		env := packit.Environment{}
		env.Default(launchenv.DefaultsEnv, mode)
		envs[processType] = env
	}
	return envs
}

// String is the environment in a stable form, for the layer's metadata.
func (e processEnv) String() string {
	var parts []string
	for _, processType := range slices.Sorted(maps.Keys(e.modes)) {
		parts = append(parts, processType+"="+e.modes[processType])
	}
	if e.controlSocket {
		parts = append(parts, "control-socket")
	}
	return strings.Join(parts, " ")
}

// startLayer returns the start layer (launch): the exec.d program and the
// processes' environment. It is kept for launch only, without writing it
// again, while its metadata matches.
func startLayer(layers packit.Layers, execd string, start Start, env processEnv, appDir string, logger scribe.Emitter) (packit.Layer, error) {
	layer, err := layers.Get(StartLayer)
	if err != nil {
		return layer, fmt.Errorf("opening the %s layer: %w", StartLayer, err)
	}
	sum, err := appscan.FileDigest(execd)
	if err != nil {
		return layer, fmt.Errorf("reading the exec.d program: %w", err)
	}
	metadata := StartLayerMetadata{ExecD: sum, Env: env.String()}
	changes, err := layermeta.Changes(layer.Metadata, metadata)
	if err != nil {
		return layer, err
	}

	logger.Process("Configuring the container start")
	logger.Subprocess("exec.d sets %s=%d when it is unset", launchenv.PortEnv, launchenv.DefaultPort)
	if start.Served != nil {
		logGunicornSettings(appDir, logger)
	}
	if len(env.modes) > 0 {
		logger.Subprocess("For gunicorn (%s), exec.d adds --worker-tmp-dir %s when that is writable, and places gunicorn's control socket there when $HOME is not,",
			strings.Join(slices.Sorted(maps.Keys(env.modes)), ", "), launchenv.SharedMemoryDir)
		logger.Action("so that the image serves on a read-only root and as an arbitrary user")
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
	for process, processEnv := range env.processes() {
		layer.ProcessLaunchEnv[process] = processEnv
	}
	if env.controlSocket {
		layer.LaunchEnv.Default(launchenv.ControlSocketEnv, "true")
	}
	layer.Metadata, err = layermeta.Encode(metadata)
	return layer, err
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
