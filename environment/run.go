package environment

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/nativebuild"
	"github.com/python-cnb/buildpack/internal/sbom"
)

// run runs a step in the app's directory, streaming its output into the
// log, and turns a failure into the step's error; a step with a Fallback
// runs that instead when it fails.
func run(step Step, ctx Context, deps Deps, logger scribe.Emitter) error {
	command := step.Command(ctx)
	// pip (Pipenv's too) reports each install's archives and their digests
	// for the bill of materials
	command.Env = append([]string{sbom.PipReportEnv(ctx.Venv)}, command.Env...)
	logger.Subprocess("Running '%s'", command.Shown())
	output, err := execute(command, ctx.App, deps.Executor, logger.ActionWriter)
	if err == nil {
		return nil
	}
	if step.Fallback != nil {
		logger.Subprocess("%s failed (%v): %s instead", step.Name, err, step.Fallback.Name)
		return run(*step.Fallback, ctx, deps, logger)
	}
	if step.Failure != nil {
		return step.Failure(output, err)
	}
	return fmt.Errorf("'%s' failed: %w\n%s", command.Shown(), err, errs.Tail(output, 25))
}

// execute runs a command in dir, writing its output to out, and returns the
// output's last part.
func execute(command Command, dir string, executor Executor, out io.Writer) (string, error) {
	tail := errs.NewTailWriter(errs.TailBytes)
	err := executor.Execute(command.Args[0], pexec.Execution{
		Args:   command.Args[1:],
		Dir:    dir,
		Env:    append(os.Environ(), command.Env...),
		Stdout: io.MultiWriter(out, tail),
		Stderr: io.MultiWriter(out, tail),
	})
	return tail.String(), err
}

// Failure returns a Step.Failure that ends the build with title and remedy,
// and the lines of the tool's output that say what went wrong (see
// RootCause), which the streamed log shows in full above; or, when a
// package could not be built from source, with what it lacked and the ways
// out (see nativebuild.Diagnose).
func Failure(title, remedy string) func(output string, err error) error {
	return func(output string, err error) error {
		if diagnosis := nativebuild.Diagnose(output); diagnosis != nil {
			diagnosis.Err = err
			return diagnosis
		}
		return &errs.UserError{
			Title:  title,
			Detail: fmt.Sprintf("%s\n(%v)", RootCause(output), err),
			Remedy: remedy,
			Err:    err,
		}
	}
}

// causeLine matches the lines of pip's, uv's, Poetry's, Pipenv's and
// compilers' output that say what failed, as opposed to the progress and
// the tracebacks around them.
var causeLine = regexp.MustCompile(`^(ERROR:|error:|Error:|hint:|× |╰─> |fatal error:|FileNotFoundError|ModuleNotFoundError|ImportError|SyntaxError|OSError|RuntimeError|Because |The lock ?file|.*(No such file or directory|command not found|Permission denied|is out of date|needs to be updated|changed significantly|[Rr]un .*lock))`)

// RootCause picks out of a failed tool's output the lines that say what
// went wrong (pip's ERROR lines, a compiler's "No such file or directory:
// 'clang'", a lock file out of date), each once and in order, or its last
// lines when none does.
func RootCause(output string) string {
	var lines []string
	seen := map[string]bool{}
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || seen[line] || !causeLine.MatchString(line) {
			continue
		}
		seen[line] = true
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return errs.Tail(strings.TrimRight(output, "\n"), 15)
	}
	return errs.Tail(strings.Join(lines, "\n"), 12)
}
