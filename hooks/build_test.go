package hooks_test

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
	"github.com/python-cnb/buildpack/hooks"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

type runCall struct {
	Args []string
	Dir  string
	Env  []string
}

// fakeRunner records its calls, prints Output and returns Err.
type fakeRunner struct {
	Calls  []runCall
	Output string
	Err    error
}

func (f *fakeRunner) Run(args []string, dir string, env []string, out io.Writer) error {
	f.Calls = append(f.Calls, runCall{args, dir, env})
	_, _ = io.WriteString(out, f.Output)
	return f.Err
}

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		root, appDir string
		buffer       *bytes.Buffer
		clock        chronos.Clock
		runner       *fakeRunner
		buildCtx     packit.BuildContext
	)

	// build runs the phase with runner (the fake unless given).
	build := func(phase hooks.Phase, r ...hooks.Runner) (packit.BuildResult, error) {
		var use hooks.Runner = runner
		if len(r) > 0 {
			use = r[0]
		}
		buildCtx.BuildpackInfo = packit.BuildpackInfo{Name: "Python CNB: " + string(phase) + " hook", Version: "0.1.0"}
		return hooks.Build(use, clock, scribe.NewEmitter(buffer), phase)(buildCtx)
	}
	execRunner := hooks.NewRunner()

	it.Before(func() {
		clearSettings(t)
		var err error
		root, err = filepath.EvalSymlinks(t.TempDir())
		Expect(err).NotTo(HaveOccurred())
		appDir = filepath.Join(root, "workspace")
		Expect(os.Mkdir(appDir, 0o755)).To(Succeed())
		buffer = &bytes.Buffer{}
		now := time.Unix(1700000000, 0)
		// Every reading is 1.5s after the previous one.
		clock = chronos.NewClock(func() time.Time {
			now = now.Add(1500 * time.Millisecond)
			return now
		})
		runner = &fakeRunner{}
		buildCtx = packit.BuildContext{
			WorkingDir: appDir,
			CNBPath:    filepath.Join(root, "cnb"),
			Layers:     packit.Layers{Path: filepath.Join(root, "layers")},
			Platform:   packit.Platform{Path: filepath.Join(root, "platform")},
		}
		// A python on PATH, as the cpython layer puts there.
		bin := filepath.Join(root, "bin")
		Expect(writeFile(bin, "python", "#!/bin/sh\n", 0o755)).To(Succeed())
		t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		t.Setenv("VIRTUAL_ENV", "")
	})

	context("with a command", func() {
		it("runs it with bash -e -c in the app directory, streams its output under a heading, and times it", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "echo hi")
			runner.Output = "hi\nsecond line\n"

			result, err := build(hooks.Pre)
			Expect(err).NotTo(HaveOccurred())
			Expect(result).To(Equal(packit.BuildResult{}))
			Expect(runner.Calls).To(Equal([]runCall{{
				Args: []string{"bash", "-e", "-c", "echo hi"},
				Dir:  appDir,
				Env:  []string{"SOURCE_DIR=" + appDir, "DESTINATION_DIR=" + appDir},
			}}))
			Expect(buffer.String()).To(Equal(strings.Join([]string{
				"Python CNB: pre-build hook 0.1.0",
				"  Running pre-build command 'echo hi' (PRE_BUILD_COMMAND)",
				"    Running it with bash -e -c, in " + appDir,
				"    With python " + filepath.Join(root, "bin", "python"),
				"      hi",
				"      second line",
				"      Completed in 1.5s",
				"",
				"",
			}, "\n")))
		})

		it("shows every line of a command of several lines", func() {
			t.Setenv(hooks.PostBuildCommandEnv, "echo one\necho two\n")
			_, err := build(hooks.Post)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("  Running post-build command (POST_BUILD_COMMAND):\n    | echo one\n    | echo two\n    Running it with bash -e -c"))
			Expect(runner.Calls[0].Args).To(Equal([]string{"bash", "-e", "-c", "echo one\necho two"}))
		})

		it("runs a command that names a file in the app as that script, as Oryx does", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "scripts/pre.sh")
			Expect(writeFile(appDir, "scripts/pre.sh", "echo pre\n", 0o644)).To(Succeed())
			_, err := build(hooks.Pre)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.Calls[0].Args).To(Equal([]string{"bash", filepath.Join(appDir, "scripts/pre.sh")}))
			Expect(buffer.String()).To(ContainSubstring("  Running pre-build command 'scripts/pre.sh' (PRE_BUILD_COMMAND)\n    'scripts/pre.sh' names a file in the app: it runs as a script, as in Oryx\n    Running it with bash, as it has no #! line, in " + appDir))
		})
	})

	context("with a script path", func() {
		it("runs the script, and logs that the command of the same phase is ignored", func() {
			t.Setenv(hooks.PostBuildCommandEnv, "echo ignored")
			t.Setenv(hooks.PostBuildScriptPathEnv, "scripts/post.sh")
			Expect(writeFile(appDir, "scripts/post.sh", "#!/usr/bin/env bash\necho post\n", 0o755)).To(Succeed())

			_, err := build(hooks.Post)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.Calls).To(HaveLen(1))
			Expect(runner.Calls[0].Args).To(Equal([]string{filepath.Join(appDir, "scripts/post.sh")}))
			Expect(buffer.String()).To(ContainSubstring(strings.Join([]string{
				"  Running post-build script 'scripts/post.sh' (POST_BUILD_SCRIPT_PATH)",
				"    POST_BUILD_COMMAND is ignored: POST_BUILD_SCRIPT_PATH takes precedence, as in Oryx",
				"    Running it directly, as it is executable, in " + appDir,
			}, "\n")))
			Expect(buffer.String()).NotTo(ContainSubstring("echo ignored"))
		})
	})

	context("the environment it runs in", func() {
		it("says when a virtual environment is active (the post-build hook after pip)", func() {
			t.Setenv("VIRTUAL_ENV", "/layers/python-cnb_pip/venv")
			t.Setenv(hooks.PostBuildCommandEnv, "true")
			_, err := build(hooks.Post)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("    With python " + filepath.Join(root, "bin", "python") + " and the virtual environment /layers/python-cnb_pip/venv active\n"))
		})

		it("says when there is no python on PATH, and still runs", func() {
			t.Setenv("PATH", filepath.Join(root, "empty"))
			t.Setenv(hooks.PreBuildCommandEnv, "true")
			_, err := build(hooks.Pre)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("    There is no python on PATH\n"))
			Expect(runner.Calls).To(HaveLen(1))
		})

		it("never logs the environment, only the command's text", func() {
			t.Setenv("SECRET_TOKEN", "hunter2")
			t.Setenv(hooks.PreBuildCommandEnv, `curl -H "Authorization: $SECRET_TOKEN" example.invalid`)
			_, err := build(hooks.Pre)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring(`'curl -H "Authorization: $SECRET_TOKEN" example.invalid'`))
			Expect(buffer.String()).NotTo(ContainSubstring("hunter2"))
		})

		it("does nothing when neither setting is set", func() {
			_, err := build(hooks.Post)
			Expect(err).NotTo(HaveOccurred())
			Expect(runner.Calls).To(BeEmpty())
			Expect(buffer.String()).To(ContainSubstring("  POST_BUILD_COMMAND and POST_BUILD_SCRIPT_PATH are unset: nothing to run"))
		})
	})

	context("with the real runner and bash", func() {
		it("leaves the files a hook writes in the app directory, which is exported as it is", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "mkdir -p static && echo built > static/version.txt && command -v python > python.txt")
			result, err := build(hooks.Pre, execRunner)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Layers).To(BeEmpty())
			Expect(os.ReadFile(filepath.Join(appDir, "static/version.txt"))).To(Equal([]byte("built\n")))
			Expect(os.ReadFile(filepath.Join(appDir, "python.txt"))).To(Equal([]byte(filepath.Join(root, "bin", "python") + "\n")))
		})

		it("keeps the hook's environment changes and directory changes in its own process", func() {
			t.Setenv(hooks.PostBuildCommandEnv, "export LEAKED_FROM_HOOK=1; export PATH=/nowhere; cd /")
			wd, err := os.Getwd()
			Expect(err).NotTo(HaveOccurred())
			path := os.Getenv("PATH")

			result, err := build(hooks.Post, execRunner)
			Expect(err).NotTo(HaveOccurred())
			Expect(result).To(Equal(packit.BuildResult{}))
			_, leaked := os.LookupEnv("LEAKED_FROM_HOOK")
			Expect(leaked).To(BeFalse())
			Expect(os.Getenv("PATH")).To(Equal(path))
			Expect(os.Getwd()).To(Equal(wd))
			entries, err := os.ReadDir(root)
			Expect(err).NotTo(HaveOccurred())
			for _, e := range entries {
				Expect(e.Name()).NotTo(Equal("layers"), "the hook writes no layer, so no env file can carry its variables to launch")
			}
		})

		it("streams the output into the log and gives the hook SOURCE_DIR", func() {
			t.Setenv(hooks.PreBuildCommandEnv, `echo "from $SOURCE_DIR"; echo oops >&2`)
			_, err := build(hooks.Pre, execRunner)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("      from " + appDir + "\n      oops\n      Completed in 1.5s\n"))
		})

		it("honours a #! line of a script that is not executable, and runs one without it with bash", func() {
			Expect(writeFile(appDir, "scripts/show.txt", "#!/bin/cat\nshown by cat\n", 0o644)).To(Succeed())
			t.Setenv(hooks.PostBuildScriptPathEnv, "scripts/show.txt")
			_, err := build(hooks.Post, execRunner)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("      #!/bin/cat\n      shown by cat\n"))

			Expect(writeFile(appDir, "scripts/pre.sh", "echo \"bash $BASH_VERSION\" > ran.txt\n", 0o644)).To(Succeed())
			t.Setenv(hooks.PreBuildScriptPathEnv, "scripts/pre.sh")
			_, err = build(hooks.Pre, execRunner)
			Expect(err).NotTo(HaveOccurred())
			Expect(os.ReadFile(filepath.Join(appDir, "ran.txt"))).To(HavePrefix("bash "))
		})
	})

	context("failure cases", func() {
		expectUserError := func(err error, messages ...string) {
			Expect(err).To(HaveOccurred())
			Expect(errs.IsUser(err)).To(BeTrue(), err.Error())
			for _, m := range messages {
				Expect(err.Error()).To(ContainSubstring(m))
			}
		}

		it("fails with the command, its exit status and its last 20 lines when it exits non-zero", func() {
			command := `for i in $(seq 1 30); do echo "line $i"; done; exit 3`
			t.Setenv(hooks.PreBuildCommandEnv, command)
			_, err := build(hooks.Pre, execRunner)
			expectUserError(err,
				"The pre-build command '"+command+"' (PRE_BUILD_COMMAND) failed with exit status 3",
				"The last lines of its output:\n    line 11\n    line 12\n",
				"    line 30\n",
				"To fix: make the command succeed (its whole output is in the build log above), or unset PRE_BUILD_COMMAND")
			Expect(err.Error()).NotTo(ContainSubstring("line 10\n"))
			Expect(buffer.String()).To(ContainSubstring("      line 1\n"))
			Expect(buffer.String()).To(ContainSubstring("      Failed after 1.5s\n"))
			Expect(buffer.String()).NotTo(ContainSubstring("Completed"))
		})

		it("stops at the first failing command, as Oryx's set -e script does", func() {
			t.Setenv(hooks.PostBuildCommandEnv, "false; touch after.txt")
			_, err := build(hooks.Post, execRunner)
			expectUserError(err, "The post-build command 'false; touch after.txt' (POST_BUILD_COMMAND) failed with exit status 1", "It printed nothing.")
			Expect(filepath.Join(appDir, "after.txt")).NotTo(BeAnExistingFile())
		})

		it("fails with the script, its exit status and its last lines when it exits non-zero", func() {
			Expect(writeFile(appDir, "scripts/post.sh", "#!/bin/bash\necho collecting\necho 'boom' >&2\nexit 3\n", 0o755)).To(Succeed())
			t.Setenv(hooks.PostBuildScriptPathEnv, "scripts/post.sh")
			_, err := build(hooks.Post, execRunner)
			expectUserError(err,
				"The post-build script 'scripts/post.sh' (POST_BUILD_SCRIPT_PATH) failed with exit status 3",
				"The last lines of its output:\n    collecting\n    boom\n",
				"or unset POST_BUILD_SCRIPT_PATH")
		})

		it("repeats a command of several lines in full when it fails", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "echo one\nexit 4")
			runner.Err = exitError(4)
			_, err := build(hooks.Pre)
			expectUserError(err,
				"The pre-build command 'echo one …' (2 lines, PRE_BUILD_COMMAND) failed with exit status 4",
				"The command:\n    echo one\n    exit 4\n")
		})

		it("fails, naming the setting and the path, when the script does not exist, and runs nothing", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "echo ignored")
			t.Setenv(hooks.PreBuildScriptPathEnv, "scripts/missing.sh")
			_, err := build(hooks.Pre)
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH=scripts/missing.sh: there is no such file in the app")
			Expect(runner.Calls).To(BeEmpty())
			Expect(buffer.String()).To(ContainSubstring("PRE_BUILD_COMMAND is ignored: PRE_BUILD_SCRIPT_PATH takes precedence, as in Oryx"))
		})

		it("fails when the script is outside the app through ..", func() {
			Expect(writeFile(root, "outside.sh", "echo\n", 0o755)).To(Succeed())
			t.Setenv(hooks.PostBuildScriptPathEnv, "../outside.sh")
			_, err := build(hooks.Post)
			expectUserError(err, "POST_BUILD_SCRIPT_PATH=../outside.sh points outside the app", filepath.Join(root, "outside.sh"))
			Expect(runner.Calls).To(BeEmpty())
		})

		it("fails when the script is outside the app through a symlink", func() {
			Expect(writeFile(root, "outside.sh", "echo\n", 0o755)).To(Succeed())
			Expect(os.Symlink(filepath.Join(root, "outside.sh"), filepath.Join(appDir, "post.sh"))).To(Succeed())
			t.Setenv(hooks.PostBuildScriptPathEnv, "post.sh")
			_, err := build(hooks.Post)
			expectUserError(err, "POST_BUILD_SCRIPT_PATH=post.sh points outside the app", "it resolves to "+filepath.Join(root, "outside.sh"))
			Expect(runner.Calls).To(BeEmpty())
		})

		it("fails when a script's #! interpreter does not exist", func() {
			Expect(writeFile(appDir, "pre.sh", "#!/no/such/interpreter\necho\n", 0o755)).To(Succeed())
			t.Setenv(hooks.PreBuildScriptPathEnv, "pre.sh")
			_, err := build(hooks.Pre, execRunner)
			expectUserError(err,
				"The pre-build script 'pre.sh' (PRE_BUILD_SCRIPT_PATH) could not be started",
				"no such file or directory",
				"make its #! line name an interpreter the build image has")
		})

		it("returns a plain error when bash cannot be started for a command", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "echo hi")
			runner.Err = errors.New("exec: \"bash\": executable file not found in $PATH")
			_, err := build(hooks.Pre)
			Expect(err).To(MatchError(`running the pre-build command 'echo hi' (PRE_BUILD_COMMAND): exec: "bash": executable file not found in $PATH`))
			Expect(errs.IsUser(err)).To(BeFalse())
		})

		it("returns an error for an unknown phase", func() {
			_, err := build(hooks.Phase("mid-build"))
			Expect(err).To(MatchError(`unknown hook phase "mid-build"`))
		})
	})

	context("PreBuild and PostBuild", func() {
		it("wire the real runner to each phase", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "echo pre > pre.txt")
			t.Setenv(hooks.PostBuildCommandEnv, "echo post > post.txt")
			buildCtx.BuildpackInfo = packit.BuildpackInfo{Name: "hook", Version: "0.1.0"}
			for _, f := range []func(scribe.Emitter) packit.BuildFunc{hooks.PreBuild, hooks.PostBuild} {
				_, err := f(scribe.NewEmitter(buffer))(buildCtx)
				Expect(err).NotTo(HaveOccurred())
			}
			Expect(os.ReadFile(filepath.Join(appDir, "pre.txt"))).To(Equal([]byte("pre\n")))
			Expect(os.ReadFile(filepath.Join(appDir, "post.txt"))).To(Equal([]byte("post\n")))
		})
	})
}

// exitError is a real *exec.ExitError with the given status.
func exitError(code int) error {
	err := hooks.NewRunner().Run([]string{"bash", "-c", fmt.Sprintf("exit %d", code)}, "", nil, io.Discard)
	if err == nil {
		panic("bash exited 0")
	}
	return err
}
