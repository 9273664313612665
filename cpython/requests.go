package cpython

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/python-cnb/buildpack/internal/textfile"
)

// Request is one place that asks for a CPython version.
type Request struct {
	// Source names where the request came from: a setting, a file, or a
	// buildpack that required CPython.
	Source string
	// Constraint is what was asked for.
	Constraint Constraint
}

// Requests are the version requests an app makes, highest precedence
// first, and warnings about sources that could not be read but did not
// matter.
type Requests struct {
	List     []Request
	Warnings []string
}

// source reads one place that may ask for a version: the text asked for
// ("" for none), or a UserError when it is there but wrong.
type source struct {
	name   string
	read   func(dir string) (string, error)
	remedy string
}

// fileSources are the version files, highest precedence first.
var fileSources = []source{
	{RuntimeTxt, readRuntimeTxt, "write runtime.txt as python-3.13 (or python-3.13.1)"},
	{PythonVersion, readPythonVersion, "write .python-version as 3.13 (or 3.13.1, or a specifier such as >=3.11)"},
	{PipfileSource, readPipfile, `write python_version = "3.13" under [requires] in the Pipfile`},
	{PyprojectToml + " requires-python", readRequiresPython, `write requires-python as a PEP 440 specifier, such as ">=3.11"`},
	{PoetryPythonSource, readPoetryPython, `write python under [tool.poetry.dependencies] as a Poetry constraint, such as "^3.11"`},
}

// ReadRequests returns every version request the app makes, highest
// precedence first: BP_CPYTHON_VERSION (or Oryx's PYTHON_VERSION),
// runtime.txt, .python-version, the Pipfile's [requires], requires-python
// in pyproject.toml, then versions required by other buildpacks through
// the build plan. A source that cannot be read fails the build with a
// message naming it, unless a source of higher precedence asks for a
// version: then it does not matter, and is a warning.
func ReadRequests(workingDir string, entries []packit.BuildpackPlanEntry) (Requests, error) {
	var requests Requests
	add := func(source, text string, remedy string) error {
		r, err := parseRequest(source, text, remedy)
		if err == nil {
			requests.List = append(requests.List, r)
		}
		return err
	}

	if value, name := settings.First(VersionEnv, OryxVersionEnv); value != "" {
		if err := add(name, value, settingRemedy(name)); err != nil {
			return requests, err
		}
	}
	for _, src := range fileSources {
		text, err := src.read(workingDir)
		if err == nil && text != "" {
			err = add(src.name, text, src.remedy)
		}
		if err == nil {
			continue
		}
		var user *errs.UserError
		if !errors.As(err, &user) || len(requests.List) == 0 {
			return requests, err
		}
		requests.Warnings = append(requests.Warnings, fmt.Sprintf("Warning: %s is ignored, as %s takes precedence: %s",
			src.name, requests.List[0].Source, user.Title))
	}

	for _, entry := range entries {
		if entry.Name != plan.CPython {
			continue
		}
		version, _ := entry.Metadata["version"].(string)
		if version == "" || version == "default" {
			continue
		}
		source, _ := entry.Metadata[plan.VersionSourceKey].(string)
		if source == "" {
			source = "another buildpack"
		}
		if err := add("build plan ("+source+")", version, "fix the version the buildpack that requires cpython asks for"); err != nil {
			return requests, err
		}
	}
	return requests, nil
}

// parseRequest reads the version text source asks for.
func parseRequest(source, text, remedy string) (Request, error) {
	c, err := ParseConstraint(text)
	if err != nil {
		return Request{}, &errs.UserError{
			Title:  fmt.Sprintf("%s asks for Python %s, which is not a version", source, textfile.Visible(text)),
			Detail: err.Error(),
			Remedy: remedy,
			Err:    err,
		}
	}
	return Request{Source: source, Constraint: c}, nil
}

func settingRemedy(name string) string {
	return fmt.Sprintf("set %s to a version such as 3.13 or 3.13.1, or unset it", name)
}

var runtimeTxtPattern = regexp.MustCompile(`^python-([0-9]+(?:\.[0-9]+){0,2})$`)

// readRuntimeTxt reads Oryx's runtime.txt: "python-3.11" or "python-3.11.4".
func readRuntimeTxt(dir string) (string, error) {
	content, ok, err := readOptional(dir, RuntimeTxt)
	if err != nil || !ok {
		return "", err
	}
	text := strings.TrimSpace(content)
	m := runtimeTxtPattern.FindStringSubmatch(text)
	if m == nil {
		return "", &errs.UserError{
			Title:  "runtime.txt is malformed: it must hold one line such as python-3.13",
			Detail: "runtime.txt contains: " + textfile.Visible(errs.Tail(text, 3)),
			Remedy: "write runtime.txt as python-<major>.<minor> (for example python-3.13) or python-<major>.<minor>.<patch>, or delete it",
		}
	}
	return m[1], nil
}

var (
	// pythonVersionPattern: 3.12, 3.12.4, cpython-3.12, python3.12, and
	// uv's cpython-3.12.4-linux-x86_64-gnu.
	pythonVersionPattern = regexp.MustCompile(`^(?:c?python-?)?([0-9]+(?:\.[0-9]+){0,2})(?:-[a-z0-9_-]+)?$`)
	// specifierStart: a PEP 440 specifier, as uv writes .python-version too.
	specifierStart = regexp.MustCompile(`^(~=|===|==|!=|<=|>=|<|>)`)
)

// readPythonVersion reads .python-version (pyenv's and uv's): the first
// line that is not blank or a comment, such as "3.12", "3.12.4" or ">=3.11".
func readPythonVersion(dir string) (string, error) {
	content, ok, err := readOptional(dir, PythonVersion)
	if err != nil || !ok {
		return "", err
	}
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if specifierStart.MatchString(line) {
			return line, nil
		}
		if m := pythonVersionPattern.FindStringSubmatch(line); m != nil {
			return m[1], nil
		}
		detail := "accepted: a CPython version such as 3.13 or 3.13.1 (cpython-3.13 too), or a PEP 440 specifier such as >=3.11; " +
			"a pyenv virtualenv name, \"system\" or another interpreter is not"
		if strings.HasPrefix(strings.ToLower(line), "pypy") {
			detail = "this buildpack provides CPython only, not PyPy; " + detail
		}
		return "", &errs.UserError{
			Title:  fmt.Sprintf(".python-version asks for %s, which is not a CPython version", textfile.Visible(line)),
			Detail: detail,
			Remedy: "write a CPython version such as 3.13 in .python-version (this buildpack provides CPython only), or delete the file",
		}
	}
	return "", nil
}

// readPipfile reads python_full_version, else python_version, from the
// Pipfile's [requires] table, else from Pipfile.lock's _meta.requires.
func readPipfile(dir string) (string, error) {
	content, ok, err := readOptional(dir, Pipfile)
	if err != nil {
		return "", err
	}
	if ok {
		var pipfile struct {
			Requires struct {
				PythonVersion     string `toml:"python_version"`
				PythonFullVersion string `toml:"python_full_version"`
			} `toml:"requires"`
		}
		if _, err := toml.Decode(content, &pipfile); err != nil {
			return "", &errs.UserError{
				Title:  "The Pipfile is not valid TOML",
				Detail: err.Error(),
				Remedy: "fix the syntax error in the Pipfile",
				Err:    err,
			}
		}
		return firstOf(pipfile.Requires.PythonFullVersion, pipfile.Requires.PythonVersion), nil
	}
	content, ok, err = readOptional(dir, PipfileLock)
	if err != nil || !ok {
		return "", err
	}
	var lock struct {
		Meta struct {
			Requires struct {
				PythonVersion     string `json:"python_version"`
				PythonFullVersion string `json:"python_full_version"`
			} `json:"requires"`
		} `json:"_meta"`
	}
	if err := json.Unmarshal([]byte(content), &lock); err != nil {
		return "", &errs.UserError{
			Title:  "Pipfile.lock is not valid JSON",
			Detail: err.Error(),
			Remedy: "run `pipenv lock` to write it again",
			Err:    err,
		}
	}
	return firstOf(lock.Meta.Requires.PythonFullVersion, lock.Meta.Requires.PythonVersion), nil
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// pyprojectVersions is what pyproject.toml says of the Python version.
type pyprojectVersions struct {
	Project struct {
		RequiresPython string `toml:"requires-python"`
	} `toml:"project"`
	Tool struct {
		Poetry struct {
			Dependencies struct {
				Python string `toml:"python"`
			} `toml:"dependencies"`
		} `toml:"poetry"`
	} `toml:"tool"`
}

// readPyproject reads pyproject.toml's version fields (none when there is
// no pyproject.toml).
func readPyproject(dir string) (pyprojectVersions, error) {
	var pyproject pyprojectVersions
	content, ok, err := readOptional(dir, PyprojectToml)
	if err != nil || !ok {
		return pyproject, err
	}
	if _, err := toml.Decode(content, &pyproject); err != nil {
		return pyproject, &errs.UserError{
			Title:  "pyproject.toml is not valid TOML",
			Detail: err.Error(),
			Remedy: "fix the syntax error in pyproject.toml",
			Err:    err,
		}
	}
	return pyproject, nil
}

// readRequiresPython reads requires-python from pyproject.toml's [project].
func readRequiresPython(dir string) (string, error) {
	pyproject, err := readPyproject(dir)
	return strings.TrimSpace(pyproject.Project.RequiresPython), err
}

// readPoetryPython reads the python constraint of Poetry's
// [tool.poetry.dependencies] ("^3.11"); "*" asks for no version. A
// pyproject.toml that is not TOML was reported by readRequiresPython,
// which comes first.
func readPoetryPython(dir string) (string, error) {
	pyproject, err := readPyproject(dir)
	if python := strings.TrimSpace(pyproject.Tool.Poetry.Dependencies.Python); err == nil && python != "*" {
		return python, nil
	}
	return "", nil
}

// readOptional reads a file of the app as text (a byte order mark, UTF-16
// included, is understood and dropped).
func readOptional(dir, name string) (string, bool, error) {
	content, err := textfile.Read(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading %s: %w", name, err)
	}
	return content, true, nil
}
