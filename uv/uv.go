// Package uv is the uv sub-buildpack: it installs a uv project's locked
// dependencies (uv.lock) into the app's environment with `uv sync` (see
// package environment, which makes and reuses the environment). uv itself
// is a build-only tool (Tool), also used by the pip sub-buildpack for
// PYTHON_FAST_BUILD_ENABLED.
package uv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/python-cnb/buildpack/internal/wheeldep"
)

const (
	// Name is the tool's name and the key of its executable in
	// environment.Context.Tools.
	Name = "uv"
	// LockFile is uv's lock file.
	LockFile = "uv.lock"
	// ConfigFile is uv's own configuration file in a project.
	ConfigFile = "uv.toml"
)

// fileSettings are uv's settings that name files.
var fileSettings = []string{"UV_CONSTRAINT", "UV_OVERRIDE", "UV_BUILD_CONSTRAINT", "UV_CONFIG_FILE"}

// Manager is uv, as the environment mechanism uses it.
var Manager = environment.Manager{Name: environment.UV, Recipe: Recipe}

// Detect passes when uv installs the app's dependencies: a pyproject.toml
// with a uv.lock (see environment.Choose).
func Detect() packit.DetectFunc {
	return environment.Detect(Manager)
}

// Tool is uv as a build-only tool: the wheel dependency depID of the
// sub-buildpack at cnbPath, unpacked into the tool's layer.
func Tool(cnbPath, depID string) (environment.Tool, error) {
	dep, err := wheeldep.Load(filepath.Join(cnbPath, "buildpack.toml"), depID, settings.TargetArch())
	if err != nil {
		return environment.Tool{}, err
	}
	executable := func(dir string) string {
		return filepath.Join(dir, "uv-"+dep.Version+".data", "scripts", "uv")
	}
	return environment.Tool{
		Name:     Name,
		Version:  dep.Version,
		Checksum: dep.Checksum,
		Provide: func(dir string, deps environment.ToolDeps) (string, error) {
			if err := deps.Fetch(depID, dir); err != nil {
				return "", err
			}
			exe := executable(dir)
			if err := os.Chmod(exe, 0o755); err != nil {
				return "", fmt.Errorf("the %s wheel has no uv program: %w", dep.Version, err)
			}
			return exe, nil
		},
		Executable: executable,
	}, nil
}

// Env is what every uv command runs with: the build's CPython and never a
// download of its own, the cache layer, and copies rather than links out
// of the cache (which is another layer).
func Env(c environment.Context) []string {
	python, err := exec.LookPath("python")
	if err != nil {
		python = "python"
	}
	return []string{
		"UV_PYTHON=" + python,
		"UV_PYTHON_DOWNLOADS=never",
		"UV_NO_MANAGED_PYTHON=1",
		"UV_CACHE_DIR=" + filepath.Join(c.Cache, "uv"),
		"UV_LINK_MODE=copy",
		"UV_NO_PROGRESS=1",
	}
}

// locked is what uv shares with the other lock-based managers. The uv
// settings Env sets are not inputs, as they are overridden.
var locked = environment.Locked{
	Tool: "uv", Manifest: "pyproject.toml", LockFile: LockFile, LockCommand: "uv lock",
	Files:          []string{"pyproject.toml", LockFile, ConfigFile},
	SettingsPrefix: "UV_",
	OwnSettings:    []string{"UV_PYTHON", "UV_PYTHON_DOWNLOADS", "UV_NO_MANAGED_PYTHON", "UV_CACHE_DIR", "UV_LINK_MODE", "UV_NO_PROGRESS", "UV_PROJECT_ENVIRONMENT"},
	Stale:          []string{"needs to be updated"},
}

// Recipe says how uv makes the app's environment: `uv sync --locked
// --no-default-groups --no-editable` into it, so that exactly the locked
// runtime dependencies are installed, the lock must match pyproject.toml,
// and the project itself, when it is a package, is copied in (not linked to
// the app's directory). Its inputs are pyproject.toml, uv.lock, uv.toml,
// the local packages the lock names, the files uv's settings name, every
// UV_ setting, the groups asked for, and the app's files when the project
// is a package.
func Recipe(app environment.App) (environment.Recipe, error) {
	var r environment.Recipe
	if err := locked.Read(app, &r); err != nil {
		return r, err
	}
	var project pyproject
	if err := environment.DecodeTOML(app, "pyproject.toml", &project, "fix pyproject.toml (uv lock reports the same)"); err != nil {
		return r, err
	}
	var lock lock
	if err := environment.DecodeTOML(app, LockFile, &lock, "run `uv lock` to write it again, and commit it"); err != nil {
		return r, err
	}
	if err := environment.FileSettings(app, &r.Inputs, fileSettings...); err != nil {
		return r, err
	}
	if err := environment.LocalSources(app, &r.Inputs, LockFile, lock.localPaths()); err != nil {
		return r, err
	}
	args := []string{"sync", "--locked", "--no-default-groups", "--no-editable"}
	if project.isPackage() {
		r.Inputs.Tree("the app's files", app.Dir, "dist", "build", ".venv")
		r.EveryBuild = true
	} else {
		args = append(args, "--no-install-project")
	}
	groups, err := project.groupArgs(environment.Groups())
	if err != nil {
		return r, err
	}
	if len(groups) > 0 {
		r.Inputs.Value(environment.GroupsEnv, strings.Join(environment.Groups(), ","))
		args = append(args, groups...)
	}
	tool, err := Tool(app.CNBPath, Name)
	if err != nil {
		return r, err
	}
	r.Tools = []environment.Tool{tool}
	r.Steps = []environment.Step{{
		Name: "installing the locked dependencies with uv",
		Command: func(c environment.Context) environment.Command {
			return environment.Command{
				Args:    append([]string{c.Tools[Name]}, args...),
				Env:     append(Env(c), "UV_PROJECT_ENVIRONMENT="+c.Venv),
				Display: "uv " + strings.Join(args, " "),
			}
		},
		Failure: locked.Failure("uv could not install the locked dependencies (uv sync)",
			"fix what uv reports above: a package that does not build, an index the build cannot reach (UV_INDEX_URL, UV_EXTRA_INDEX_URL), or a lock made for other platforms"),
	}}
	return r, nil
}

// pyproject is what Recipe reads of pyproject.toml.
type pyproject struct {
	BuildSystem map[string]interface{} `toml:"build-system"`
	Project     struct {
		OptionalDependencies map[string]interface{} `toml:"optional-dependencies"`
	} `toml:"project"`
	DependencyGroups map[string]interface{} `toml:"dependency-groups"`
	Tool             struct {
		UV struct {
			Package *bool `toml:"package"`
		} `toml:"uv"`
	} `toml:"tool"`
}

// isPackage tells whether uv installs the project itself: [tool.uv]
// package, else whether it has a [build-system].
func (p pyproject) isPackage() bool {
	if p.Tool.UV.Package != nil {
		return *p.Tool.UV.Package
	}
	return p.BuildSystem != nil
}

// groupArgs turns the names asked for into --group and --extra arguments.
func (p pyproject) groupArgs(names []string) ([]string, error) {
	var args []string
	for _, name := range names {
		_, group := p.DependencyGroups[name]
		_, extra := p.Project.OptionalDependencies[name]
		switch {
		case group:
			args = append(args, "--group", name)
		case extra:
			args = append(args, "--extra", name)
		default:
			var available []string
			for g := range p.DependencyGroups {
				available = append(available, g)
			}
			for e := range p.Project.OptionalDependencies {
				available = append(available, e)
			}
			return nil, environment.UnknownGroup(name, "pyproject.toml", available)
		}
	}
	return args, nil
}

// lock is what Recipe reads of uv.lock: where each package comes from.
type lock struct {
	Package []struct {
		Source map[string]interface{} `toml:"source"`
	} `toml:"package"`
}

// localPaths are the app's directories and files the lock installs from.
func (l lock) localPaths() []string {
	var paths []string
	for _, pkg := range l.Package {
		for _, kind := range []string{"directory", "editable", "path"} {
			if path, ok := pkg.Source[kind].(string); ok {
				paths = append(paths, path)
			}
		}
	}
	return paths
}
