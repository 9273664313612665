package hooks

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/errs"
)

// Build runs the phase's hook in the app directory, streaming its output
// into the build log, and fails the build when it fails. It makes no
// layers: files the hook writes in the app directory are exported with the
// app, and environment variables it sets end with its process.
func Build(runner Runner, clock chronos.Clock, logger scribe.Emitter, phase Phase) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		if !phase.Valid() {
			return packit.BuildResult{}, fmt.Errorf("unknown hook phase %q", phase)
		}
		hook, ok := Choose(phase)
		if !ok {
			logger.Process("%s and %s are unset: nothing to run", phase.CommandEnv(), phase.ScriptEnv())
			logger.Break()
			return packit.BuildResult{}, nil
		}

		logHeading(logger, hook)
		if hook.Ignored != "" {
			logger.Subprocess("%s is ignored: %s takes precedence, as in Oryx", hook.Ignored, hook.Setting)
		}
		hook, err := hook.Prepare(context.WorkingDir)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if hook.Note != "" {
			logger.Subprocess("%s", hook.Note)
		}
		logger.Subprocess("Running it %s, in %s", hook.How, context.WorkingDir)
		logPython(logger)

		tail := errs.NewTailWriter(errs.TailBytes)
		duration, err := clock.Measure(func() error {
			return runner.Run(hook.Args, context.WorkingDir, Env(context.WorkingDir), io.MultiWriter(logger.ActionWriter, tail))
		})
		if err != nil {
			logger.Action("Failed after %s", duration.Round(time.Millisecond))
			logger.Break()
			return packit.BuildResult{}, failure(hook, err, tail.Lines(TailLines))
		}
		logger.Action("Completed in %s", duration.Round(time.Millisecond))
		logger.Break()
		return packit.BuildResult{}, nil
	}
}

// PreBuild is Build with the real collaborators for the pre-build phase,
// as build/phases.go wires it.
func PreBuild(logger scribe.Emitter) packit.BuildFunc {
	return Build(NewRunner(), chronos.DefaultClock, logger, Pre)
}

// PostBuild is Build with the real collaborators for the post-build phase.
func PostBuild(logger scribe.Emitter) packit.BuildFunc {
	return Build(NewRunner(), chronos.DefaultClock, logger, Post)
}

// logHeading names the hook and shows its text: users expect to see what
// ran. Its environment is never logged.
func logHeading(logger scribe.Emitter, hook Hook) {
	if !strings.Contains(hook.Text, "\n") {
		logger.Process("Running %s", hook.Label())
		return
	}
	logger.Process("Running %s %s (%s):", hook.Phase, hook.Kind(), hook.Setting)
	for _, line := range strings.Split(hook.Text, "\n") {
		logger.Subprocess("| %s", strings.TrimRight(line, "\r"))
	}
}

// logPython says which python the hook finds on PATH, and the virtual
// environment when one is active (the post-build hook, after pip).
func logPython(logger scribe.Emitter) {
	python, err := exec.LookPath("python")
	if err != nil {
		logger.Subprocess("There is no python on PATH")
		return
	}
	if venv := os.Getenv("VIRTUAL_ENV"); venv != "" {
		logger.Subprocess("With python %s and the virtual environment %s active", python, venv)
		return
	}
	logger.Subprocess("With python %s", python)
}

// failure turns a hook's failure into the build's error: a UserError with
// the hook, its exit status and the end of its output when it ran and
// failed.
func failure(hook Hook, err error, tail string) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		var detail strings.Builder
		if strings.Contains(hook.Text, "\n") {
			fmt.Fprintf(&detail, "The %s:\n  %s\n\n", hook.Kind(), strings.ReplaceAll(hook.Text, "\n", "\n  "))
		}
		if tail == "" {
			detail.WriteString("It printed nothing.")
		} else {
			fmt.Fprintf(&detail, "The last lines of its output:\n  %s", strings.ReplaceAll(tail, "\n", "\n  "))
		}
		return &errs.UserError{
			Title:  fmt.Sprintf("The %s failed with %s", hook.Label(), exit),
			Detail: detail.String(),
			Remedy: fmt.Sprintf("make the %s succeed (its whole output is in the build log above), or unset %s", hook.Kind(), hook.Setting),
			Err:    err,
		}
	}
	if hook.Script != "" {
		return &errs.UserError{
			Title:  fmt.Sprintf("The %s could not be started", hook.Label()),
			Detail: err.Error(),
			Remedy: "make its #! line name an interpreter the build image has (or remove the #! line to have it run with bash)",
			Err:    err,
		}
	}
	return fmt.Errorf("running the %s: %w", hook.Label(), err)
}
