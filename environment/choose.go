package environment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/requirements"
)

// The package managers, by the names BP_PYTHON_PACKAGE_MANAGER takes.
const (
	Pip    = "pip"
	UV     = "uv"
	Poetry = "poetry"
	Pipenv = "pipenv"
)

// ManagerEnv forces a package manager, whatever files the app has.
const ManagerEnv = "BP_PYTHON_PACKAGE_MANAGER"

// Managers are the values ManagerEnv takes.
var Managers = []string{Pip, UV, Poetry, Pipenv}

// Choice is the package manager an app gets, and why.
type Choice struct {
	// Manager is one of Managers, or "" when the app has nothing to install.
	Manager string
	// Because names the file or setting that decided.
	Because string
	// Ignored are files of other managers that the app also has.
	Ignored []string
}

// signal is a file (or setting) that selects a manager.
type signal struct {
	manager string
	name    string
	present func(p project) bool
}

// pyprojectSignal names a pyproject.toml project pip installs.
const pyprojectSignal = "pyproject.toml"

// signals are Oryx's precedence, made explicit: the first present wins.
var signals = []signal{
	{Pip, requirements.CustomPathEnv, func(p project) bool { return strings.TrimSpace(os.Getenv(requirements.CustomPathEnv)) != "" }},
	{Pip, requirements.DefaultFile, func(p project) bool { return p.isFile(requirements.DefaultFile) }},
	{Pip, "setup.py", func(p project) bool { return p.isFile("setup.py") }},
	{UV, "uv.lock", func(p project) bool { return p.pyproject != nil && p.isFile("uv.lock") }},
	{Poetry, "poetry.lock", func(p project) bool { return p.isFile("poetry.lock") }},
	{Poetry, "[tool.poetry] in pyproject.toml", func(p project) bool { return p.table("tool", "poetry") }},
	{Pipenv, "Pipfile.lock", func(p project) bool { return p.isFile("Pipfile.lock") }},
	{Pipenv, "Pipfile", func(p project) bool { return p.isFile("Pipfile") }},
	{Pip, pyprojectSignal, func(p project) bool { return p.invalid || p.table("project") || p.table("build-system") }},
}

// Choose decides which package manager installs the app's dependencies:
// ManagerEnv when it is set, else the manager of the first file present in
// this order: CUSTOM_REQUIREMENTSTXT_PATH or requirements.txt (pip),
// setup.py (pip), uv.lock with a pyproject.toml (uv), poetry.lock or
// [tool.poetry] (Poetry), Pipfile.lock or Pipfile (Pipenv), a pyproject.toml
// with [project] or [build-system] (pip). Files of other managers that are
// present too are listed in Ignored, for the log to warn about.
func Choose(appDir string) (Choice, error) {
	p, err := readProject(appDir)
	if err != nil {
		return Choice{}, err
	}
	var present []signal
	for _, s := range signals {
		if s.present(p) {
			present = append(present, s)
		}
	}
	var choice Choice
	if forced := strings.TrimSpace(os.Getenv(ManagerEnv)); forced != "" {
		if !known(forced) {
			return Choice{}, errs.New(fmt.Sprintf("%s=%q is not a package manager this buildpack provides", ManagerEnv, forced),
				fmt.Sprintf("set %s to one of %s, or unset it to choose by the app's files", ManagerEnv, strings.Join(Managers, ", ")))
		}
		choice = Choice{Manager: forced, Because: ManagerEnv + "=" + forced}
	} else if len(present) > 0 {
		choice = Choice{Manager: present[0].manager, Because: present[0].name}
	}
	for _, s := range present {
		if s.manager == choice.Manager || s.name == requirements.CustomPathEnv {
			continue
		}
		if s.name == pyprojectSignal && (choice.Manager == UV || choice.Manager == Poetry) {
			continue // uv and Poetry read pyproject.toml themselves
		}
		choice.Ignored = append(choice.Ignored, s.name)
	}
	return choice, nil
}

func known(name string) bool {
	for _, m := range Managers {
		if m == name {
			return true
		}
	}
	return false
}

// Warning is the log line for files of other managers, or "".
func (c Choice) Warning() string {
	if len(c.Ignored) == 0 {
		return ""
	}
	return fmt.Sprintf("Warning: the app also has %s, which this build ignores: %s installs the dependencies (from %s). Set %s to choose another manager, or remove the files it should not read.",
		strings.Join(c.Ignored, ", "), c.Manager, c.Because, ManagerEnv)
}

// project is what Choose reads of the app.
type project struct {
	dir       string
	pyproject map[string]interface{}
	// invalid: pyproject.toml is there but not valid TOML; pip is chosen so
	// that its build reports the syntax error.
	invalid bool
}

func readProject(dir string) (project, error) {
	p := project{dir: dir}
	content, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	if os.IsNotExist(err) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("reading pyproject.toml: %w", err)
	}
	if _, err := toml.Decode(string(content), &p.pyproject); err != nil {
		p.invalid = true
		p.pyproject = map[string]interface{}{}
	}
	return p, nil
}

func (p project) isFile(name string) bool {
	info, err := os.Stat(filepath.Join(p.dir, name))
	return err == nil && info.Mode().IsRegular()
}

// table tells whether pyproject.toml has the table at path.
func (p project) table(path ...string) bool {
	var node interface{} = p.pyproject
	for _, key := range path {
		m, ok := node.(map[string]interface{})
		if !ok {
			return false
		}
		if node, ok = m[key]; !ok {
			return false
		}
	}
	_, ok := node.(map[string]interface{})
	return ok
}
