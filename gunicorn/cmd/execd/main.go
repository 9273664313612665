// Command execd is the gunicorn sub-buildpack's exec.d program (CNB
// Buildpack API, "exec.d"): the launcher runs it in the app's directory
// before the process starts, with the container's environment, and sets the
// `NAME = "value"` lines it prints on file descriptor 3. It sets PORT when
// unset and, for the web process the build started with gunicorn,
// GUNICORN_CMD_ARGS (see gunicorn/launchenv). A setting with a bad value
// makes it exit 1 with a message naming the setting; the launcher then
// refuses to start the process.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"syscall"

	"github.com/python-cnb/buildpack/gunicorn/launchenv"
	"github.com/python-cnb/buildpack/internal/cpuquota"
)

// writable tells whether this process may create files in dir: access(2)
// answers for the running user and says no on a read-only mount.
func writable(dir string) bool {
	info, err := os.Stat(dir)
	return err == nil && info.IsDir() && syscall.Access(dir, 2 /* W_OK */) == nil
}

func main() {
	os.Exit(run("/", os.NewFile(3, "fd 3"), os.Stderr))
}

// run computes the launch environment, with CPUs counted from the cgroups
// found below root, and writes it to out. It returns the exit code.
func run(root string, out, stderr io.Writer) int {
	cpus := func() (int, error) { return cpuquota.Count(root, runtime.NumCPU()) }
	vars, err := launchenv.Compute(".", cpus, writable, stderr)
	if err == nil {
		err = launchenv.WriteTOML(out, vars)
	}
	if err != nil {
		fmt.Fprintf(stderr, "python-cnb: %s\n", err)
		return 1
	}
	return 0
}
