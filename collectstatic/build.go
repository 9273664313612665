package collectstatic

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/settings"
)

// The reasons collectstatic is skipped, as the build log gives them.
const (
	skipDisabled     = DisableEnv + "=true"
	skipNoManagePy   = "no " + ManagePy + " at the app's root"
	skipNoDjango     = "Django is not installed in the environment"
	skipNoStaticApps = ManagePy + " has no collectstatic command (django.contrib.staticfiles not in INSTALLED_APPS)"
)

// djangoMissing is how Python reports that Django is not installed.
const djangoMissing = "No module named 'django'"

// unknownCommand is how manage.py reports that no installed app provides
// the command (Heroku's check too). A broken manage.py or settings module
// fails with a traceback instead.
const unknownCommand = "Unknown command"

// Build runs `python manage.py collectstatic --noinput` in the app's
// directory, streaming Django's output to the log. It skips the step, saying
// why, when DISABLE_COLLECTSTATIC=true, when there is no manage.py at the
// root, when Django is not installed, or when manage.py has no collectstatic
// command. A failure of collectstatic fails the build with Django's error.
// It adds no layer: the collected files land in the app's directory
// (STATIC_ROOT), which is part of the image.
func Build(python Python, clock chronos.Clock, logger scribe.Emitter) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		appDir := context.WorkingDir

		reason, err := skipReason(python, appDir, logger)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if reason != "" {
			logger.Process("Skipping collectstatic: %s", reason)
			logger.Break()
			return packit.BuildResult{}, nil
		}

		logger.Process("Collecting Django's static files")
		if err := collect(python, appDir, clock, logger); err != nil {
			return packit.BuildResult{}, err
		}
		return packit.BuildResult{}, nil
	}
}

// skipReason returns why collectstatic must not run, or "" when it must.
func skipReason(python Python, appDir string, logger scribe.Emitter) (string, error) {
	disabled, err := settings.Bool(DisableEnv, false)
	if err != nil {
		return "", err
	}
	if disabled {
		return skipDisabled, nil
	}

	found, err := appscan.Exists(appDir, ManagePy)
	if err != nil {
		return "", err
	}
	if !found {
		return skipNoManagePy, nil
	}

	installed, err := djangoInstalled(python, appDir, logger)
	if err != nil {
		return "", err
	}
	if !installed {
		return skipNoDjango, nil
	}
	logger.Debug.Subprocess("Django is installed ('%s' succeeded)", commandLine(ImportDjango))

	has, err := hasCollectstatic(python, appDir, logger)
	if err != nil {
		return "", err
	}
	if !has {
		return skipNoStaticApps, nil
	}
	logger.Debug.Subprocess("%s has the collectstatic command ('%s' succeeded)", ManagePy, commandLine(HelpCollectstatic))
	return "", nil
}

// djangoInstalled imports Django. Only Python's own "No module named
// 'django'" means it is absent; any other import failure (a broken or
// incomplete install) is an error, as collectstatic could not run either.
func djangoInstalled(python Python, appDir string, logger scribe.Emitter) (bool, error) {
	out := errs.NewTailWriter(errs.TailBytes)
	err := python.Run(ImportDjango, appDir, out)
	switch {
	case err == nil:
		return true, nil
	case !ExitedNonZero(err):
		return false, notStarted(ImportDjango, err)
	case strings.Contains(out.String(), djangoMissing):
		return false, nil
	}
	logFailure(ImportDjango, out.String(), logger)
	return false, failure(ImportDjango, out.String(), err,
		"Django is installed in the environment, but importing it failed",
		"fix the import error Python reports above (often a dependency of Django that is missing from, or pinned wrongly in, the requirements)")
}

// hasCollectstatic asks manage.py for the command's help, which loads the
// app's settings: "Unknown command" means django.contrib.staticfiles is not
// installed; any other failure is an error in manage.py or the settings.
func hasCollectstatic(python Python, appDir string, logger scribe.Emitter) (bool, error) {
	out := errs.NewTailWriter(errs.TailBytes)
	err := python.Run(HelpCollectstatic, appDir, out)
	switch {
	case err == nil:
		return true, nil
	case !ExitedNonZero(err):
		return false, notStarted(HelpCollectstatic, err)
	case strings.Contains(out.String(), unknownCommand):
		return false, nil
	}
	logFailure(HelpCollectstatic, out.String(), logger)
	return false, failure(HelpCollectstatic, out.String(), err,
		"Django could not load the app to look for the collectstatic command",
		"fix the error Django reports above, in "+ManagePy+" or the app's settings module")
}

// collect runs collectstatic, streaming its output at action indent and
// keeping its end for the failure message.
func collect(python Python, appDir string, clock chronos.Clock, logger scribe.Emitter) error {
	logger.Subprocess("Running '%s'", commandLine(Collectstatic))
	kept := errs.NewTailWriter(errs.TailBytes)
	duration, err := clock.Measure(func() error {
		return python.Run(Collectstatic, appDir, io.MultiWriter(logger.ActionWriter, kept))
	})
	if err != nil {
		if !ExitedNonZero(err) {
			return notStarted(Collectstatic, err)
		}
		return failure(Collectstatic, kept.String(), err,
			"Django's collectstatic failed",
			"fix the error Django reports above (for example: STATIC_ROOT is not set in the app's settings, or a stylesheet refers to a file that does not exist)")
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	return nil
}

// logFailure shows the whole output of a check that failed, whose output
// was captured rather than streamed, as the error message has only its end.
func logFailure(args []string, output string, logger scribe.Emitter) {
	logger.Process("'%s' failed:", commandLine(args))
	logger.Subprocess("%s", strings.TrimRight(output, "\n"))
	logger.Break()
}

// failure is a command that ran and failed because of the app: Django's own
// error lines, the remedy, and the way out.
func failure(args []string, output string, err error, title, fix string) error {
	return &errs.UserError{
		Title:  fmt.Sprintf("%s ('%s' exited with an error)", title, commandLine(args)),
		Detail: fmt.Sprintf("%s\n(python: %v)", DjangoError(output), err),
		Remedy: fmt.Sprintf("%s; or set %s=true to skip collectstatic", fix, DisableEnv),
		Err:    err,
	}
}

// notStarted is a command that could not be run at all: python is missing
// from PATH, or the app's directory is unusable.
func notStarted(args []string, err error) error {
	return fmt.Errorf("running '%s': %w", commandLine(args), err)
}

// commandLine is args as the log shows them, for example
// python manage.py collectstatic --noinput.
func commandLine(args []string) string {
	quoted := make([]string, len(args))
	for i, arg := range args {
		if strings.ContainsAny(arg, " '\"") {
			arg = `"` + arg + `"`
		}
		quoted[i] = arg
	}
	return "python " + strings.Join(quoted, " ")
}
