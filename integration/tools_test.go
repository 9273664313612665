package integration_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// libsh runs a function of scripts/lib.sh and returns what it printed.
func libsh(function string) (string, error) {
	cmd := exec.Command("bash", "-c", `. scripts/lib.sh && `+function)
	cmd.Dir = suite.root
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", &toolError{function: function, out: stderr.String(), err: err}
	}
	return strings.TrimSpace(out.String()), nil
}

type toolError struct {
	function, out string
	err           error
}

func (e *toolError) Error() string {
	return e.function + ": " + e.err.Error() + "\n" + e.out
}

// The package managers' own tools, installed once on the host into
// .tools/pytools (scripts/lib.sh's ensure_pytools), make the lock files at
// test time: lock files name package-registry hosts, so none is committed.
var pytools struct {
	sync.Once
	err error
}

// pytool returns the path of uv, poetry or pipenv, installing them first.
func pytool(t *testing.T, name string) string {
	t.Helper()
	pytools.Do(func() { _, pytools.err = libsh("ensure_pytools") })
	if pytools.err != nil {
		t.Fatalf("installing the package managers on the host: %v", pytools.err)
	}
	return filepath.Join(suite.root, ".tools", "pytools", "bin", name)
}

// inDir runs a command in dir and fails the test, showing its output, when
// it fails.
func inDir(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s in %s: %v\n%s", strings.Join(args, " "), dir, err, out.String())
	}
	return out.String()
}

// indexURL is the package index the host's pip uses (scripts/lib.sh's
// index_url). Tests write it into the files that name an index (a Pipfile's
// [[source]], Poetry's sources), so that no file in the repository names one.
func indexURL(t *testing.T) string {
	t.Helper()
	url, err := libsh("index_url")
	if err != nil {
		t.Fatalf("asking pip for its index: %v", err)
	}
	return url
}

// poetryFromPyPI makes the Poetry project in dir, locked with its
// [[tool.poetry.source]] (Poetry cannot lock here from PyPI, whose JSON API
// the machine's package proxy does not serve per version), a project that
// installs from PyPI, as most Poetry projects do: the source goes from
// pyproject.toml and from poetry.lock's packages, and Poetry itself writes
// the lock's content hash anew.
func poetryFromPyPI(t *testing.T, dir string) {
	t.Helper()
	pyproject := readFile(t, dir, "pyproject.toml")
	start := strings.Index(pyproject, "\n[[tool.poetry.source]]")
	if start < 0 {
		t.Fatal("pyproject.toml has no [[tool.poetry.source]]")
	}
	if err := writeFile(filepath.Join(dir, "pyproject.toml"), pyproject[:start+1]); err != nil {
		t.Fatal(err)
	}
	// the index's sources only: a local package's stays
	lock := regexp.MustCompile(`\n\[package\.source\]\ntype = "legacy"\n(?:[^\n\[]+\n)+`).ReplaceAllString(readFile(t, dir, "poetry.lock"), "\n")
	python := filepath.Join(filepath.Dir(pytool(t, "poetry")), "python")
	hash := strings.TrimSpace(inDir(t, dir, nil, python, "-c",
		"from pathlib import Path; from poetry.factory import Factory; print(Factory().create_poetry(Path('.')).locker._get_content_hash())"))
	lock = regexp.MustCompile(`(?m)^content-hash = ".*"$`).ReplaceAllString(lock, fmt.Sprintf("content-hash = %q", hash))
	if err := writeFile(filepath.Join(dir, "poetry.lock"), lock); err != nil {
		t.Fatal(err)
	}
}
