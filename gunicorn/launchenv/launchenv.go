// Package launchenv computes, when a container starts, the environment the
// web process runs with: a default PORT, and GUNICORN_CMD_ARGS composed from
// the PYTHON_GUNICORN_* settings. The exec.d program (execd/) runs it, so
// `docker run -e NAME=VALUE` changes these without a rebuild. It depends on
// nothing but the standard library and the shared settings helpers, to keep
// that program small.
package launchenv

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/settings"
)

const (
	// PortEnv is the port the web process listens on; DefaultPort is used
	// when it is unset (above 1024, so a non-root user may bind it).
	PortEnv     = "PORT"
	DefaultPort = 8000

	// CmdArgsEnv is read by gunicorn itself: command-line flags in one string.
	// A value the user sets is kept and put after ours, so theirs win.
	CmdArgsEnv = "GUNICORN_CMD_ARGS"

	// TimeoutEnv is gunicorn's worker timeout in seconds (0: none).
	TimeoutEnv     = "PYTHON_GUNICORN_TIMEOUT"
	DefaultTimeout = 120

	// MultiWorkersEnv turns on several workers (Oryx's setting): WorkersEnv of
	// them, else 2 × CPUs + 1, with ThreadsEnv threads each when set.
	MultiWorkersEnv = "PYTHON_ENABLE_GUNICORN_MULTIWORKERS"
	WorkersEnv      = "PYTHON_GUNICORN_CUSTOM_WORKER_NUM"
	ThreadsEnv      = "PYTHON_GUNICORN_CUSTOM_THREAD_NUM"

	// DefaultsEnv is set by the build on the processes that run gunicorn:
	// AllDefaults on the web process the buildpack starts with gunicorn,
	// which gets every setting here; PlatformDefaults on the user's
	// commands that run gunicorn, which get only what a read-only root and
	// an arbitrary user need (see platformArgs). Other processes get PORT
	// alone.
	DefaultsEnv      = "PYTHON_CNB_GUNICORN_DEFAULTS"
	AllDefaults      = "true"
	PlatformDefaults = "platform"

	// ControlSocketEnv is set by the build to "true" when the processes'
	// gunicorn has a control socket (gunicorn 25.1 and later), which it
	// makes in $HOME/.gunicorn unless told otherwise.
	ControlSocketEnv = "PYTHON_CNB_GUNICORN_CONTROL_SOCKET"

	// SharedMemoryDir is where gunicorn's workers keep their heartbeat
	// files, and its control socket when $HOME is not writable: a tmpfs
	// that Docker and Kubernetes mount writable, even on a read-only root.
	SharedMemoryDir = "/dev/shm"

	// ConfigFile is the configuration gunicorn reads from its working
	// directory. When the app has one, only the settings the user gave
	// explicitly are added, so the file's bind, timeout and logging hold.
	ConfigFile = "gunicorn.conf.py"
)

// CPUCounter reports how many CPUs the container may use.
type CPUCounter func() (int, error)

// Writable tells whether the process may create files in a directory.
type Writable func(dir string) bool

// Compute returns the variables to set for the process about to start.
// appDir is the app's root (the launcher runs exec.d programs there, so "."
// does). Notes for the container's log, such as a setting being ignored,
// are written to log. A setting with a bad value is an error naming it.
func Compute(appDir string, cpus CPUCounter, writable Writable, log io.Writer) (map[string]string, error) {
	vars := map[string]string{}

	port := DefaultPort
	if value, set := lookup(PortEnv); set {
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > 65535 {
			return nil, &errs.UserError{
				Title:  fmt.Sprintf("%s=%q is not a port number", PortEnv, value),
				Remedy: fmt.Sprintf("set %s to a number from 1 to 65535, or unset it (default %d)", PortEnv, DefaultPort),
			}
		}
		port = n
	} else {
		vars[PortEnv] = strconv.Itoa(DefaultPort)
	}

	mode := strings.TrimSpace(os.Getenv(DefaultsEnv))
	switch mode {
	case "", "false":
		return vars, nil
	case AllDefaults, PlatformDefaults:
	default:
		return nil, fmt.Errorf("%s=%q is neither %s nor %s", DefaultsEnv, mode, AllDefaults, PlatformDefaults)
	}
	user := strings.TrimSpace(os.Getenv(CmdArgsEnv))
	var args []string
	if mode == AllDefaults {
		var err error
		if args, err = defaults(appDir, port, user, cpus, log); err != nil {
			return nil, err
		}
	}
	args = append(args, platformArgs(appDir, user, writable)...)
	if user != "" {
		args = append(args, user)
	}
	if len(args) > 0 {
		vars[CmdArgsEnv] = strings.Join(args, " ")
	}
	return vars, nil
}

// platformArgs are the flags gunicorn needs on a read-only root or as a
// user without a writable home (an arbitrary uid, as OpenShift runs
// containers): worker heartbeat files in SharedMemoryDir rather than a
// temporary directory, which a read-only root lacks; and, for a gunicorn
// with a control socket, the socket there too when $HOME is not writable.
// Settings the app's gunicorn.conf.py or the user's GUNICORN_CMD_ARGS make
// are left alone.
func platformArgs(appDir, user string, writable Writable) []string {
	var args []string
	shm := writable(SharedMemoryDir)
	if shm && !configMentions(appDir, "worker_tmp_dir") && !hasFlag(user, "", "--worker-tmp-dir") {
		args = append(args, "--worker-tmp-dir", SharedMemoryDir)
	}
	socket, _ := settings.Bool(ControlSocketEnv, false)
	if !socket || configMentions(appDir, "control_socket") || hasFlag(user, "", "--control-socket") || hasFlag(user, "", "--no-control-socket") {
		return args
	}
	home := os.Getenv("HOME")
	if home != "" && (writable(filepath.Join(home, ".gunicorn")) || !exists(filepath.Join(home, ".gunicorn")) && writable(home)) {
		return args
	}
	if shm {
		return append(args, "--control-socket", filepath.Join(SharedMemoryDir, "gunicorn.ctl"))
	}
	return append(args, "--no-control-socket")
}

// configMentions tells whether the app's gunicorn.conf.py mentions a
// setting.
func configMentions(appDir, setting string) bool {
	content, err := os.ReadFile(filepath.Join(appDir, ConfigFile))
	return err == nil && strings.Contains(string(content), setting)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// defaults are the flags of the web process the buildpack starts with
// gunicorn: bind address, logs, timeout, workers and threads.
func defaults(appDir string, port int, user string, cpus CPUCounter, log io.Writer) ([]string, error) {
	multi, err := settings.Bool(MultiWorkersEnv, false)
	if err != nil {
		return nil, err
	}
	workers, workersSet, err := count(WorkersEnv, 1, "default: 2 × CPUs + 1")
	if err != nil {
		return nil, err
	}
	threads, threadsSet, err := count(ThreadsEnv, 1, "default: 1")
	if err != nil {
		return nil, err
	}
	timeout, timeoutSet, err := count(TimeoutEnv, 0, fmt.Sprintf("default %d; 0 means no timeout", DefaultTimeout))
	if err != nil {
		return nil, err
	}
	if !timeoutSet {
		timeout = DefaultTimeout
	}

	config := isFile(filepath.Join(appDir, ConfigFile)) || hasFlag(user, "-c", "--config")

	var args []string
	// gunicorn adds up repeated --bind flags instead of keeping the last one.
	if !config && !hasFlag(user, "-b", "--bind") {
		args = append(args, "--bind", fmt.Sprintf("0.0.0.0:%d", port))
	}
	if !config {
		args = append(args, "--access-logfile", "-", "--error-logfile", "-")
	}
	if !config || timeoutSet {
		args = append(args, "--timeout", strconv.Itoa(timeout))
	}
	if multi {
		if !workersSet {
			n, err := cpus()
			if err != nil {
				fmt.Fprintf(log, "python-cnb: counting CPUs from the cgroup limit failed, using %d: %s\n", n, err)
			}
			workers = 2*n + 1
			plural := "s"
			if n == 1 {
				plural = ""
			}
			fmt.Fprintf(log, "python-cnb: %s=true: %d gunicorn workers for %d CPU%s (set %s to choose)\n", MultiWorkersEnv, workers, n, plural, WorkersEnv)
		}
		args = append(args, "--workers", strconv.Itoa(workers))
		if threadsSet {
			args = append(args, "--threads", strconv.Itoa(threads))
		}
	} else {
		for _, name := range []string{WorkersEnv, ThreadsEnv} {
			if _, set := lookup(name); set {
				fmt.Fprintf(log, "python-cnb: %s is ignored unless %s=true\n", name, MultiWorkersEnv)
			}
		}
	}
	return args, nil
}

// WriteTOML writes vars as the TOML table an exec.d program prints on fd 3.
func WriteTOML(w io.Writer, vars map[string]string) error {
	if err := toml.NewEncoder(w).Encode(vars); err != nil {
		return fmt.Errorf("writing the exec.d output: %w", err)
	}
	return nil
}

// count reads a whole-number setting of at least least. Unset or empty
// gives set == false.
func count(name string, least int, def string) (n int, set bool, err error) {
	value, set := lookup(name)
	if !set {
		return 0, false, nil
	}
	n, err = strconv.Atoi(value)
	if err != nil || n < least {
		return 0, false, &errs.UserError{
			Title:  fmt.Sprintf("%s=%q is not a whole number of at least %d", name, value, least),
			Remedy: fmt.Sprintf("set %s to a whole number of at least %d, or unset it (%s)", name, least, def),
		}
	}
	return n, true, nil
}

func lookup(name string) (string, bool) {
	value := strings.TrimSpace(os.Getenv(name))
	return value, value != ""
}

// hasFlag tells whether gunicorn flags hold an option by its short or long
// name, in any of its forms: -c FILE, -cFILE, --config FILE, --config=FILE.
// An option without a short name has short "".
func hasFlag(flags, short, long string) bool {
	for _, field := range strings.Fields(flags) {
		if field == long || strings.HasPrefix(field, long+"=") || short != "" && strings.HasPrefix(field, short) && !strings.HasPrefix(field, "--") {
			return true
		}
	}
	return false
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
