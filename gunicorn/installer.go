package gunicorn

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/sbom"
)

// Executable runs a program; pexec.Executable is one.
type Executable interface {
	Execute(execution pexec.Execution) error
}

// PipInstaller provides gunicorn with the python on PATH: it asks that
// python whether the app's environment can import gunicorn, and installs a
// pinned gunicorn with pip when it cannot. That python may be a virtual
// environment's, made without pip (as the pip sub-buildpack makes it), so
// pip runs with the interpreter the environment was made from.
type PipInstaller struct {
	executable func(name string) Executable
}

// NewPipInstaller returns a PipInstaller running the programs executable
// returns for a name on PATH or an absolute path (pexec.NewExecutable).
func NewPipInstaller(executable func(name string) Executable) PipInstaller {
	return PipInstaller{executable: executable}
}

// probeScript prints sys.version, then gunicorn's version or an empty line,
// then the interpreter outside any virtual environment.
const probeScript = `import os, sys
print(" ".join(sys.version.split()))
try:
    import gunicorn
    print(gunicorn.__version__)
except ImportError:
    print("")
base = os.path.join(sys.base_prefix, "bin", "python3")
print(base if os.path.isfile(base) else sys.executable)
`

// pipLocationEnv are pip settings that would send an install elsewhere or
// refuse one outside a virtual environment.
var pipLocationEnv = []string{"PIP_USER", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_REQUIRE_VIRTUALENV"}

// Probe runs python from a neutral directory, so that the app's own files
// cannot shadow modules.
func (p PipInstaller) Probe() (Probe, error) {
	var stdout, stderr bytes.Buffer
	err := p.executable("python").Execute(pexec.Execution{
		Args:   []string{"-c", probeScript},
		Dir:    os.TempDir(),
		Stdout: &stdout,
		Stderr: &stderr,
	})
	if err != nil {
		return Probe{}, fmt.Errorf("running python to look for gunicorn: %w\n%s", err, errs.Tail(stderr.String(), 20))
	}
	lines := strings.Split(stdout.String(), "\n")
	if len(lines) != 4 || lines[0] == "" || lines[2] == "" || lines[3] != "" {
		return Probe{}, fmt.Errorf("running python to look for gunicorn: unexpected output %q", stdout.String())
	}
	return Probe{Python: lines[0], Gunicorn: strings.TrimSpace(lines[1]), BasePython: lines[2]}, nil
}

// Install runs `<python> -m pip install --target targetDir gunicorn==version`,
// without pip's cache and ignoring pip settings that would install it
// elsewhere. pip's output is shown only when it fails.
func (p PipInstaller) Install(python, version, targetDir string) error {
	var output bytes.Buffer
	err := p.executable(python).Execute(pexec.Execution{
		Args: []string{"-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-cache-dir",
			"--no-compile", "--target", targetDir, "gunicorn==" + version},
		// the report gives the bill of materials the archives' digests
		Env:    append(withoutPipLocation(os.Environ()), sbom.PipReportEnv(filepath.Dir(targetDir))),
		Dir:    os.TempDir(),
		Stdout: &output,
		Stderr: &output,
	})
	if err != nil {
		return &errs.UserError{
			Title:  fmt.Sprintf("Could not install gunicorn %s with pip (%s)", version, err),
			Detail: errs.Tail(output.String(), 20),
			Remedy: "add gunicorn to the app's dependencies (a `gunicorn` line in requirements.txt) so it is installed with them, " +
				"or let the build reach the package index (PIP_INDEX_URL, PIP_CERT), " +
				"or set " + StartCommandEnv + " to start the app without gunicorn",
			Err: err,
		}
	}
	return nil
}

// Compile writes targetDir's unchecked-hash bytecode with python.
func (p PipInstaller) Compile(python, targetDir string) (string, error) {
	var output bytes.Buffer
	compiler := bytecode.NewCompiler(func(name string) bytecode.Executable { return p.executable(name) })
	err := compiler.Compile(python, []string{targetDir}, &output)
	return output.String(), err
}

func withoutPipLocation(environ []string) []string {
	var kept []string
	for _, variable := range environ {
		name, _, _ := strings.Cut(variable, "=")
		drop := false
		for _, unwanted := range pipLocationEnv {
			drop = drop || name == unwanted
		}
		if !drop {
			kept = append(kept, variable)
		}
	}
	return kept
}
