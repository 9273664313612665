package hooks_test

import (
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/sclevine/spec"
)

func testHook(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		appDir string
	)

	it.Before(func() {
		clearSettings(t)
		var err error
		appDir, err = filepath.EvalSymlinks(t.TempDir())
		Expect(err).NotTo(HaveOccurred())
	})

	context("Settings", func() {
		it("reads the phase's two settings without surrounding whitespace", func() {
			t.Setenv(hooks.PostBuildCommandEnv, "  make assets \n")
			t.Setenv(hooks.PostBuildScriptPathEnv, "\tscripts/post.sh ")
			t.Setenv(hooks.PreBuildCommandEnv, "echo pre")
			command, script := hooks.Settings(hooks.Post)
			Expect(command).To(Equal("make assets"))
			Expect(script).To(Equal("scripts/post.sh"))
		})
	})

	context("Choose", func() {
		it("takes the command when only it is set", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "echo hi")
			hook, ok := hooks.Choose(hooks.Pre)
			Expect(ok).To(BeTrue())
			Expect(hook).To(Equal(hooks.Hook{Phase: hooks.Pre, Setting: "PRE_BUILD_COMMAND", Text: "echo hi"}))
			Expect(hook.Kind()).To(Equal("command"))
		})

		it("takes the script path over the command, as Oryx does, and says which setting it ignores", func() {
			t.Setenv(hooks.PostBuildCommandEnv, "echo hi")
			t.Setenv(hooks.PostBuildScriptPathEnv, "scripts/post.sh")
			hook, ok := hooks.Choose(hooks.Post)
			Expect(ok).To(BeTrue())
			Expect(hook).To(Equal(hooks.Hook{Phase: hooks.Post, Setting: "POST_BUILD_SCRIPT_PATH", Text: "scripts/post.sh", Ignored: "POST_BUILD_COMMAND"}))
			Expect(hook.Kind()).To(Equal("script"))
		})

		it("has nothing to run when neither is set", func() {
			_, ok := hooks.Choose(hooks.Pre)
			Expect(ok).To(BeFalse())
		})
	})

	context("Display", func() {
		it("quotes one line, and the first of several", func() {
			Expect(hooks.Hook{Text: "echo hi"}.Display()).To(Equal("'echo hi'"))
			Expect(hooks.Hook{Text: "echo a\r\necho b\necho c"}.Display()).To(Equal("'echo a …'"))
		})
	})

	context("Label", func() {
		it("names the phase, the kind, the text and the setting, with the count of several lines", func() {
			Expect(hooks.Hook{Phase: hooks.Pre, Setting: hooks.PreBuildCommandEnv, Text: "make assets"}.Label()).
				To(Equal("pre-build command 'make assets' (PRE_BUILD_COMMAND)"))
			Expect(hooks.Hook{Phase: hooks.Post, Setting: hooks.PostBuildScriptPathEnv, Text: "scripts/post.sh"}.Label()).
				To(Equal("post-build script 'scripts/post.sh' (POST_BUILD_SCRIPT_PATH)"))
			Expect(hooks.Hook{Phase: hooks.Post, Setting: hooks.PostBuildCommandEnv, Text: "echo a\necho b\necho c"}.Label()).
				To(Equal("post-build command 'echo a …' (3 lines, POST_BUILD_COMMAND)"))
		})
	})

	context("Prepare", func() {
		it("runs a command with bash -e -c, as Oryx runs it inside its set -e script", func() {
			hook, err := hooks.Hook{Phase: hooks.Pre, Setting: hooks.PreBuildCommandEnv, Text: "echo hi && ls"}.Prepare(appDir)
			Expect(err).NotTo(HaveOccurred())
			Expect(hook.Args).To(Equal([]string{"bash", "-e", "-c", "echo hi && ls"}))
			Expect(hook.Script).To(BeEmpty())
			Expect(hook.How).To(Equal("with bash -e -c"))
			Expect(hook.Note).To(BeEmpty())
		})

		it("runs a command that names a file in the app as a script, as Oryx does", func() {
			Expect(writeFile(appDir, "scripts/pre.sh", "echo pre\n", 0o644)).To(Succeed())
			hook, err := hooks.Hook{Phase: hooks.Pre, Setting: hooks.PreBuildCommandEnv, Text: "scripts/pre.sh"}.Prepare(appDir)
			Expect(err).NotTo(HaveOccurred())
			script := filepath.Join(appDir, "scripts/pre.sh")
			Expect(hook.Script).To(Equal(script))
			Expect(hook.Args).To(Equal([]string{"bash", script}))
			Expect(hook.Note).To(Equal("'scripts/pre.sh' names a file in the app: it runs as a script, as in Oryx"))
			Expect(hook.Kind()).To(Equal("command"))
		})

		it("leaves a command that names a file outside the app, or a directory, to bash", func() {
			outside := filepath.Join(t.TempDir(), "tool.sh")
			Expect(writeFile(filepath.Dir(outside), "tool.sh", "echo\n", 0o755)).To(Succeed())
			Expect(writeFile(appDir, "scripts/keep", "", 0o644)).To(Succeed())
			for _, command := range []string{outside, "scripts", "../" + filepath.Base(appDir) + "/../tool.sh"} {
				hook, err := hooks.Hook{Phase: hooks.Post, Setting: hooks.PostBuildCommandEnv, Text: command}.Prepare(appDir)
				Expect(err).NotTo(HaveOccurred())
				Expect(hook.Args).To(Equal([]string{"bash", "-e", "-c", command}), command)
				Expect(hook.Script).To(BeEmpty())
			}
		})
	})

	context("Env", func() {
		it("gives the hook Oryx's SOURCE_DIR and DESTINATION_DIR, both the app directory", func() {
			Expect(hooks.Env("/workspace")).To(Equal([]string{"SOURCE_DIR=/workspace", "DESTINATION_DIR=/workspace"}))
		})
	})
}
