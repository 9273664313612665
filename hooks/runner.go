package hooks

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// DefaultWaitDelay is how long a Runner waits, after the hook's process
// has exited, for processes it left in the background to stop writing to
// its output.
const DefaultWaitDelay = 5 * time.Second

// Runner runs a hook's program. ExecRunner is the real one.
type Runner interface {
	// Run runs args[0] (looked up on PATH unless it is a path) with the
	// rest of args, in dir, with the build's environment plus env, and
	// writes what it prints on stdout and stderr to out.
	Run(args []string, dir string, env []string, out io.Writer) error
}

// ExecRunner runs programs as child processes. Whatever a hook changes in
// its own environment (export, cd, activating something) ends with that
// process, so it cannot reach later buildpacks or the launch environment.
type ExecRunner struct {
	// WaitDelay bounds the wait for background processes that still hold
	// the output once the hook has exited; 0 means DefaultWaitDelay.
	WaitDelay time.Duration
}

// NewRunner returns the real Runner.
func NewRunner() ExecRunner { return ExecRunner{WaitDelay: DefaultWaitDelay} }

// Run runs the program with no standard input; stdout and stderr share
// out, so their lines keep their order. A non-zero exit is an
// *exec.ExitError. A hook that exits while processes it started in the
// background still hold its output does not hang the build: after
// WaitDelay the output is closed, and a line says so.
func (r ExecRunner) Run(args []string, dir string, env []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("no program to run")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.WaitDelay = r.WaitDelay
	if cmd.WaitDelay <= 0 {
		cmd.WaitDelay = DefaultWaitDelay
	}
	err := cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		fmt.Fprintf(out, "(it exited, but processes it left in the background still held its output after %s: what they print is not shown)\n", cmd.WaitDelay)
		return nil
	}
	return err
}
