package environment

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
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/python-cnb/buildpack/internal/layermeta"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/sbom"
)

// Deps are the collaborators of Build.
type Deps struct {
	// Executor runs the steps' programs.
	Executor Executor
	// Compiler writes the environment's bytecode.
	Compiler bytecode.Compiling
	// Fetch delivers a wheel dependency of the sub-buildpack (for tools).
	Fetch func(cnbPath, platformPath, id, dir string, out io.Writer) error
	// Clock times the work.
	Clock chronos.Clock
}

// packagesField holds, in the layer's metadata next to the key, the
// distributions installed (name==version), which plan.PackagesEnv passes on.
const packagesField = "packages"

// Build makes the app's environment with m. The venv layer is for launch;
// for build when a later sub-buildpack uses it there; and cached, so that
// its files are restored for the next build, when anything uses it at build
// (this buildpack included: a step at every build, a compressed
// environment). Otherwise a reused layer is kept for launch only, and the
// lifecycle neither restores nor re-exports it.
func Build(m Manager, deps Deps, logger scribe.Emitter) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		choice, err := Choose(context.WorkingDir)
		if err != nil {
			return packit.BuildResult{}, err
		}
		app := App{Dir: context.WorkingDir, PlatformDir: context.Platform.Path, CNBPath: context.CNBPath, Choice: choice}
		logger.Process("Installing the dependencies with %s (from %s)", m.Name, choice.Because)
		if warning := choice.Warning(); warning != "" {
			logger.Subprocess("%s", warning)
		}
		recipe, err := m.Recipe(app)
		if err != nil {
			return packit.BuildResult{}, err
		}
		for _, note := range recipe.Notes {
			logger.Subprocess("%s", note)
		}
		opts, err := readOptions(app.Dir)
		if err != nil {
			return packit.BuildResult{}, err
		}
		logger.Break()

		venv, err := context.Layers.Get(VenvLayer)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", VenvLayer, err)
		}
		cache, err := context.Layers.Get(m.Name + "-cache")
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s-cache layer: %w", m.Name, err)
		}
		cache.Cache = true

		identity, havePython := os.LookupEnv(plan.CPythonIdentityEnv)
		if !havePython {
			// The cpython layer was kept for launch only, which it is only
			// when CPython and this buildpack's build key are unchanged.
			var cached inputs.Key
			if err := layermeta.Decode(venv.Metadata, &cached); err == nil {
				identity = cached.Inputs["value:CPython"]
			}
		}
		set := recipe.Inputs
		set.Value("CPython", identity)
		addTools(&set, recipe.Tools)
		if opts.venvName != "" {
			set.Value(VirtualenvNameEnv, opts.venvName)
		}
		wanted, err := set.KeyOf(Format)
		if err != nil {
			return packit.BuildResult{}, err
		}

		use := plan.BuildNeeds(context.Plan.Entries)
		needFiles := use.Any() || len(recipe.After) > 0 || opts.compress != ""
		// The manager's cache and its tools are kept for the next build only
		// when that build will run Python anyway (the app is installed by
		// copy, a step runs at every build): otherwise the lifecycle would
		// restore them into every build, including the ones that change
		// nothing and need neither.
		keep := everyBuild(recipe, opts)
		changes, err := inputs.Changes(venv.Metadata, wanted)
		if err != nil {
			return packit.BuildResult{}, err
		}
		present := fileExists(filepath.Join(venv.Path, "bin", "python"))
		if len(changes) == 0 && needFiles && !present {
			changes = []string{"the last build kept it for launch only, and " + filesReason(recipe, opts) + " needs its files at build"}
		}
		packages, _ := venv.Metadata[packagesField].([]interface{})
		var tools map[string]string
		var toolLayers []packit.Layer
		if len(changes) == 0 {
			if present {
				logger.Process("Reusing cached layer %s", venv.Path)
			} else {
				logger.Process("Reusing layer %s for launch only", venv.Path)
			}
			logger.Subprocess("Every input of the environment is unchanged: %s did not run", m.Name)
			logger.Break()
		} else {
			if !havePython {
				return packit.BuildResult{}, &errs.UserError{
					Title: "The virtual environment must be rebuilt (" + strings.Join(changes, "; ") + "), but the cpython buildpack kept CPython for launch only",
					Detail: "the cpython buildpack decided from this buildpack's build key that nothing would need Python in this build; " +
						"the key missed a change, which is a bug in this buildpack",
					Remedy: "report it with this log; to build now, remove the app image so the next build starts afresh",
				}
			}
			if tools, toolLayers, err = provideTools(context, recipe.Tools, deps, identity, keep, logger); err != nil {
				return packit.BuildResult{}, err
			}
			logger.Process("Creating the virtual environment (rebuilding layer: %s)", strings.Join(changes, "; "))
			venv, err = venv.Reset()
			if err != nil {
				return packit.BuildResult{}, fmt.Errorf("resetting the %s layer: %w", VenvLayer, err)
			}
			ctx := Context{Venv: venv.Path, App: app.Dir, Cache: cache.Path, Tools: tools}
			if err := create(recipe, ctx, opts, deps, logger); err != nil {
				return packit.BuildResult{}, err
			}
			venv.SharedEnv.Override("VIRTUAL_ENV", venv.Path)
			logger.EnvironmentVariables(venv)
			installed, err := Installed(venv.Path)
			if err != nil {
				return packit.BuildResult{}, err
			}
			packages = nil
			for _, p := range installed {
				packages = append(packages, p)
			}
		}
		if venv.Metadata, err = layermeta.Encode(wanted); err != nil {
			return packit.BuildResult{}, err
		}
		if packages == nil {
			packages = []interface{}{}
		}
		venv.Metadata[packagesField] = packages
		venv.Launch, venv.Build, venv.Cache = true, use.Any(), needFiles
		if err := sbom.Layer(context, &venv, logger); err != nil {
			return packit.BuildResult{}, err
		}
		layers := []packit.Layer{venv}

		info, err := packagesLayer(context.Layers, packages)
		if err != nil {
			return packit.BuildResult{}, err
		}
		layers = append(layers, info)

		unpack, err := compressed(context, opts, venv, logger)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if unpack != nil {
			layers[0].Launch = false // the image carries the archive instead
			layers = append(layers, *unpack)
		}
		if len(recipe.After) > 0 {
			if tools == nil {
				if tools, toolLayers, err = provideTools(context, recipe.Tools, deps, identity, keep, logger); err != nil {
					return packit.BuildResult{}, err
				}
			}
			ctx := Context{Venv: venv.Path, App: app.Dir, Cache: cache.Path, Tools: tools}
			if err := runTimed(recipe.After, ctx, deps, logger); err != nil {
				return packit.BuildResult{}, err
			}
		}
		if opts.venvName != "" {
			if err := linkVenv(app.Dir, opts.venvName, venv.Path); err != nil {
				return packit.BuildResult{}, err
			}
			logger.Process("Linked %s in the app to the virtual environment (%s)", opts.venvName, VirtualenvNameEnv)
			logger.Break()
		}
		if keep && !appscan.IsEmptyDir(cache.Path) {
			layers = append(layers, cache)
		}
		if keep && tools == nil {
			if toolLayers, err = keptTools(context.Layers, recipe.Tools); err != nil {
				return packit.BuildResult{}, err
			}
		}
		return packit.BuildResult{Layers: append(layers, toolLayers...)}, nil
	}
}

// everyBuild tells whether Python runs in (nearly) every build of the app
// with this recipe and options, so that CPython gets no build key.
func everyBuild(recipe Recipe, opts options) bool {
	return recipe.EveryBuild || len(recipe.After) > 0 || opts.compress != ""
}

// create makes the environment at ctx.Venv and runs the recipe's steps
// into it, then writes its bytecode.
func create(recipe Recipe, ctx Context, opts options, deps Deps, logger scribe.Emitter) error {
	duration, err := deps.Clock.Measure(func() error {
		venvStep := Step{
			Name: "creating the virtual environment",
			Command: func(c Context) Command {
				return Command{Args: []string{"python", "-I", "-m", "venv", "--without-pip", c.Venv}}
			},
		}
		litter, err := SnapshotLitter(ctx.App)
		if err != nil {
			return err
		}
		for _, step := range append([]Step{venvStep}, recipe.Steps...) {
			if err := run(step, ctx, deps, logger); err != nil {
				return err
			}
		}
		if err := RemoveLitter(ctx.App, litter, logger); err != nil {
			return err
		}
		if recipe.Lock != "" {
			if err := sbom.RecordLock(ctx.Venv, recipe.Lock); err != nil {
				return err
			}
		}
		compile(deps.Compiler, ctx.Venv, logger)
		if home := os.Getenv(plan.CPythonHomeEnv); home != "" {
			moved, err := relocate(ctx.Venv, home)
			if err != nil {
				return err
			}
			if moved {
				logger.Subprocess("Pointed the environment at the image's CPython (%s); this build ran a copy of it", home)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	return nil
}

// runTimed runs steps that are not part of making the environment, each
// under a heading of its own.
func runTimed(steps []Step, ctx Context, deps Deps, logger scribe.Emitter) error {
	for _, step := range steps {
		logger.Process("%s%s", strings.ToUpper(step.Name[:1]), step.Name[1:])
		duration, err := deps.Clock.Measure(func() error { return run(step, ctx, deps, logger) })
		if err != nil {
			return err
		}
		logger.Action("Completed in %s", duration.Round(time.Millisecond))
		logger.Break()
	}
	return nil
}

// compile writes the environment's bytecode (the managers install without
// compiling), unchecked-hash so that it stays valid in the image; see
// internal/bytecode. A failure only costs start-up time, so it is a warning.
func compile(compiler bytecode.Compiling, venvPath string, logger scribe.Emitter) {
	dirs, _ := filepath.Glob(filepath.Join(venvPath, "lib", "python3.*", "site-packages"))
	if len(dirs) == 0 {
		return
	}
	logger.Subprocess("Compiling the installed packages to bytecode that stays valid in the image")
	bytecode.Run(compiler, "python", dirs, logger)
}

// filesReason names what needs the environment's files at build.
func filesReason(recipe Recipe, opts options) string {
	switch {
	case len(recipe.After) > 0:
		return recipe.After[0].Name
	case opts.compress != "":
		return "compressing it"
	default:
		return "a later buildpack (collectstatic, a build hook)"
	}
}

// packagesLayer is a build-only layer setting plan.PackagesEnv, so that
// later sub-buildpacks know what the environment holds without its files.
func packagesLayer(layers packit.Layers, packages []interface{}) (packit.Layer, error) {
	layer, err := layers.Get(PackagesLayer)
	if err != nil {
		return packit.Layer{}, fmt.Errorf("opening the %s layer: %w", PackagesLayer, err)
	}
	if layer, err = layer.Reset(); err != nil {
		return packit.Layer{}, fmt.Errorf("resetting the %s layer: %w", PackagesLayer, err)
	}
	layer.Build = true
	names := make([]string, 0, len(packages))
	for _, p := range packages {
		names = append(names, fmt.Sprint(p))
	}
	layer.BuildEnv.Override(plan.PackagesEnv, strings.Join(names, " "))
	return layer, nil
}

// linkVenv makes <app>/<name> point at the environment, as Oryx's layout has
// the environment there (readOptions has vetted the name).
func linkVenv(appDir, name, venvPath string) error {
	link := filepath.Join(appDir, name)
	if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("replacing %s: %w", link, err)
	}
	return os.Symlink(venvPath, link)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
