package conda

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/python-cnb/buildpack/internal/sbom"
)

//go:embed driver.py
var driverScript []byte

// The driver's exit statuses (see driver.py).
const (
	exitUnsolvable = 2
	exitChannel    = 3
)

// Executable runs a program; pexec.Executable is one.
type Executable interface {
	Execute(pexec.Execution) error
}

// Request is what the driver is asked to do.
type Request struct {
	// RattlerDir holds the unpacked py-rattler wheel; set by Driver.
	RattlerDir string `json:"rattler_dir"`
	// Channels are channel URLs, highest priority first.
	Channels []string `json:"channels"`
	// Specs are conda match specs.
	Specs []string `json:"specs"`
	// Prefix is where the environment is created.
	Prefix string `json:"prefix"`
	// CacheDir is py-rattler's package and repodata cache.
	CacheDir string `json:"cache_dir"`
	// ChannelAlias is the base URL of channels given by name.
	ChannelAlias string `json:"channel_alias"`
	// Platform is the conda subdir solved for, besides noarch.
	Platform string `json:"platform"`
	// ErrorFile is set by Driver.
	ErrorFile string `json:"error_file"`
}

// DriverError is a failure the driver explained.
type DriverError struct {
	// Unsolvable: the specs have no solution in the channels.
	Unsolvable bool
	// Channel: a channel could not be reached or read.
	Channel bool
	// Explanation is the solver's or py-rattler's message.
	Explanation string
	Err         error
}

func (e *DriverError) Error() string {
	return fmt.Sprintf("%v: %s", e.Err, e.Explanation)
}

func (e *DriverError) Unwrap() error { return e.Err }

// Driver runs driver.py with the build's CPython and py-rattler.
type Driver struct {
	python Executable
}

// NewDriver returns a Driver running python (the cpython layer's).
func NewDriver(python Executable) Driver {
	return Driver{python: python}
}

// Create solves and installs the request with the py-rattler unpacked in
// rattlerDir, writing the driver's output to out.
func (d Driver) Create(rattlerDir string, request Request, out io.Writer) error {
	tmp, err := os.MkdirTemp("", "conda-driver-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	script := filepath.Join(tmp, "driver.py")
	if err := os.WriteFile(script, driverScript, 0o644); err != nil {
		return err
	}
	request.ErrorFile = filepath.Join(tmp, "error.txt")
	request.RattlerDir = rattlerDir
	encoded, err := json.Marshal(request)
	if err != nil {
		return err
	}
	requestFile := filepath.Join(tmp, "request.json")
	if err := os.WriteFile(requestFile, encoded, 0o600); err != nil {
		return err
	}

	// -I: neither the app's files nor PYTHON* variables reach the driver;
	// it puts py-rattler on sys.path itself.
	err = d.python.Execute(pexec.Execution{
		Args:   []string{"-I", script, requestFile},
		Dir:    tmp,
		Stdout: out,
		Stderr: out,
	})
	if err == nil {
		return nil
	}
	explanation, _ := os.ReadFile(request.ErrorFile)
	failure := &DriverError{Explanation: strings.TrimSpace(string(explanation)), Err: err}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		failure.Unsolvable = exit.ExitCode() == exitUnsolvable
		failure.Channel = exit.ExitCode() == exitChannel
	}
	return failure
}

const versionScript = `import sys; print("%d.%d" % sys.version_info[:2])`

// PythonMinor returns the build CPython's X.Y.
func (d Driver) PythonMinor() (string, error) {
	var out strings.Builder
	if err := d.python.Execute(pexec.Execution{Args: []string{"-I", "-c", versionScript}, Stdout: &out, Stderr: &out}); err != nil {
		return "", fmt.Errorf("asking python for its version: %w\n%s", err, out.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// PipProgram runs the build's pip against a conda environment (see
// internal/buildpip) in dir (the app), so that relative paths resolve
// against the app while its files stay off pip's sys.path.
type PipProgram struct {
	executable func(program string) Executable
}

// NewPipProgram returns a PipProgram that runs programs with executable
// (pexec.NewExecutable in the buildpack).
func NewPipProgram(executable func(program string) Executable) PipProgram {
	return PipProgram{executable: executable}
}

// Pip runs `pip <args>` against the environment at prefix, in dir, with env
// added to the build's environment.
func (p PipProgram) Pip(prefix, dir string, args, env []string, out io.Writer) error {
	command := append(buildpip.Command(filepath.Join(prefix, "bin", "python")), args...)
	return p.executable(command[0]).Execute(pexec.Execution{
		Args: command[1:],
		Dir:  dir,
		// the report gives the bill of materials the archives' digests
		Env:    append(append(os.Environ(), sbom.PipReportEnv(prefix)), env...),
		Stdout: out,
		Stderr: out,
	})
}
