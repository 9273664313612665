package cpython

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/settings"
)

// Request is one place that asks for a CPython version.
type Request struct {
	// Source names where the request came from: a setting, a file, or a
	// buildpack that required CPython.
	Source string
	// Constraint is what was asked for.
	Constraint Constraint
}

// ReadRequests returns every version request the app makes, highest
// precedence first: BP_CPYTHON_VERSION (or Oryx's PYTHON_VERSION),
// runtime.txt, .python-version, requires-python in pyproject.toml, then
// versions required by other buildpacks through the build plan. A request
// that cannot be read fails with a message naming its source.
func ReadRequests(workingDir string, entries []packit.BuildpackPlanEntry) ([]Request, error) {
	var requests []Request
	add := func(source, text string, remedy string) error {
		c, err := ParseConstraint(text)
		if err != nil {
			return &errs.UserError{
				Title:  fmt.Sprintf("%s asks for Python %q, which is not a version", source, text),
				Detail: err.Error(),
				Remedy: remedy,
				Err:    err,
			}
		}
		requests = append(requests, Request{Source: source, Constraint: c})
		return nil
	}

	if value, name := settings.First(VersionEnv, OryxVersionEnv); value != "" {
		if err := add(name, value, fmt.Sprintf("set %s to a version such as 3.13 or 3.13.1, or unset it", name)); err != nil {
			return nil, err
		}
	}

	readers := []func(string) (string, error){readRuntimeTxt, readPythonVersion, readRequiresPython}
	sources := []string{RuntimeTxt, PythonVersion, PyprojectToml + " requires-python"}
	remedies := []string{
		"write runtime.txt as python-3.13 (or python-3.13.1)",
		"write .python-version as 3.13 (or 3.13.1)",
		`write requires-python as a PEP 440 specifier, such as ">=3.11"`,
	}
	for i, read := range readers {
		text, err := read(workingDir)
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		if err := add(sources[i], text, remedies[i]); err != nil {
			return nil, err
		}
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
			return nil, err
		}
	}
	return requests, nil
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
			Detail: fmt.Sprintf("runtime.txt contains: %q", errs.Tail(content, 3)),
			Remedy: "write runtime.txt as python-<major>.<minor> (for example python-3.13) or python-<major>.<minor>.<patch>, or delete it",
		}
	}
	return m[1], nil
}

var pythonVersionPattern = regexp.MustCompile(`^(?:c?python-?)?([0-9]+(?:\.[0-9]+){0,2})$`)

// readPythonVersion reads pyenv's .python-version: the first line that is
// not blank or a comment, such as "3.12" or "3.12.4".
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
		m := pythonVersionPattern.FindStringSubmatch(line)
		if m == nil {
			return "", &errs.UserError{
				Title:  fmt.Sprintf(".python-version asks for %q, which is not a CPython version", line),
				Remedy: "write a CPython version such as 3.13 or 3.13.1 in .python-version (this buildpack provides CPython only), or delete the file",
			}
		}
		return m[1], nil
	}
	return "", nil
}

// readRequiresPython reads requires-python from pyproject.toml's [project].
func readRequiresPython(dir string) (string, error) {
	content, ok, err := readOptional(dir, PyprojectToml)
	if err != nil || !ok {
		return "", err
	}
	var pyproject struct {
		Project struct {
			RequiresPython string `toml:"requires-python"`
		} `toml:"project"`
	}
	if _, err := toml.Decode(content, &pyproject); err != nil {
		return "", &errs.UserError{
			Title:  "pyproject.toml is not valid TOML",
			Detail: err.Error(),
			Remedy: "fix the syntax error in pyproject.toml",
			Err:    err,
		}
	}
	return strings.TrimSpace(pyproject.Project.RequiresPython), nil
}

func readOptional(dir, name string) (string, bool, error) {
	content, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading %s: %w", name, err)
	}
	return string(content), true, nil
}
