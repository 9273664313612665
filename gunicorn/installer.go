package gunicorn

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
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

// isolated runs python so that the app's own files are not importable
// (python -I: the working directory is not on sys.path, and PYTHON*
// variables are ignored), from the app's directory, so that pip reads
// relative paths in its settings (PIP_CONSTRAINT=constraints.txt) against
// the app as it does for the app's own install.
type isolated struct {
	python Executable
	appDir string
}

func (i isolated) Execute(execution pexec.Execution) error {
	execution.Args = append([]string{"-I"}, execution.Args...)
	execution.Dir = i.appDir
	return i.python.Execute(execution)
}

// PipInstaller provides the servers with the python on PATH: it asks that
// python what the app's environment holds, and installs the servers it
// lacks with pip. That python may be a virtual environment's, made without
// pip (as the pip sub-buildpack makes it), so pip runs with the interpreter
// the environment was made from. Every python it starts runs isolated (see
// isolated).
type PipInstaller struct {
	executable func(name string) Executable
}

// NewPipInstaller returns a PipInstaller running the programs executable
// returns for a name on PATH or an absolute path (pexec.NewExecutable).
func NewPipInstaller(executable func(name string) Executable) PipInstaller {
	return PipInstaller{executable: executable}
}

func (p PipInstaller) python(name, appDir string) Executable {
	return isolated{python: p.executable(name), appDir: appDir}
}

// probeScript prints sys.version, the interpreter outside any virtual
// environment, then the distributions the environment holds as
// name==version, names normalized as PEP 503 does.
const probeScript = `import os, re, sys
from importlib import metadata
print(" ".join(sys.version.split()))
base = os.path.join(sys.base_prefix, "bin", "python3")
print(base if os.path.isfile(base) else sys.executable)
for d in metadata.distributions():
    name = d.metadata["Name"]
    if name and d.version:
        print(re.sub(r"[-_.]+", "-", name).lower() + "==" + d.version)
`

// pipLocationEnv are pip settings that would send an install elsewhere or
// refuse one outside a virtual environment.
var pipLocationEnv = []string{"PIP_USER", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_REQUIRE_VIRTUALENV"}

// Probe asks the python on PATH about itself and its environment.
func (p PipInstaller) Probe(appDir string) (Probe, error) {
	var stdout, stderr bytes.Buffer
	err := p.python("python", appDir).Execute(pexec.Execution{
		Args:   []string{"-c", probeScript},
		Stdout: &stdout,
		Stderr: &stderr,
	})
	if err != nil {
		return Probe{}, fmt.Errorf("running python to list the app's packages: %w\n%s", err, errs.Tail(stderr.String(), 20))
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) < 2 || lines[0] == "" || lines[1] == "" {
		return Probe{}, fmt.Errorf("running python to list the app's packages: unexpected output %q", stdout.String())
	}
	probe := Probe{Python: lines[0], BasePython: lines[1]}
	for _, line := range lines[2:] {
		if line = strings.TrimSpace(line); line != "" && !contains(probe.Packages, line) {
			probe.Packages = append(probe.Packages, line)
		}
	}
	sort.Strings(probe.Packages)
	return probe, nil
}

// Install runs `<python> -m pip install --target targetDir <requirements>`
// with the app's packages (name==version) as constraints, without pip's
// cache and ignoring pip settings that would install elsewhere, so that
// what it installs works with what the app has. Then it removes from
// targetDir the distributions the app's environment has already (the app's
// own copies are used: targetDir goes on PYTHONPATH, ahead of them), and
// pip's scripts, which name the interpreter pip ran with. pip's output is
// shown only when it fails.
func (p PipInstaller) Install(python, appDir string, requirements, packages []string, targetDir string) error {
	constraints, err := os.CreateTemp("", "python-cnb-constraints-*.txt")
	if err != nil {
		return fmt.Errorf("writing the app's packages as constraints: %w", err)
	}
	defer os.Remove(constraints.Name())
	_, err = io.WriteString(constraints, strings.Join(packages, "\n")+"\n")
	if cerr := constraints.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the app's packages as constraints: %w", err)
	}

	var output bytes.Buffer
	args := []string{"-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-cache-dir",
		"--no-compile", "--target", targetDir, "--constraint", constraints.Name()}
	err = p.python(python, appDir).Execute(pexec.Execution{
		Args: append(args, requirements...),
		// the report gives the bill of materials the archives' digests
		Env:    append(withoutPipLocation(os.Environ()), sbom.PipReportEnv(filepath.Dir(targetDir))),
		Stdout: &output,
		Stderr: &output,
	})
	if err != nil {
		names := make([]string, len(requirements))
		for i, requirement := range requirements {
			names[i], _, _ = strings.Cut(requirement, "==")
		}
		return &errs.UserError{
			Title:  fmt.Sprintf("Could not install %s with pip (%s)", strings.Join(requirements, ", "), err),
			Detail: errs.Tail(output.String(), 20),
			Remedy: fmt.Sprintf("add %s to the app's dependencies (requirements.txt) so that they are installed with them, in versions that fit; "+
				"or let the build reach the package index (PIP_INDEX_URL, PIP_CERT); or set %s to start the app another way",
				strings.Join(names, " and "), StartCommandEnv),
			Err: err,
		}
	}
	var provided []string
	for _, p := range packages {
		name, _, _ := strings.Cut(p, "==")
		provided = append(provided, name)
	}
	if err := RemoveDistributions(targetDir, provided); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(targetDir, "bin")); err != nil {
		return fmt.Errorf("removing pip's scripts: %w", err)
	}
	return nil
}

// Compile writes targetDir's unchecked-hash bytecode with python (the
// compiler runs it isolated).
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
		if !contains(pipLocationEnv, name) {
			kept = append(kept, variable)
		}
	}
	return kept
}

// RemoveDistributions removes from a directory pip installed into with
// --target the files of the distributions named (normalized names), as
// their RECORD lists them, and then the directories left empty.
func RemoveDistributions(dir string, names []string) error {
	infos, err := filepath.Glob(filepath.Join(dir, "*.dist-info"))
	if err != nil {
		return err
	}
	for _, info := range infos {
		base := strings.TrimSuffix(filepath.Base(info), ".dist-info")
		i := strings.LastIndex(base, "-")
		if i <= 0 || !contains(names, sbom.NormalizeName(base[:i])) {
			continue
		}
		if err := removeRecorded(dir, info); err != nil {
			return fmt.Errorf("removing %s, which the app has: %w", base, err)
		}
	}
	return nil
}

func removeRecorded(dir, info string) error {
	record, err := os.Open(filepath.Join(info, "RECORD"))
	if err != nil {
		return err
	}
	rows, err := csv.NewReader(record).ReadAll()
	record.Close()
	if err != nil {
		return fmt.Errorf("reading its RECORD: %w", err)
	}
	parents := map[string]bool{}
	for _, row := range rows {
		if len(row) == 0 || !inside(row[0]) {
			continue // scripts, recorded as ../../bin/…
		}
		path := filepath.Join(dir, filepath.FromSlash(row[0]))
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		for parent := filepath.Dir(path); parent != dir && strings.HasPrefix(parent, dir); parent = filepath.Dir(parent) {
			parents[parent] = true
		}
	}
	var dirs []string
	for parent := range parents {
		dirs = append(dirs, parent)
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		if entries, err := os.ReadDir(d); err == nil && len(entries) == 0 {
			os.Remove(d)
		}
	}
	return os.RemoveAll(info)
}

// checkScript compiles each file named, never running it, and prints one
// JSON object per file that does not compile.
//
//go:embed checksyntax.py
var checkScript string

// SyntaxError is a module that does not compile.
type SyntaxError struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Offset int    `json:"offset"`
	Text   string `json:"text"`
	Msg    string `json:"msg"`
	Type   string `json:"type"`
}

// PythonChecker compiles the app's modules with the python on PATH.
type PythonChecker struct {
	executable func(name string) Executable
}

// NewPythonChecker returns a PythonChecker running the python executable
// returns (pexec.NewExecutable).
func NewPythonChecker(executable func(name string) Executable) PythonChecker {
	return PythonChecker{executable: executable}
}

// Check compiles files (relative to appDir) with python, isolated, and
// returns those that do not compile.
func (c PythonChecker) Check(appDir string, files []string) ([]SyntaxError, error) {
	var stdout, stderr bytes.Buffer
	err := isolated{python: c.executable("python"), appDir: appDir}.Execute(pexec.Execution{
		Args:   append([]string{"-c", checkScript}, files...),
		Stdout: &stdout,
		Stderr: &stderr,
	})
	if err != nil {
		return nil, fmt.Errorf("running python to compile %s: %w\n%s", strings.Join(files, ", "), err, errs.Tail(stderr.String(), 20))
	}
	var found []SyntaxError
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if line == "" {
			continue
		}
		var e SyntaxError
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return nil, fmt.Errorf("running python to compile %s: unexpected output %q", strings.Join(files, ", "), line)
		}
		found = append(found, e)
	}
	return found, nil
}
