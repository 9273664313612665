package pip

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/python-cnb/buildpack/requirements"
	"github.com/python-cnb/buildpack/uv"
)

// Manager is pip, as the environment mechanism uses it.
var Manager = environment.Manager{Name: environment.Pip, Recipe: Recipe}

// Recipe says how pip makes the app's environment, in Oryx's order: `pip
// install --prefer-binary -r <requirements file>`, then `pip install .` for a
// setup.py or pyproject project (the modern form of `setup.py install`), or
// the dependencies of a pyproject.toml whose [project] is not a package.
// Its inputs are the requirements files with everything they include and
// the local packages they name, the pip settings and the files those name,
// the pip binding, and the app's files when the app itself is installed.
func Recipe(app environment.App) (environment.Recipe, error) {
	var r environment.Recipe
	pipSettings, err := requirements.ReadPipSettings(app.Dir, app.PlatformDir)
	if err != nil {
		return r, err
	}
	pipSettings.AddTo(&r.Inputs)
	env := pipSettings.Env()
	venvName, err := environment.VenvName()
	if err != nil {
		return r, err
	}
	exclude := []string{"dist", "build"}
	if venvName != "" {
		exclude = append(exclude, venvName)
	}

	path, err := requirements.Locate(app.Dir)
	if err != nil {
		return r, err
	}
	project, err := readProject(app.Dir)
	if err != nil {
		return r, err
	}
	if path == "" && project.kind == noProject {
		return r, errs.New(fmt.Sprintf("There is nothing for pip to install (%s): no requirements.txt, setup.py or pyproject.toml with [project] or [build-system]", app.Choice.Because),
			"add a requirements.txt, set "+requirements.CustomPathEnv+" to your requirements file, or unset "+environment.ManagerEnv)
	}
	fast, err := settings.Bool(FastBuildEnv, false)
	if err != nil {
		return r, err
	}
	if path != "" {
		set, err := requirements.Read(app.Dir, path)
		if err != nil {
			return r, err
		}
		set.AddTo(&r.Inputs, exclude...)
		r.EveryBuild = r.EveryBuild || set.InstallsApp()
		install := pipStep("installing the requirements with pip", env, requirementsFailure(path),
			"install", "--prefer-binary", "--no-compile", "--requirement", path)
		if fast {
			tool, err := uv.Tool(app.CNBPath, UVDependency)
			if err != nil {
				return r, err
			}
			r.Tools = append(r.Tools, tool)
			r.Notes = append(r.Notes, FastBuildEnv+"=true: uv installs "+path+"; pip takes over if uv fails")
			fallback := install
			install = uvPipStep(path, env)
			install.Fallback = &fallback
		}
		r.Steps = append(r.Steps, install)
	}
	switch project.kind {
	case installable:
		// pip install . copies the project into the environment, so any
		// change to its files must rebuild it.
		r.Inputs.Tree("the app's files", app.Dir, exclude...)
		r.EveryBuild = true
		r.Steps = append(r.Steps, pipStep("installing the app itself with pip", env, projectFailure,
			"install", "--prefer-binary", "--no-compile", "."))
	case dependenciesOnly:
		set, err := requirements.ReadText(app.Dir, "pyproject.toml [project] dependencies", strings.Join(project.dependencies, "\n"))
		if err != nil {
			return r, err
		}
		set.AddTo(&r.Inputs, exclude...)
		r.Inputs.File("pyproject.toml", filepath.Join(app.Dir, "pyproject.toml"))
		r.EveryBuild = r.EveryBuild || set.InstallsApp()
		r.Notes = append(r.Notes, "pyproject.toml has [project] but no [build-system]: pip installs its dependencies, not the app itself "+
			"(as uv does for a project that is not a package); add a [build-system] table to have the app installed")
		if len(project.dependencies) > 0 {
			args := append([]string{"install", "--prefer-binary", "--no-compile"}, project.dependencies...)
			r.Steps = append(r.Steps, pipStep("installing the dependencies of pyproject.toml with pip", env,
				requirementsFailure("pyproject.toml's [project] dependencies"), args...))
		}
	}

	wheel, err := settings.Bool(PackageWheelEnv, false)
	if err != nil {
		return r, err
	}
	if wheel {
		if project.kind != installable {
			return r, errs.New(PackageWheelEnv+"=true, but the app is not a project pip can build a wheel of",
				"add a setup.py or a pyproject.toml with a [build-system] table, or unset "+PackageWheelEnv)
		}
		r.After = append(r.After, pipStep("building the project's wheel into dist/ ("+PackageWheelEnv+")", env,
			environment.Failure("Building the project's wheel (pip wheel .) failed",
				"fix the packaging error pip shows above, or unset "+PackageWheelEnv),
			"wheel", "--no-deps", "--wheel-dir", "dist", "."))
	}
	return r, nil
}

// pipStep runs the build's pip against the environment (see
// internal/buildpip) in the app's directory, so that relative
// paths in the requirements and settings resolve against the app while its
// files stay off pip's sys.path. pip's cache is the cache layer.
func pipStep(name string, env []string, failure func(string, error) error, args ...string) environment.Step {
	return environment.Step{
		Name: name,
		Command: func(c environment.Context) environment.Command {
			full := append([]string{args[0], "--cache-dir", c.Cache}, args[1:]...)
			return environment.Command{
				Args:    append(buildpip.Command(filepath.Join(c.Venv, "bin", "python")), full...),
				Env:     env,
				Display: "pip " + strings.Join(full, " "),
			}
		},
		Failure: failure,
	}
}

// uvPipStep installs the requirements file with `uv pip install`, as Oryx's
// PYTHON_FAST_BUILD_ENABLED does.
func uvPipStep(path string, env []string) environment.Step {
	return environment.Step{
		Name: "installing the requirements with uv",
		Command: func(c environment.Context) environment.Command {
			args := []string{"pip", "install", "--python", filepath.Join(c.Venv, "bin", "python"), "--requirement", path}
			return environment.Command{
				Args:    append([]string{c.Tools[uv.Name]}, args...),
				Env:     append(append([]string{}, env...), uv.Env(c)...),
				Display: "uv " + strings.Join(args, " "),
			}
		},
	}
}

func requirementsFailure(path string) func(string, error) error {
	return environment.Failure(fmt.Sprintf("pip could not install the requirements in %s", path),
		fmt.Sprintf("fix what pip reports above in %s: a name or version that does not exist on the index, a package that does not build, or an index the build cannot reach (PIP_INDEX_URL)", path))
}

var projectFailure = environment.Failure("pip could not install the app itself (pip install .)",
	"fix the error in setup.py or pyproject.toml that pip reports above")

// What a pyproject.toml (or setup.py) makes of the app.
const (
	noProject = iota
	// installable: setup.py, or a pyproject.toml with [build-system] (or
	// with [project.scripts], whose scripts only an install creates;
	// setuptools is PEP 517's default backend).
	installable
	// dependenciesOnly: a pyproject.toml with [project] and no
	// [build-system]: an app, not a package.
	dependenciesOnly
)

type project struct {
	kind         int
	dependencies []string
}

func readProject(dir string) (project, error) {
	if ok, err := fileExists(filepath.Join(dir, "setup.py")); err != nil || ok {
		return project{kind: installable}, err
	}
	content, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	if os.IsNotExist(err) {
		return project{}, nil
	}
	if err != nil {
		return project{}, fmt.Errorf("reading pyproject.toml: %w", err)
	}
	var pyproject struct {
		BuildSystem map[string]interface{} `toml:"build-system"`
		Project     *struct {
			Dependencies []string          `toml:"dependencies"`
			Scripts      map[string]string `toml:"scripts"`
		} `toml:"project"`
	}
	if _, err := toml.Decode(string(content), &pyproject); err != nil {
		return project{}, &errs.UserError{
			Title:  "pyproject.toml is not valid TOML",
			Detail: err.Error(),
			Remedy: "fix the syntax error in pyproject.toml",
			Err:    err,
		}
	}
	switch {
	case pyproject.BuildSystem != nil:
		return project{kind: installable}, nil
	case pyproject.Project != nil && len(pyproject.Project.Scripts) > 0:
		return project{kind: installable}, nil
	case pyproject.Project != nil:
		return project{kind: dependenciesOnly, dependencies: pyproject.Project.Dependencies}, nil
	}
	return project{}, nil
}

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if os.IsNotExist(err) {
		return false, nil
	}
	return false, fmt.Errorf("checking for %s: %w", filepath.Base(path), err)
}
