package hooks_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

func testScript(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		// root holds appDir and files outside the app.
		root, appDir string
	)

	prepare := func(value string) (hooks.Hook, error) {
		return hooks.Hook{Phase: hooks.Pre, Setting: hooks.PreBuildScriptPathEnv, Text: value}.Prepare(appDir)
	}

	it.Before(func() {
		var err error
		root, err = filepath.EvalSymlinks(t.TempDir())
		Expect(err).NotTo(HaveOccurred())
		appDir = filepath.Join(root, "app")
		Expect(os.Mkdir(appDir, 0o755)).To(Succeed())
	})

	context("how a script runs", func() {
		it("runs an executable script with a #! line directly", func() {
			Expect(writeFile(appDir, "scripts/pre.sh", "#!/bin/sh\necho hi\n", 0o755)).To(Succeed())
			hook, err := prepare("scripts/pre.sh")
			Expect(err).NotTo(HaveOccurred())
			script := filepath.Join(appDir, "scripts/pre.sh")
			Expect(hook.Script).To(Equal(script))
			Expect(hook.Args).To(Equal([]string{script}))
			Expect(hook.How).To(Equal("directly, as it is executable"))
		})

		it("runs a script that is not executable with the interpreter its #! line names", func() {
			Expect(writeFile(appDir, "post.py", "#!/usr/bin/env python3\nprint('hi')\n", 0o644)).To(Succeed())
			hook, err := prepare("post.py")
			Expect(err).NotTo(HaveOccurred())
			script := filepath.Join(appDir, "post.py")
			Expect(hook.Args).To(Equal([]string{"/usr/bin/env", "python3", script}))
			Expect(hook.How).To(Equal("with '/usr/bin/env python3' from its #! line, as it is not executable"))
		})

		it("reads the #! line as Linux does: one argument, tabs and spaces, and tolerates a CRLF ending", func() {
			Expect(writeFile(appDir, "a.sh", "#! /bin/sh\t-e -u  \r\necho\r\n", 0o644)).To(Succeed())
			hook, err := prepare("a.sh")
			Expect(err).NotTo(HaveOccurred())
			Expect(hook.Args).To(Equal([]string{"/bin/sh", "-e -u", filepath.Join(appDir, "a.sh")}))
		})

		it("runs a script without a #! line with bash, executable or not", func() {
			Expect(writeFile(appDir, "plain.sh", "echo hi\n", 0o644)).To(Succeed())
			Expect(writeFile(appDir, "exec.sh", "echo hi\n", 0o755)).To(Succeed())
			Expect(writeFile(appDir, "empty.sh", "", 0o644)).To(Succeed())
			Expect(writeFile(appDir, "bare.sh", "#!\necho hi\n", 0o644)).To(Succeed())
			for _, name := range []string{"plain.sh", "exec.sh", "empty.sh", "bare.sh"} {
				hook, err := prepare(name)
				Expect(err).NotTo(HaveOccurred())
				Expect(hook.Args).To(Equal([]string{"bash", filepath.Join(appDir, name)}), name)
				Expect(hook.How).To(Equal("with bash, as it has no #! line"))
			}
		})

		it("leaves the script's mode alone", func() {
			Expect(writeFile(appDir, "pre.sh", "echo hi\n", 0o644)).To(Succeed())
			_, err := prepare("pre.sh")
			Expect(err).NotTo(HaveOccurred())
			info, err := os.Stat(filepath.Join(appDir, "pre.sh"))
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o644)))
		})
	})

	context("where a script may be", func() {
		it("takes an absolute path inside the app", func() {
			Expect(writeFile(appDir, "scripts/pre.sh", "echo\n", 0o644)).To(Succeed())
			hook, err := prepare(filepath.Join(appDir, "scripts/pre.sh"))
			Expect(err).NotTo(HaveOccurred())
			Expect(hook.Script).To(Equal(filepath.Join(appDir, "scripts/pre.sh")))
		})

		it("takes .. that stays inside the app", func() {
			Expect(writeFile(appDir, "scripts/pre.sh", "echo\n", 0o644)).To(Succeed())
			Expect(os.Mkdir(filepath.Join(appDir, "other"), 0o755)).To(Succeed())
			hook, err := prepare("other/../scripts/pre.sh")
			Expect(err).NotTo(HaveOccurred())
			Expect(hook.Script).To(Equal(filepath.Join(appDir, "scripts/pre.sh")))
		})

		it("resolves a symlink that stays inside the app, and runs its target", func() {
			Expect(writeFile(appDir, "tools/real.sh", "echo\n", 0o644)).To(Succeed())
			Expect(os.Mkdir(filepath.Join(appDir, "scripts"), 0o755)).To(Succeed())
			Expect(os.Symlink("../tools/real.sh", filepath.Join(appDir, "scripts/pre.sh"))).To(Succeed())
			hook, err := prepare("scripts/pre.sh")
			Expect(err).NotTo(HaveOccurred())
			Expect(hook.Script).To(Equal(filepath.Join(appDir, "tools/real.sh")))
			Expect(hook.Args).To(Equal([]string{"bash", filepath.Join(appDir, "tools/real.sh")}))
		})

		it("accepts an app directory reached through a symlink", func() {
			Expect(writeFile(appDir, "pre.sh", "echo\n", 0o644)).To(Succeed())
			link := filepath.Join(root, "link")
			Expect(os.Symlink(appDir, link)).To(Succeed())
			hook, err := hooks.Hook{Phase: hooks.Pre, Setting: hooks.PreBuildScriptPathEnv, Text: "pre.sh"}.Prepare(link)
			Expect(err).NotTo(HaveOccurred())
			Expect(hook.Script).To(Equal(filepath.Join(appDir, "pre.sh")))
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

		it("fails, naming the setting and the path, when the script does not exist", func() {
			_, err := prepare("scripts/missing.sh")
			expectUserError(err,
				"PRE_BUILD_SCRIPT_PATH=scripts/missing.sh: there is no such file in the app",
				"looked for "+filepath.Join(appDir, "scripts/missing.sh"),
				"To fix: commit the script with the app, or correct PRE_BUILD_SCRIPT_PATH")
		})

		it("fails when a path component is a file", func() {
			Expect(writeFile(appDir, "app.py", "", 0o644)).To(Succeed())
			_, err := prepare("app.py/pre.sh")
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH=app.py/pre.sh: there is no such file in the app")
		})

		it("fails on a dangling symlink as on a missing file", func() {
			Expect(os.Symlink("nowhere.sh", filepath.Join(appDir, "pre.sh"))).To(Succeed())
			_, err := prepare("pre.sh")
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH=pre.sh: there is no such file in the app")
		})

		it("fails when .. leads outside the app", func() {
			Expect(writeFile(root, "evil.sh", "echo\n", 0o755)).To(Succeed())
			_, err := prepare("../evil.sh")
			expectUserError(err,
				"PRE_BUILD_SCRIPT_PATH=../evil.sh points outside the app",
				"it resolves to "+filepath.Join(root, "evil.sh")+", which is not inside the app directory "+appDir,
				"To fix: keep the file inside the app and name it by its path relative to the app's root")
		})

		it("fails when an absolute path is outside the app", func() {
			Expect(writeFile(root, "evil.sh", "echo\n", 0o755)).To(Succeed())
			_, err := prepare(filepath.Join(root, "evil.sh"))
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH="+filepath.Join(root, "evil.sh")+" points outside the app")
		})

		it("fails when a symlink in the app leads outside it", func() {
			Expect(writeFile(root, "evil.sh", "echo\n", 0o755)).To(Succeed())
			Expect(os.Mkdir(filepath.Join(appDir, "scripts"), 0o755)).To(Succeed())
			Expect(os.Symlink("../../evil.sh", filepath.Join(appDir, "scripts/pre.sh"))).To(Succeed())
			_, err := prepare("scripts/pre.sh")
			expectUserError(err,
				"PRE_BUILD_SCRIPT_PATH=scripts/pre.sh points outside the app",
				"it resolves to "+filepath.Join(root, "evil.sh"))
		})

		it("fails when a symlinked directory in the app leads outside it", func() {
			Expect(writeFile(root, "shared/pre.sh", "echo\n", 0o755)).To(Succeed())
			Expect(os.Symlink(filepath.Join(root, "shared"), filepath.Join(appDir, "shared"))).To(Succeed())
			_, err := prepare("shared/pre.sh")
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH=shared/pre.sh points outside the app")
		})

		it("fails on a sibling directory whose name starts like the app's", func() {
			Expect(writeFile(root, "app2/pre.sh", "echo\n", 0o755)).To(Succeed())
			_, err := prepare("../app2/pre.sh")
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH=../app2/pre.sh points outside the app")
		})

		it("fails on a directory, the app itself included", func() {
			Expect(os.Mkdir(filepath.Join(appDir, "scripts"), 0o755)).To(Succeed())
			_, err := prepare("scripts")
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH=scripts is a directory, not a script", "set PRE_BUILD_SCRIPT_PATH to the path of the script itself")
			_, err = prepare(".")
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH=. is a directory, not a script")
		})

		it("fails on something that is not a regular file", func() {
			Expect(syscall.Mkfifo(filepath.Join(appDir, "pipe"), 0o644)).To(Succeed())
			_, err := prepare("pipe")
			expectUserError(err, "PRE_BUILD_SCRIPT_PATH=pipe is not a regular file, not a script")
		})

		it("returns an error naming the setting on a symlink loop", func() {
			Expect(os.Symlink("b.sh", filepath.Join(appDir, "a.sh"))).To(Succeed())
			Expect(os.Symlink("a.sh", filepath.Join(appDir, "b.sh"))).To(Succeed())
			_, err := prepare("a.sh")
			Expect(err).To(MatchError(ContainSubstring("resolving PRE_BUILD_SCRIPT_PATH=a.sh: ")))
		})

		it("returns a plain error when the script cannot be read", func() {
			if os.Geteuid() == 0 {
				t.Skip("root reads any file")
			}
			Expect(writeFile(appDir, "secret.sh", "echo\n", 0o000)).To(Succeed())
			_, err := prepare("secret.sh")
			Expect(err).To(MatchError(ContainSubstring("reading PRE_BUILD_SCRIPT_PATH=secret.sh")))
			Expect(errs.IsUser(err)).To(BeFalse())
		})

		it("returns a plain error when the app directory cannot be resolved", func() {
			_, err := hooks.Hook{Phase: hooks.Pre, Setting: hooks.PreBuildScriptPathEnv, Text: "pre.sh"}.Prepare(filepath.Join(root, "gone"))
			Expect(err).To(MatchError(ContainSubstring("resolving the app directory " + filepath.Join(root, "gone"))))
			Expect(errs.IsUser(err)).To(BeFalse())
		})
	})
}
