// Command unpack-venv is the exec.d program of the environment
// sub-buildpacks (pip, uv, Poetry, Pipenv) for compressed virtual
// environments: at container start, when the environment
// at $VIRTUAL_ENV is absent, it unpacks the archive the build wrote into the
// app ($PYTHON_CNB_VENV_ARCHIVE) there, as Oryx's start script does.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/python-cnb/buildpack/environment/venvarchive"
)

func main() {
	os.Exit(run(os.Getenv("VIRTUAL_ENV"), os.Getenv("PYTHON_CNB_VENV_ARCHIVE"), os.Stderr))
}

func run(venv, archive string, stderr io.Writer) int {
	if venv == "" || archive == "" {
		return 0
	}
	if _, err := os.Stat(filepath.Join(venv, "pyvenv.cfg")); err == nil {
		return 0 // already there
	}
	if err := venvarchive.Extract(archive, venv); err != nil {
		fmt.Fprintf(stderr, "python-cnb: the virtual environment is absent and could not be unpacked: %s\n", err)
		return 1
	}
	return 0
}
