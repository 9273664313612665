package integration_test

import (
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

func testHooks(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("runs the pre-build command before pip and the post-build script last, with the venv active; their files stay, their exports do not", func() {
		image := imageName(t)
		source := app(t, "flask", map[string]string{
			"scripts/post.sh": "echo \"VIRTUAL_ENV=$VIRTUAL_ENV\"\npython -c 'import sys; print(sys.prefix)' > post.txt\n",
		})
		logs := mustBuild(t, image, source, suite.buildpack,
			"--env", "PRE_BUILD_COMMAND=command -v python; echo six >> requirements.txt; echo pre > pre.txt; export LEAKED_FROM_HOOK=1",
			"--env", "POST_BUILD_COMMAND=echo ignored",
			"--env", "POST_BUILD_SCRIPT_PATH=scripts/post.sh")

		Expect(logs).To(ContainSubstring("Running pre-build command 'command -v python; echo six >> requirements.txt; echo pre > pre.txt; export LEAKED_FROM_HOOK=1' (PRE_BUILD_COMMAND)"))
		Expect(logs).To(ContainSubstring("/layers/python-cnb_cpython/cpython/bin/python"))
		Expect(logs).To(ContainSubstring("POST_BUILD_COMMAND is ignored: POST_BUILD_SCRIPT_PATH takes precedence, as in Oryx"))
		Expect(logs).To(ContainSubstring("Running post-build script 'scripts/post.sh' (POST_BUILD_SCRIPT_PATH)"))
		Expect(logs).To(ContainSubstring("VIRTUAL_ENV=/layers/python-cnb_pip/venv"))
		pre := strings.Index(logs, "Running pre-build command")
		pip := strings.Index(logs, "Python CNB: pip")
		start := strings.Index(logs, "Python CNB: start command")
		post := strings.Index(logs, "Running post-build script")
		Expect(pre).To(BeNumerically("<", pip))
		Expect(start).To(BeNumerically("<", post))

		Expect(dockerRun(image, "cat", "/workspace/pre.txt", "/workspace/post.txt")).To(Equal("pre\n/layers/python-cnb_pip/venv\n"))
		Expect(dockerRun(image, "python", "-c", "import six; print('six from the pre-build edit')")).To(Equal("six from the pre-build edit\n"))
		env, err := dockerRun(image, "env")
		Expect(err).NotTo(HaveOccurred())
		Expect(env).NotTo(ContainSubstring("LEAKED_FROM_HOOK"))
		Expect(env).NotTo(ContainSubstring("SOURCE_DIR"))
	})

	context("failure cases", func() {
		it("fails with the command, its exit status and its last lines", func() {
			source := app(t, "plain", nil)
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "POST_BUILD_COMMAND=echo about to fail; exit 3")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("The post-build command 'echo about to fail; exit 3' (POST_BUILD_COMMAND) failed with exit status 3"))
			Expect(logs).To(ContainSubstring("about to fail"))
		})

		it("refuses a script path outside the app", func() {
			source := app(t, "flask", nil)
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "PRE_BUILD_SCRIPT_PATH=../etc/passwd")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("PRE_BUILD_SCRIPT_PATH=../etc/passwd points outside the app"))
			Expect(logs).NotTo(ContainSubstring("Python CNB: pip"))
		})

		it("refuses a script path that does not exist", func() {
			source := app(t, "plain", nil)
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "PRE_BUILD_SCRIPT_PATH=scripts/nope.sh")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("PRE_BUILD_SCRIPT_PATH=scripts/nope.sh: there is no such file in the app"))
		})

		it("refuses a boolean setting that is not true or false, naming it", func() {
			source := app(t, "plain", nil)
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "DISABLE_RECURSIVE_LOOKUP=yes")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring(`DISABLE_RECURSIVE_LOOKUP="yes" is not a boolean`))
		})
	})
}
