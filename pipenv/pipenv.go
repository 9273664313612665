// Package pipenv is the Pipenv sub-buildpack: it installs the packages a
// Pipfile.lock pins into the app's environment with `pipenv sync`, after
// checking that the lock matches the Pipfile as `pipenv install --deploy`
// does (see package environment, which makes and reuses the environment).
// Pipenv itself is a build-only tool, installed with the build's own pip.
package pipenv

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/requirements"
)

const (
	// Name is the tool's name.
	Name = "pipenv"
	// Version is the Pipenv this buildpack installs.
	Version = "2026.10.3"
	// Pipfile and LockFile are Pipenv's files.
	Pipfile  = "Pipfile"
	LockFile = "Pipfile.lock"
)

// pipenvSync runs Pipenv's CLI after checking Pipfile.lock against the
// Pipfile, accepting the hash older Pipenv wrote too (see pipenv_sync.py).
//
//go:embed pipenv_sync.py
var pipenvSync string

// locked is what Pipenv shares with the other lock-based managers. The
// Pipenv settings each run gets from the buildpack are not inputs, as they
// are overridden.
var locked = environment.Locked{
	Tool: "Pipenv", Manifest: "the Pipfile", LockFile: LockFile, LockCommand: "pipenv lock",
	Files:          []string{Pipfile, LockFile},
	SettingsPrefix: "PIPENV_",
	OwnSettings:    []string{"PIPENV_VERBOSITY", "PIPENV_NOSPIN", "PIPENV_YES", "PIPENV_CACHE_DIR", "PIPENV_PIPFILE", "PIPENV_IGNORE_VIRTUALENVS"},
	Stale:          []string{"out of date", "out-of-date"},
}

// Manager is Pipenv, as the environment mechanism uses it.
var Manager = environment.Manager{Name: environment.Pipenv, Recipe: Recipe}

// Detect passes when Pipenv installs the app's dependencies: a
// Pipfile.lock or a Pipfile (see environment.Choose).
func Detect() packit.DetectFunc {
	return environment.Detect(Manager)
}

// Recipe says how Pipenv makes the app's environment: `pipenv sync` with
// the environment as VIRTUAL_ENV, which installs the default packages of
// Pipfile.lock, after pipenv_sync.py refused a lock that no longer matches
// the Pipfile (as `pipenv install --deploy` does, but also accepting the
// Pipfile's hash as Pipenv computed it before it put package names in
// canonical form, so that locks older Pipenv wrote install). A Pipfile
// without a lock is refused: locking at build would make each build resolve
// anew. Its inputs are the Pipfile, the lock, the local
// packages the lock names, every PIPENV_ setting, and the pip settings
// (Pipenv installs with pip) with the files they name.
func Recipe(app environment.App) (environment.Recipe, error) {
	var r environment.Recipe
	if err := locked.Read(app, &r); err != nil {
		return r, err
	}
	lock, err := readLock(app.Dir)
	if err != nil {
		return r, err
	}
	pipSettings, err := requirements.ReadPipSettings(app.Dir, app.PlatformDir)
	if err != nil {
		return r, err
	}
	pipSettings.AddTo(&r.Inputs)
	if err := environment.LocalSources(app, &r.Inputs, LockFile, lock.localPaths()); err != nil {
		return r, err
	}
	if groups := environment.Groups(); len(groups) > 0 {
		r.Notes = append(r.Notes, environment.GroupsEnv+" is not used with Pipenv: it installs the default packages of "+LockFile)
	}
	// the tool's executable is the python of Pipenv's own environment, which
	// runs Pipenv with pipenvSync
	r.Tools = []environment.Tool{environment.PipTool(Name, Version, "python", pipSettings.Env())}
	args := []string{"sync"}
	r.Steps = []environment.Step{{
		Name: "installing the locked packages with Pipenv",
		Command: func(c environment.Context) environment.Command {
			env := append([]string{
				"VIRTUAL_ENV=" + c.Venv,
				"PIPENV_PIPFILE=" + filepath.Join(c.App, Pipfile),
				"PIPENV_VERBOSITY=-1",
				"PIPENV_NOSPIN=1",
				"PIPENV_YES=1",
				"PIPENV_CACHE_DIR=" + filepath.Join(c.Cache, "pipenv"),
				"PIP_CACHE_DIR=" + filepath.Join(c.Cache, "pip"),
				"PIP_NO_COMPILE=1",
			}, pipSettings.Env()...)
			// isolated (-I): the app's files, where it runs, are not importable
			return environment.Command{
				Args:    append([]string{c.Tools[Name], "-I", "-c", pipenvSync}, args...),
				Env:     env,
				Display: "pipenv " + strings.Join(args, " "),
			}
		},
		Failure: locked.Failure("Pipenv could not install the locked packages (pipenv sync)",
			"fix what Pipenv reports above: a package that does not build, or an index in the Pipfile's [[source]] the build cannot reach"),
	}}
	return r, nil
}

// lock is what Recipe reads of Pipfile.lock.
type lock struct {
	Default map[string]struct {
		Path string `json:"path"`
		File string `json:"file"`
	} `json:"default"`
}

func readLock(dir string) (lock, error) {
	var l lock
	content, err := os.ReadFile(filepath.Join(dir, LockFile))
	if err != nil {
		return l, fmt.Errorf("reading %s: %w", LockFile, err)
	}
	if err := json.Unmarshal(content, &l); err != nil {
		return l, &errs.UserError{
			Title:  "Pipfile.lock is not valid JSON",
			Detail: err.Error(),
			Remedy: "run `pipenv lock` to write it again, and commit it",
			Err:    err,
		}
	}
	return l, nil
}

// localPaths are the app's directories and files the lock installs from.
func (l lock) localPaths() []string {
	var paths []string
	for _, pkg := range l.Default {
		if pkg.Path != "" {
			paths = append(paths, pkg.Path)
		}
		if path, ok := strings.CutPrefix(pkg.File, "file://"); ok {
			paths = append(paths, path)
		}
	}
	return paths
}
