package bytecode

import (
	"io"

	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/errs"
)

// Compiling compiles a tree's Python sources with the given python;
// Compiler is the real one. Sub-buildpacks take it as a collaborator.
type Compiling interface {
	Compile(python string, dirs []string, out io.Writer) error
}

// Run compiles dirs with python and, when some files did not compile,
// logs a warning with the script's last lines: bytecode only saves
// start-up time, so a failure does not fail the build.
func Run(compiler Compiling, python string, dirs []string, logger scribe.Emitter) {
	tail := errs.NewTailWriter(errs.TailBytes)
	if err := compiler.Compile(python, dirs, tail); err != nil {
		Warn(logger, err, tail.String())
	}
}

// Warn logs that some files did not compile, with the last lines of what
// the compiler printed.
func Warn(logger scribe.Emitter, err error, output string) {
	logger.Subprocess("Warning: some files did not compile (%v); Python compiles them when they are imported:", err)
	logger.Action("%s", errs.Tail(output, 10))
}
