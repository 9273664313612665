package collectstatic

import (
	"errors"
	"io"

	"github.com/paketo-buildpacks/packit/v2/pexec"
)

// Python runs the python first on PATH: at build, the virtual environment's
// (its bin comes before CPython's), so Django and the app's packages import.
// Runner is the real one.
type Python interface {
	// Run runs python with args in dir, writing its stdout and stderr to
	// out. A process that ran and exited non-zero gives an error for which
	// ExitedNonZero is true.
	Run(args []string, dir string, out io.Writer) error
}

// Executable runs a program; pexec.Executable is one.
type Executable interface {
	Execute(pexec.Execution) error
}

// Runner runs python through an Executable, with the build's environment.
type Runner struct {
	python Executable
}

// NewRunner returns a Runner for python.
func NewRunner(python Executable) Runner {
	return Runner{python: python}
}

// Run runs python with args in dir, both output streams going to out.
func (r Runner) Run(args []string, dir string, out io.Writer) error {
	return r.python.Execute(pexec.Execution{Args: args, Dir: dir, Stdout: out, Stderr: out})
}

// ExitedNonZero tells whether err says that the process ran and exited with
// a non-zero status, as opposed to one that could not be started.
func ExitedNonZero(err error) bool {
	var exit interface{ ExitCode() int }
	return errors.As(err, &exit)
}
