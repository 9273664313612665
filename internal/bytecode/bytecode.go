// Package bytecode compiles Python sources into bytecode that stays valid in
// an image. Python's default .pyc files record their source's modification
// time, and the lifecycle resets every file's modification time when it
// exports a layer, so those files are stale in every container: each start
// would compile its imports again, in memory, because the layers are not
// the running user's to write. Unchecked-hash .pyc files are never compared
// with their source, which suits layers that do not change once built.
package bytecode

import (
	_ "embed"
	"io"
	"regexp"

	"github.com/paketo-buildpacks/packit/v2/pexec"
)

// Executable runs a program; pexec.Executable is one.
type Executable interface {
	Execute(pexec.Execution) error
}

// StdlibSkip matches the parts of a CPython installation that apps do not
// import: the standard library's test suite, IDLE, Tk, the turtle demos and
// lib2to3 (whose test data is not Python 3).
var StdlibSkip = regexp.MustCompile(`[/\\]lib[/\\]python3\.[0-9]+t?[/\\](test|idlelib|tkinter|turtledemo|lib2to3)[/\\]`)

// script converts the .pyc files already there and compiles the rest; see
// its docstring.
//
//go:embed compile.py
var script string

// Compiler runs the script with a given python.
type Compiler struct {
	executable    func(python string) Executable
	dropOptimized bool
}

// NewCompiler returns a Compiler running the programs executable returns
// for a python's path (pexec.NewExecutable, when nil).
func NewCompiler(executable func(python string) Executable) Compiler {
	if executable == nil {
		executable = func(python string) Executable { return pexec.NewExecutable(python) }
	}
	return Compiler{executable: executable}
}

// DropOptimized returns a Compiler that also deletes the .opt-1 and .opt-2
// bytecode files, which only python -O and -OO read.
func (c Compiler) DropOptimized() Compiler {
	c.dropOptimized = true
	return c
}

// Compile gives every .py file under dirs, except paths StdlibSkip matches,
// unchecked-hash bytecode: a .pyc already there that matches its source is
// converted in place; the other files are compiled, with one process per
// CPU. It writes a summary line, and the files that did not compile, to
// out; an error means some did not, and the others are done. python runs
// isolated (-I): the app's files, which may shadow the standard library
// (a logging.py, say), are not on its sys.path.
func (c Compiler) Compile(python string, dirs []string, out io.Writer) error {
	args := []string{"-I", "-c", script, StdlibSkip.String()}
	if c.dropOptimized {
		args = append(args, "--drop-optimized")
	}
	return c.executable(python).Execute(pexec.Execution{
		Args:   append(args, dirs...),
		Stdout: out,
		Stderr: out,
	})
}
