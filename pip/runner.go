package pip

import (
	"io"
	"path/filepath"

	"github.com/paketo-buildpacks/packit/v2/pexec"
)

// Executable runs a program; pexec.Executable is one.
type Executable interface {
	Execute(pexec.Execution) error
}

// Runner runs the CPython on PATH (installed by the cpython sub-buildpack)
// and the pip that comes with it. pip targets a virtual environment through
// its --python option, so the environment itself needs no pip.
type Runner struct {
	python Executable
	env    []string
}

// NewRunner returns a Runner for python, adding env to every process's
// environment.
func NewRunner(python Executable, env ...string) Runner {
	return Runner{python: python, env: env}
}

// WithEnv returns a Runner that also sets env.
func (r Runner) WithEnv(env ...string) Runner {
	r.env = append(append([]string{}, r.env...), env...)
	return r
}

// CreateVenv makes an empty virtual environment (no pip inside) at path.
func (r Runner) CreateVenv(path string, out io.Writer) error {
	return r.run([]string{"-m", "venv", "--without-pip", path}, "", out)
}

// Pip runs `pip <args>` against the environment at venv, in dir.
func (r Runner) Pip(venv, dir string, args []string, out io.Writer) error {
	full := append([]string{"-m", "pip", "--python", filepath.Join(venv, "bin", "python"),
		"--disable-pip-version-check", "--no-input"}, args...)
	return r.run(full, dir, out)
}

func (r Runner) run(args []string, dir string, out io.Writer) error {
	return r.python.Execute(pexec.Execution{
		Args:   args,
		Dir:    dir,
		Env:    append(environ(), r.env...),
		Stdout: out,
		Stderr: out,
	})
}
