package integration_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The package managers' own tools, installed once on the host with the
// host's pip into .tools/pytools, to generate lock files at test time (lock
// files name package-registry hosts, so none is committed). Their versions
// are the ones the buildpack installs.
var pytoolsOnce struct {
	sync.Once
	dir string
	err error
}

// pytool returns the path of uv, poetry or pipenv, installing them first.
func pytool(t *testing.T, name string) string {
	t.Helper()
	pytoolsOnce.Do(func() {
		dir := filepath.Join(suite.root, ".tools", "pytools")
		marker := filepath.Join(dir, "installed-uv-0.13.9-poetry-2.5.1-pipenv-2026.10.3")
		if _, err := os.Stat(marker); err == nil {
			pytoolsOnce.dir = dir
			return
		}
		os.RemoveAll(dir)
		for _, args := range [][]string{
			{"python3", "-m", "venv", dir},
			{filepath.Join(dir, "bin", "pip"), "install", "--quiet", "uv==0.13.9", "poetry==2.5.1", "pipenv==2026.10.3"},
		} {
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				pytoolsOnce.err = &toolError{args: args, out: string(out), err: err}
				return
			}
		}
		pytoolsOnce.err = os.WriteFile(marker, nil, 0o644)
		pytoolsOnce.dir = dir
	})
	if pytoolsOnce.err != nil {
		t.Fatalf("installing the package managers on the host: %v", pytoolsOnce.err)
	}
	return filepath.Join(pytoolsOnce.dir, "bin", name)
}

type toolError struct {
	args []string
	out  string
	err  error
}

func (e *toolError) Error() string {
	return strings.Join(e.args, " ") + ": " + e.err.Error() + "\n" + e.out
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

// indexURL is the package index the host's pip uses: PIP_INDEX_URL, else
// pip's configured index-url, else pip's default. Tests write it into the
// files that name an index (a Pipfile's [[source]], Poetry's sources), so
// that no file in the repository names one.
func indexURL(t *testing.T) string {
	t.Helper()
	if url := os.Getenv("PIP_INDEX_URL"); url != "" {
		return url
	}
	if out, err := exec.Command("python3", "-m", "pip", "config", "get", "global.index-url").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
		return strings.TrimSpace(string(out))
	}
	out, err := exec.Command("python3", "-c", "from pip._internal.models.index import PyPI; print(PyPI.simple_url)").Output()
	if err != nil {
		t.Fatalf("asking pip for its index: %v", err)
	}
	return strings.TrimSpace(string(out))
}
