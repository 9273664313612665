// Command unpack-venv is the exec.d program of the environment
// sub-buildpacks (pip, uv, Poetry, Pipenv) for compressed virtual
// environments: at container start, when the environment
// at $VIRTUAL_ENV is absent, it unpacks the archive the build wrote into the
// app ($PYTHON_CNB_VENV_ARCHIVE) there, as Oryx's start script does.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

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
		fmt.Fprintf(stderr, "python-cnb: the virtual environment is absent and could not be unpacked into %s: %s%s\n", venv, why(err), err)
		fmt.Fprintf(stderr, "python-cnb: a compressed environment (COMPRESS_VIRTUALENV) is unpacked when the container starts, "+
			"which needs %s to be writable. To fix: unset COMPRESS_VIRTUALENV and BP_PIP_COMPRESS_VIRTUALENV and rebuild, "+
			"so that the environment is a layer of the image; or mount a writable volume there "+
			"(docker run --tmpfs %s:exec,mode=1777)\n", venv, venv)
		return 1
	}
	return 0
}

// why says in words why unpacking failed, when the platform is the cause.
func why(err error) string {
	switch {
	case errors.Is(err, syscall.EROFS):
		return "the root filesystem is read-only; "
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("user %d may not write there; ", os.Getuid())
	}
	return ""
}
