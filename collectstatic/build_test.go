package collectstatic_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/collectstatic"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

const (
	importDjango      = `-c import django`
	helpCollectstatic = `manage.py help collectstatic`
	runCollectstatic  = `manage.py collectstatic --noinput`
)

type pythonCall struct {
	Args []string
	Dir  string
}

// pythonResult is what the fake prints and returns for one command.
type pythonResult struct {
	Output string
	Err    error
}

// fakePython records its calls and answers each command, keyed by its
// space-joined args, with the result given; unlisted commands succeed
// silently.
type fakePython struct {
	Calls   []pythonCall
	Results map[string]pythonResult
}

func (f *fakePython) Run(args []string, dir string, out io.Writer) error {
	f.Calls = append(f.Calls, pythonCall{Args: args, Dir: dir})
	result := f.Results[strings.Join(args, " ")]
	fmt.Fprint(out, result.Output)
	return result.Err
}

func (f *fakePython) commands() []string {
	var out []string
	for _, call := range f.Calls {
		out = append(out, strings.Join(call.Args, " "))
	}
	return out
}

// exitError is a process that ran and exited with code, as *exec.ExitError.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }
func (e exitError) ExitCode() int { return e.code }

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		workingDir string
		python     *fakePython
		buffer     *bytes.Buffer
		buildCtx   packit.BuildContext
		build      packit.BuildFunc
	)

	newBuild := func(logger scribe.Emitter) packit.BuildFunc {
		// Measure reads the clock twice: the work takes 1.2345s.
		start := time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)
		calls := 0
		clock := chronos.NewClock(func() time.Time {
			calls++
			if calls%2 == 0 {
				return start.Add(1234500 * time.Microsecond)
			}
			return start
		})
		return collectstatic.Build(python, clock, logger)
	}

	it.Before(func() {
		t.Setenv("DISABLE_COLLECTSTATIC", "")
		workingDir = t.TempDir()
		Expect(os.WriteFile(filepath.Join(workingDir, "manage.py"), []byte("#!/usr/bin/env python\n"), 0o644)).To(Succeed())

		python = &fakePython{Results: map[string]pythonResult{
			runCollectstatic: {Output: "\n1 static file copied to '" + workingDir + "/staticfiles'.\n"},
		}}
		buffer = bytes.NewBuffer(nil)
		build = newBuild(scribe.NewEmitter(buffer))
		buildCtx = packit.BuildContext{
			BuildpackInfo: packit.BuildpackInfo{Name: "Python CNB: Django collectstatic", Version: "0.1.0"},
			WorkingDir:    workingDir,
			Layers:        packit.Layers{Path: t.TempDir()},
		}
	})

	it("checks for Django and the command, then runs collectstatic in the app's directory, adding no layer", func() {
		result, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		Expect(result).To(Equal(packit.BuildResult{}))

		Expect(python.commands()).To(Equal([]string{importDjango, helpCollectstatic, runCollectstatic}))
		for _, call := range python.Calls {
			Expect(call.Dir).To(Equal(workingDir))
		}

		Expect(buffer.String()).To(Equal("Python CNB: Django collectstatic 0.1.0\n" +
			"  Collecting Django's static files\n" +
			"    Running 'python manage.py collectstatic --noinput'\n" +
			"      \n" +
			"      1 static file copied to '" + workingDir + "/staticfiles'.\n" +
			"      Completed in 1.235s\n" +
			"\n"))
	})

	it("runs when DISABLE_COLLECTSTATIC=false", func() {
		t.Setenv("DISABLE_COLLECTSTATIC", "False")
		_, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		Expect(python.commands()).To(ContainElement(runCollectstatic))
	})

	it("logs the checks at debug level", func() {
		build = newBuild(scribe.NewEmitter(buffer).WithLevel("DEBUG"))
		_, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		Expect(buffer.String()).To(ContainSubstring(`Django is installed ('python -c "import django"' succeeded)`))
		Expect(buffer.String()).To(ContainSubstring("manage.py has the collectstatic command ('python manage.py help collectstatic' succeeded)"))
	})

	context("skips, logging the reason", func() {
		expectSkipped := func(reason string) {
			Expect(buffer.String()).To(Equal("Python CNB: Django collectstatic 0.1.0\n" +
				"  Skipping collectstatic: " + reason + "\n\n"))
			Expect(python.commands()).NotTo(ContainElement(runCollectstatic))
		}

		it("when DISABLE_COLLECTSTATIC=true, running nothing", func() {
			t.Setenv("DISABLE_COLLECTSTATIC", "TRUE")
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result).To(Equal(packit.BuildResult{}))
			expectSkipped("DISABLE_COLLECTSTATIC=true")
			Expect(python.Calls).To(BeEmpty())
		})

		it("when there is no manage.py at the root, running nothing", func() {
			Expect(os.Remove(filepath.Join(workingDir, "manage.py"))).To(Succeed())
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			expectSkipped("no manage.py at the app's root")
			Expect(python.Calls).To(BeEmpty())
		})

		it("when Django is not installed", func() {
			python.Results[importDjango] = pythonResult{
				Output: "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'django'\n",
				Err:    exitError{1},
			}
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			expectSkipped("Django is not installed in the environment")
			Expect(python.commands()).To(Equal([]string{importDjango}))
		})

		it("when manage.py has no collectstatic command", func() {
			python.Results[helpCollectstatic] = pythonResult{
				Output: "Unknown command: 'collectstatic'\nType 'manage.py help' for usage.\n",
				Err:    exitError{1},
			}
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			expectSkipped("manage.py has no collectstatic command (django.contrib.staticfiles not in INSTALLED_APPS)")
			Expect(python.commands()).To(Equal([]string{importDjango, helpCollectstatic}))
		})
	})

	context("failure cases", func() {
		it("fails when DISABLE_COLLECTSTATIC is not a boolean, naming it, running nothing", func() {
			t.Setenv("DISABLE_COLLECTSTATIC", "yes")
			_, err := build(buildCtx)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err).To(MatchError(ContainSubstring(`DISABLE_COLLECTSTATIC="yes" is not a boolean`)))
			Expect(err).To(MatchError(ContainSubstring("set DISABLE_COLLECTSTATIC to true or false")))
			Expect(python.Calls).To(BeEmpty())
		})

		it("fails when the app's directory cannot be checked for manage.py", func() {
			notADir := filepath.Join(workingDir, "manage.py")
			buildCtx.WorkingDir = notADir
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("checking for manage.py")))
			Expect(python.Calls).To(BeEmpty())
		})

		context("checking for Django", func() {
			it("fails when python cannot be started", func() {
				python.Results[importDjango] = pythonResult{Err: errors.New(`exec: "python": executable file not found in $PATH`)}
				_, err := build(buildCtx)
				Expect(err).To(MatchError(`running 'python -c "import django"': exec: "python": executable file not found in $PATH`))
				Expect(errs.IsUser(err)).To(BeFalse())
			})

			it("fails when Django is installed but does not import, with Python's error", func() {
				python.Results[importDjango] = pythonResult{
					Output: "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n" +
						"  File \"/layers/python-cnb_pip/venv/lib/python3.13/site-packages/django/__init__.py\", line 1, in <module>\n" +
						"ModuleNotFoundError: No module named 'asgiref'\n",
					Err: exitError{1},
				}
				_, err := build(buildCtx)
				Expect(errs.IsUser(err)).To(BeTrue())
				Expect(errors.Is(err, exitError{1})).To(BeTrue())
				Expect(err.Error()).To(Equal(`Django is installed in the environment, but importing it failed ('python -c "import django"' exited with an error)` + "\n\n" +
					"  Traceback (most recent call last):\n" +
					"    File \"<string>\", line 1, in <module>\n" +
					"    File \"/layers/python-cnb_pip/venv/lib/python3.13/site-packages/django/__init__.py\", line 1, in <module>\n" +
					"  ModuleNotFoundError: No module named 'asgiref'\n" +
					"  (python: exit status 1)\n\n" +
					"To fix: fix the import error Python reports above (often a dependency of Django that is missing from, or pinned wrongly in, the requirements); or set DISABLE_COLLECTSTATIC=true to skip collectstatic"))
				Expect(python.commands()).To(Equal([]string{importDjango}))
				Expect(buffer.String()).To(Equal("Python CNB: Django collectstatic 0.1.0\n" +
					"  'python -c \"import django\"' failed:\n" +
					"    Traceback (most recent call last):\n" +
					"      File \"<string>\", line 1, in <module>\n" +
					"      File \"/layers/python-cnb_pip/venv/lib/python3.13/site-packages/django/__init__.py\", line 1, in <module>\n" +
					"    ModuleNotFoundError: No module named 'asgiref'\n\n"))
			})
		})

		context("checking for the collectstatic command", func() {
			it("fails when python cannot be started", func() {
				python.Results[helpCollectstatic] = pythonResult{Err: errors.New("fork/exec: resource temporarily unavailable")}
				_, err := build(buildCtx)
				Expect(err).To(MatchError("running 'python manage.py help collectstatic': fork/exec: resource temporarily unavailable"))
				Expect(errs.IsUser(err)).To(BeFalse())
			})

			it("fails when manage.py or the settings are broken, with Django's error and the way out", func() {
				python.Results[helpCollectstatic] = pythonResult{
					Output: strings.Repeat("  File \"x.py\", line 1\n", 30) +
						"Traceback (most recent call last):\n  File \"/workspace/manage.py\", line 22, in <module>\n" +
						"ModuleNotFoundError: No module named 'mysite.settingz'\n",
					Err: exitError{1},
				}
				_, err := build(buildCtx)
				Expect(errs.IsUser(err)).To(BeTrue())
				Expect(err).To(MatchError(HavePrefix("Django could not load the app to look for the collectstatic command ('python manage.py help collectstatic' exited with an error)")))
				Expect(err).To(MatchError(ContainSubstring("  ModuleNotFoundError: No module named 'mysite.settingz'\n  (python: exit status 1)")))
				Expect(err).To(MatchError(HaveSuffix("To fix: fix the error Django reports above, in manage.py or the app's settings module; or set DISABLE_COLLECTSTATIC=true to skip collectstatic")))
				Expect(python.commands()).To(Equal([]string{importDjango, helpCollectstatic}))
				logs := buffer.String()
				Expect(logs).NotTo(ContainSubstring("Skipping"))
				Expect(logs).To(ContainSubstring("  'python manage.py help collectstatic' failed:\n"))
				Expect(strings.Count(logs, "    File \"x.py\", line 1\n")).To(Equal(30))
				Expect(logs).To(ContainSubstring("    ModuleNotFoundError: No module named 'mysite.settingz'\n"))
				Expect(err.Error()).NotTo(ContainSubstring("x.py"))
			})
		})

		context("running collectstatic", func() {
			it("fails when python cannot be started", func() {
				python.Results[runCollectstatic] = pythonResult{Err: errors.New("exec: not started")}
				_, err := build(buildCtx)
				Expect(err).To(MatchError("running 'python manage.py collectstatic --noinput': exec: not started"))
				Expect(errs.IsUser(err)).To(BeFalse())
			})

			it("fails with Django's error lines and the hint, having streamed the whole output to the log", func() {
				output := strings.Repeat("Post-processed 'x.css'\n", 30) +
					"Traceback (most recent call last):\n" +
					"  File \"/workspace/manage.py\", line 22, in <module>\n" +
					"    main()\n" +
					"django.core.exceptions.ImproperlyConfigured: You're using the staticfiles app without having set the required STATIC_ROOT setting to a filesystem path.\n"
				python.Results[runCollectstatic] = pythonResult{Output: output, Err: exitError{1}}

				_, err := build(buildCtx)
				Expect(errs.IsUser(err)).To(BeTrue())
				Expect(err.Error()).To(Equal("Django's collectstatic failed ('python manage.py collectstatic --noinput' exited with an error)\n\n" +
					"  Traceback (most recent call last):\n" +
					"    File \"/workspace/manage.py\", line 22, in <module>\n" +
					"      main()\n" +
					"  django.core.exceptions.ImproperlyConfigured: You're using the staticfiles app without having set the required STATIC_ROOT setting to a filesystem path.\n" +
					"  (python: exit status 1)\n\n" +
					"To fix: fix the error Django reports above (for example: STATIC_ROOT is not set in the app's settings, or a stylesheet refers to a file that does not exist); or set DISABLE_COLLECTSTATIC=true to skip collectstatic"))

				logs := buffer.String()
				Expect(logs).To(ContainSubstring("    Running 'python manage.py collectstatic --noinput'\n"))
				Expect(strings.Count(logs, "      Post-processed 'x.css'\n")).To(Equal(30))
				Expect(logs).To(ContainSubstring("      django.core.exceptions.ImproperlyConfigured"))
				Expect(logs).NotTo(ContainSubstring("Completed"))
			})

			it("shows the last lines when Django printed no traceback", func() {
				python.Results[runCollectstatic] = pythonResult{
					Output: strings.Repeat("line\n", 25) + "CommandError: An error occurred during rendering\n",
					Err:    exitError{1},
				}
				_, err := build(buildCtx)
				Expect(errs.IsUser(err)).To(BeTrue())
				var userErr *errs.UserError
				Expect(errors.As(err, &userErr)).To(BeTrue())
				Expect(userErr.Detail).To(Equal(strings.Repeat("line\n", 19) + "CommandError: An error occurred during rendering\n(python: exit status 1)"))
			})
		})
	})
}
