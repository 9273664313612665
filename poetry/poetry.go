// Package poetry is the Poetry sub-buildpack: it installs a Poetry
// project's locked dependencies (poetry.lock) into the app's environment
// with `poetry sync --only main` (see package environment, which makes and
// reuses the environment). Poetry itself is a build-only tool, installed
// with the build's own pip so that private indexes apply.
package poetry

import (
	_ "embed"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/environment"
)

const (
	// Name is the tool's name.
	Name = "poetry"
	// Version is the Poetry this buildpack installs.
	Version = "2.5.1"
	// LockFile is Poetry's lock file.
	LockFile = "poetry.lock"
	// ConfigFile is Poetry's configuration file in a project.
	ConfigFile = "poetry.toml"
)

// pypiSimple runs Poetry so that a locked version PyPI's JSON API does not
// answer for is taken from PyPI's simple index (see pypi_simple.py).
//
//go:embed pypi_simple.py
var pypiSimple string

// locked is what Poetry shares with the other lock-based managers. The
// Poetry settings each run gets from the buildpack are not inputs, as they
// are overridden.
var locked = environment.Locked{
	Tool: "Poetry", Manifest: "pyproject.toml", LockFile: LockFile, LockCommand: "poetry lock",
	Files:          []string{"pyproject.toml", LockFile, ConfigFile},
	SettingsPrefix: "POETRY_",
	OwnSettings:    []string{"POETRY_VIRTUALENVS_CREATE", "POETRY_CACHE_DIR", "POETRY_NO_INTERACTION"},
	Stale:          []string{"changed significantly since poetry.lock"},
}

// Manager is Poetry, as the environment mechanism uses it.
var Manager = environment.Manager{Name: environment.Poetry, Recipe: Recipe}

// Detect passes when Poetry installs the app's dependencies: a poetry.lock,
// or a pyproject.toml with [tool.poetry] (see environment.Choose).
func Detect() packit.DetectFunc {
	return environment.Detect(Manager)
}

// Recipe says how Poetry makes the app's environment: `poetry sync --only
// main` (plus the groups BP_PYTHON_INSTALL_GROUPS names) with the
// environment as VIRTUAL_ENV, so that exactly the locked runtime
// dependencies are installed and the lock must match pyproject.toml. A
// project in package mode is installed too, as Poetry does, editable: it
// points at the app's directory, so changes to the app's code need no new
// environment. Its inputs are pyproject.toml, poetry.lock, poetry.toml, the
// local packages the lock names, every POETRY_ setting and the groups.
func Recipe(app environment.App) (environment.Recipe, error) {
	var r environment.Recipe
	if err := locked.Read(app, &r); err != nil {
		return r, err
	}
	var project pyproject
	if err := environment.DecodeTOML(app, "pyproject.toml", &project, "fix pyproject.toml (poetry check reports the same)"); err != nil {
		return r, err
	}
	var lock lock
	if err := environment.DecodeTOML(app, LockFile, &lock, "run `poetry lock` to write it again, and commit it"); err != nil {
		return r, err
	}
	if err := environment.LocalSources(app, &r.Inputs, LockFile, lock.localPaths()); err != nil {
		return r, err
	}
	args, err := project.syncArgs(environment.Groups())
	if err != nil {
		return r, err
	}
	if groups := environment.Groups(); len(groups) > 0 {
		r.Inputs.Value(environment.GroupsEnv, strings.Join(groups, ","))
	}
	if !project.packageMode() {
		r.Notes = append(r.Notes, "package-mode = false: Poetry installs the dependencies only, not the project")
	}
	// the tool's executable is the python of Poetry's own environment,
	// which runs Poetry with pypiSimple
	r.Tools = []environment.Tool{environment.PipTool(Name, Version, "python", nil)}
	r.Steps = []environment.Step{{
		Name: "installing the locked dependencies with Poetry",
		Command: func(c environment.Context) environment.Command {
			// isolated (-I): the app's files, where it runs, are not importable
			return environment.Command{
				Args: append([]string{c.Tools[Name], "-I", "-c", pypiSimple}, args...),
				Env: []string{
					"VIRTUAL_ENV=" + c.Venv,
					"POETRY_VIRTUALENVS_CREATE=false",
					"POETRY_CACHE_DIR=" + filepath.Join(c.Cache, "poetry"),
					"POETRY_NO_INTERACTION=1",
				},
				Display: "poetry " + strings.Join(args, " "),
			}
		},
		Failure: locked.Failure("Poetry could not install the locked dependencies (poetry sync)",
			"fix what Poetry reports above: a package that does not build, or a source in pyproject.toml the build cannot reach"),
	}}
	return r, nil
}

// pyproject is what Recipe reads of pyproject.toml.
type pyproject struct {
	Project struct {
		OptionalDependencies map[string]interface{} `toml:"optional-dependencies"`
	} `toml:"project"`
	DependencyGroups map[string]interface{} `toml:"dependency-groups"`
	Tool             struct {
		Poetry struct {
			PackageMode *bool                  `toml:"package-mode"`
			Group       map[string]interface{} `toml:"group"`
			Extras      map[string]interface{} `toml:"extras"`
		} `toml:"poetry"`
	} `toml:"tool"`
}

func (p pyproject) packageMode() bool {
	return p.Tool.Poetry.PackageMode == nil || *p.Tool.Poetry.PackageMode
}

// syncArgs are poetry sync's arguments: the main group, the groups asked
// for, and the extras asked for.
func (p pyproject) syncArgs(names []string) ([]string, error) {
	only := []string{"main"}
	var extras []string
	for _, name := range names {
		_, group := p.Tool.Poetry.Group[name]
		_, pep735 := p.DependencyGroups[name]
		_, extra := p.Project.OptionalDependencies[name]
		_, poetryExtra := p.Tool.Poetry.Extras[name]
		switch {
		case group || pep735:
			only = append(only, name)
		case extra || poetryExtra:
			extras = append(extras, name)
		default:
			var available []string
			for _, m := range []map[string]interface{}{p.Tool.Poetry.Group, p.DependencyGroups, p.Project.OptionalDependencies, p.Tool.Poetry.Extras} {
				for name := range m {
					available = append(available, name)
				}
			}
			sort.Strings(available)
			return nil, environment.UnknownGroup(name, "pyproject.toml", available)
		}
	}
	args := []string{"sync", "--only", strings.Join(only, ",")}
	for _, extra := range extras {
		args = append(args, "--extras", extra)
	}
	return append(args, "--no-ansi"), nil
}

// lock is what Recipe reads of poetry.lock: where each package comes from.
type lock struct {
	Package []struct {
		Source struct {
			Type string `toml:"type"`
			URL  string `toml:"url"`
		} `toml:"source"`
	} `toml:"package"`
}

// localPaths are the app's directories and files the lock installs from.
func (l lock) localPaths() []string {
	var paths []string
	for _, pkg := range l.Package {
		if pkg.Source.Type == "directory" || pkg.Source.Type == "file" {
			paths = append(paths, pkg.Source.URL)
		}
	}
	return paths
}
