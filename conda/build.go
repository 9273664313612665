package conda

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/python-cnb/buildpack/internal/layermeta"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/python-cnb/buildpack/internal/wheeldep"
	"github.com/python-cnb/buildpack/requirements"
)

// RattlerFetcher delivers the unpacked py-rattler wheel into a layer and
// says where it came from. wheeldep.Fetcher is the real one.
type RattlerFetcher interface {
	Fetch(dep postal.Dependency, cnbPath, layerPath, platformPath string, out io.Writer) (string, error)
}

// EnvCreator solves and installs a conda environment. Driver is the real one.
type EnvCreator interface {
	Create(rattlerDir string, request Request, out io.Writer) error
	PythonMinor() (string, error)
}

// PipRunner runs pip against an environment; PipProgram is the real one.
type PipRunner interface {
	Pip(prefix, dir string, args, env []string, out io.Writer) error
}

// EnvFormat changes whenever the way the conda environment is laid out
// changes, so that layers made the old way are rebuilt.
const EnvFormat = "2"

// RattlerMetadata is the rattler layer's reuse key.
type RattlerMetadata struct {
	Checksum string `toml:"checksum"`
}

// Build creates the conda environment layer from the environment file (or
// the notebook default), then installs the environment file's pip: list and
// requirements.txt into it with one pip run.
func Build(fetcher RattlerFetcher, creator EnvCreator, pipRunner PipRunner, compiler bytecode.Compiling, clock chronos.Clock, logger scribe.Emitter) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		appDir := context.WorkingDir

		in, err := readInputs(appDir, context.Platform.Path, creator, logger)
		if err != nil {
			return packit.BuildResult{}, err
		}
		arch := settings.TargetArch()
		platform, err := condaPlatform(arch)
		if err != nil {
			return packit.BuildResult{}, err
		}
		dep, err := wheeldep.Load(filepath.Join(context.CNBPath, "buildpack.toml"), DependencyID, arch)
		if err != nil {
			return packit.BuildResult{}, err
		}

		var set inputs.Set
		in.addTo(&set, appDir)
		set.Value(DependencyID, dep.Version+" "+dep.Checksum)
		set.Value("platform", platform)
		wanted, err := set.KeyOf(EnvFormat)
		if err != nil {
			return packit.BuildResult{}, err
		}
		env, err := context.Layers.Get(EnvLayer)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", EnvLayer, err)
		}
		rattler, err := context.Layers.Get(RattlerLayer)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", RattlerLayer, err)
		}
		pkgs, err := context.Layers.Get(PkgsLayer)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", PkgsLayer, err)
		}
		rattlerChanges, err := layermeta.Changes(rattler.Metadata, RattlerMetadata{Checksum: dep.Checksum})
		if err != nil {
			return packit.BuildResult{}, err
		}

		changes, err := inputs.Changes(env.Metadata, wanted)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if len(changes) == 0 {
			logger.Process("Reusing cached layer %s", env.Path)
			logger.Subprocess("Every input of the environment is unchanged: the solver and pip did not run")
			logger.Break()
		} else {
			if rattlerChanges, err = installRattler(fetcher, dep, context, &rattler, rattlerChanges, clock, logger); err != nil {
				return packit.BuildResult{}, err
			}
			logger.Process("Creating the conda environment (rebuilding layer: %s)", strings.Join(changes, "; "))
			if env, err = env.Reset(); err != nil {
				return packit.BuildResult{}, fmt.Errorf("resetting the %s layer: %w", EnvLayer, err)
			}
			request := Request{
				Channels: urls(in.channels), Specs: in.env.Specs, Prefix: env.Path,
				CacheDir: pkgs.Path, ChannelAlias: in.alias, Platform: platform,
			}
			if err := create(creator, pipRunner, rattler.Path, request, in, appDir, clock, logger); err != nil {
				return packit.BuildResult{}, err
			}
			compileEnv(compiler, env.Path, clock, logger)
			env.SharedEnv.Override(PrefixEnv, env.Path)
			logger.EnvironmentVariables(env)
			if env.Metadata, err = layermeta.Encode(wanted); err != nil {
				return packit.BuildResult{}, err
			}
		}
		env.Launch, env.Build, env.Cache = true, true, true
		if err := sbom.Layer(context, &env, logger); err != nil {
			return packit.BuildResult{}, err
		}
		layers := []packit.Layer{env}

		// py-rattler is only this buildpack's tool: kept in the cache for the
		// next rebuild, never seen by later buildpacks or the app.
		if len(rattlerChanges) == 0 {
			rattler.Launch, rattler.Build, rattler.Cache = false, false, true
			layers = append(layers, rattler)
		}
		if !appscan.IsEmptyDir(pkgs.Path) {
			pkgs.Launch, pkgs.Build, pkgs.Cache = false, false, true
			layers = append(layers, pkgs)
		}
		return packit.BuildResult{Layers: layers}, nil
	}
}

// appInputs is everything read from the app and the settings.
type appInputs struct {
	env          EnvFile
	requirements requirements.Set
	pipList      requirements.Set
	pipSettings  requirements.PipSettings
	alias        string
	channels     []Channel
}

// addTo adds to set what the environment is made from: the environment
// file (or the default notebook environment), its pip: list and the
// requirements file with what they include and the local packages they
// name, the pip settings and the files they name, and the channels (a
// digest: their URLs may hold credentials).
func (in appInputs) addTo(set *inputs.Set, appDir string) {
	if in.env.Path != "" {
		set.File(in.env.Path, filepath.Join(appDir, in.env.Path))
	} else {
		set.Content("the default notebook environment", strings.Join(in.env.Specs, "\n"))
	}
	in.requirements.AddTo(set)
	in.pipList.AddTo(set)
	in.pipSettings.AddTo(set)
	set.Content("the conda channels", strings.Join(urls(in.channels), "\n"))
}

func readInputs(appDir, platformDir string, creator EnvCreator, logger scribe.Emitter) (appInputs, error) {
	var in appInputs
	path, err := FindEnvFile(appDir)
	if err != nil {
		return in, err
	}
	if path != "" {
		if in.env, err = ReadEnvFile(appDir, path); err != nil {
			return in, err
		}
		logger.Process("Reading %s", path)
		for _, other := range EnvFiles {
			if ok, _ := appscan.Exists(appDir, other); ok && other != path {
				logger.Subprocess("Warning: %s is ignored: %s takes precedence", other, path)
			}
		}
		if len(in.env.Ignored) > 0 {
			logger.Subprocess("Not used by this buildpack: %s", strings.Join(in.env.Ignored, ", "))
		}
	} else {
		logger.Process("No environment.yml: creating the default environment for Jupyter notebooks")
		python := ""
		requests, err := cpython.ReadRequests(appDir, nil)
		if err != nil {
			return in, err
		}
		if len(requests.List) > 0 {
			if python, err = creator.PythonMinor(); err != nil {
				return in, err
			}
			logger.Subprocess("python=%s, the version %s asks for", python, requests.List[0].Source)
		}
		in.env = NotebookEnv(python)
	}

	rel, err := requirements.Locate(appDir)
	if err != nil {
		return in, err
	}
	if rel != "" {
		if in.requirements, err = requirements.Read(appDir, rel); err != nil {
			return in, err
		}
	}

	if len(in.env.Pip) > 0 {
		if in.pipList, err = requirements.ReadText(appDir, in.env.Path+" pip:", strings.Join(in.env.Pip, "\n")); err != nil {
			return in, err
		}
	}
	if in.pipSettings, err = requirements.ReadPipSettings(appDir, platformDir); err != nil {
		return in, err
	}
	if in.alias, err = ChannelAlias(); err != nil {
		return in, err
	}
	in.channels = ResolveChannels(in.env.Channels, in.alias)
	for _, c := range in.channels {
		if c.Name == c.URL {
			logger.Subprocess("Channel %s", errs.RedactURL(c.URL))
		} else {
			logger.Subprocess("Channel %s -> %s", c.Name, errs.RedactURL(c.URL))
		}
	}
	logger.Subprocess("Conda packages: %s", strings.Join(in.env.Specs, ", "))
	if len(in.env.Pip) > 0 {
		logger.Subprocess("pip requirements in %s: %s", in.env.Path, strings.Join(in.env.Pip, ", "))
	}
	if in.requirements.Path != "" {
		logger.Subprocess("pip requirements file: %s", in.requirements.Path)
	}
	logger.Break()
	return in, nil
}

// installRattler makes sure the rattler layer holds the wanted py-rattler
// and returns the layer's remaining changes (none once installed).
func installRattler(fetcher RattlerFetcher, dep postal.Dependency, context packit.BuildContext, layer *packit.Layer, changes []string, clock chronos.Clock, logger scribe.Emitter) ([]string, error) {
	if len(changes) == 0 {
		logger.Process("Reusing cached layer %s (%s %s)", layer.Path, DependencyID, dep.Version)
		logger.Break()
		return nil, nil
	}
	logger.Process("Installing %s %s (rebuilding layer: %s)", DependencyID, dep.Version, strings.Join(changes, "; "))
	reset, err := layer.Reset()
	if err != nil {
		return changes, fmt.Errorf("resetting the %s layer: %w", RattlerLayer, err)
	}
	*layer = reset
	var source string
	duration, err := clock.Measure(func() error {
		source, err = fetcher.Fetch(dep, context.CNBPath, layer.Path, context.Platform.Path, logger.ActionWriter)
		return err
	})
	if err != nil {
		return changes, err
	}
	logger.Subprocess("From %s", source)
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	if layer.Metadata, err = layermeta.Encode(RattlerMetadata{Checksum: dep.Checksum}); err != nil {
		return changes, err
	}
	return nil, nil
}

func create(creator EnvCreator, pipRunner PipRunner, rattlerDir string, request Request, in appInputs, appDir string, clock chronos.Clock, logger scribe.Emitter) error {
	duration, err := clock.Measure(func() error {
		logger.Subprocess("Solving and installing with %s", DependencyID)
		tail := errs.NewTailWriter(errs.TailBytes)
		if err := creator.Create(rattlerDir, request, io.MultiWriter(logger.ActionWriter, tail)); err != nil {
			return createError(err, in, tail.String())
		}
		return installPip(pipRunner, in, request.Prefix, appDir, logger)
	})
	if err != nil {
		return err
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	return nil
}

// compileEnv gives the environment's Python files bytecode that stays
// valid in the image (see internal/bytecode), converting what the packages
// shipped and compiling the rest. A failure only costs start-up time, so it
// is a warning.
func compileEnv(compiler bytecode.Compiling, prefix string, clock chronos.Clock, logger scribe.Emitter) {
	python := filepath.Join(prefix, "bin", "python")
	dirs, _ := filepath.Glob(filepath.Join(prefix, "lib", "python3.*"))
	if _, err := os.Stat(python); err != nil || len(dirs) == 0 {
		return
	}
	logger.Process("Compiling the environment's Python files to bytecode that stays valid in the image")
	duration, _ := clock.Measure(func() error {
		bytecode.Run(compiler, python, dirs, logger)
		return nil
	})
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
}

// installPip runs pip once in the environment for the environment file's
// pip: list and the requirements file, so that pip reports requirements
// that conflict between them.
func installPip(pipRunner PipRunner, in appInputs, prefix, appDir string, logger scribe.Emitter) error {
	if len(in.env.Pip) == 0 && in.requirements.Path == "" {
		return nil
	}
	what := describePip(in)
	if _, err := os.Stat(filepath.Join(prefix, "bin", "python")); err != nil {
		return errs.New(fmt.Sprintf("The conda environment has no Python, so pip cannot install %s into it", what),
			fmt.Sprintf("add python to the dependencies in %s", envName(in)))
	}
	args := []string{"install", "--prefer-binary", "--no-cache-dir"}
	if len(in.env.Pip) > 0 {
		// Written next to the environment file, as conda does, so that
		// relative paths in it (-r other.txt, -e .) mean the same.
		file, err := os.CreateTemp(appDir, ".conda-pip-requirements-*.txt")
		if err != nil {
			return fmt.Errorf("writing the pip requirements of %s: %w", in.env.Path, err)
		}
		defer os.Remove(file.Name())
		_, err = file.WriteString(strings.Join(in.env.Pip, "\n") + "\n")
		if closeErr := file.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			return fmt.Errorf("writing the pip requirements of %s: %w", in.env.Path, err)
		}
		args = append(args, "--requirement", filepath.Base(file.Name()))
	}
	if in.requirements.Path != "" {
		args = append(args, "--requirement", in.requirements.Path)
	}
	logger.Subprocess("Running 'pip %s' in the conda environment", strings.Join(args, " "))
	tail := errs.NewTailWriter(errs.TailBytes)
	if err := pipRunner.Pip(prefix, appDir, args, in.pipSettings.Env(), io.MultiWriter(logger.ActionWriter, tail)); err != nil {
		return &errs.UserError{
			Title:  fmt.Sprintf("pip could not install %s into the conda environment", what),
			Detail: fmt.Sprintf("%s\n(pip: %v)", environment.RootCause(tail.String()), err),
			Remedy: fmt.Sprintf("fix what pip reports above: requirements that conflict with each other or with the packages in %s, a name or version that does not exist on the index, or an index the build cannot reach (PIP_INDEX_URL)", envName(in)),
			Err:    err,
		}
	}
	return nil
}

func createError(err error, in appInputs, output string) error {
	var failure *DriverError
	if !errors.As(err, &failure) {
		return err
	}
	channels := strings.Join(redacted(in.channels), ", ")
	switch {
	case failure.Unsolvable:
		return &errs.UserError{
			Title:  fmt.Sprintf("The conda packages in %s cannot be installed from %s", envName(in), channels),
			Detail: failure.Explanation,
			Remedy: fmt.Sprintf("check the package names and versions in %s, or add the channel that has them under channels:", envName(in)),
			Err:    err,
		}
	case failure.Channel:
		return &errs.UserError{
			Title:  "Could not read the conda channels " + channels,
			Detail: failure.Explanation,
			Remedy: fmt.Sprintf("let the build reach the channels (pack build --network …, a proxy in HTTPS_PROXY), correct the channel names in %s, or set %s to a mirror", envName(in), ChannelAliasEnv),
			Err:    err,
		}
	}
	detail := failure.Explanation
	if detail == "" {
		detail = errs.Tail(output, 15)
	}
	return &errs.UserError{
		Title:  fmt.Sprintf("py-rattler could not create the conda environment from %s", envName(in)),
		Detail: detail,
		Remedy: fmt.Sprintf("fix what py-rattler reports above (an invalid package spec in %s, a broken package); if the message points at this buildpack, please report it", envName(in)),
		Err:    err,
	}
}

func describePip(in appInputs) string {
	var parts []string
	if len(in.env.Pip) > 0 {
		parts = append(parts, "the pip: list of "+in.env.Path)
	}
	if in.requirements.Path != "" {
		parts = append(parts, in.requirements.Path)
	}
	return strings.Join(parts, " and ")
}

func envName(in appInputs) string {
	if in.env.Path == "" {
		return "the default notebook environment"
	}
	return in.env.Path
}

// condaPlatform is the conda subdir for a CNB architecture.
func condaPlatform(arch string) (string, error) {
	switch arch {
	case "amd64":
		return "linux-64", nil
	case "arm64":
		return "linux-aarch64", nil
	}
	return "", errs.New(fmt.Sprintf("conda environments are not supported on the %s architecture", arch),
		"build on linux/amd64 or linux/arm64")
}

func urls(channels []Channel) []string {
	var out []string
	for _, c := range channels {
		out = append(out, c.URL)
	}
	return out
}

func redacted(channels []Channel) []string {
	var out []string
	for _, c := range channels {
		out = append(out, errs.RedactURL(c.URL))
	}
	return out
}
