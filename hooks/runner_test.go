package hooks_test

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/sclevine/spec"
)

func testRunner(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		dir    string
		out    *bytes.Buffer
		runner hooks.ExecRunner
	)

	it.Before(func() {
		var err error
		dir, err = filepath.EvalSymlinks(t.TempDir())
		Expect(err).NotTo(HaveOccurred())
		out = &bytes.Buffer{}
		runner = hooks.NewRunner()
	})

	it("runs in dir with the build's environment plus env", func() {
		t.Setenv("FROM_THE_BUILD", "inherited")
		err := runner.Run([]string{"bash", "-c", `pwd; echo "$FROM_THE_BUILD $EXTRA"`}, dir, []string{"EXTRA=added"}, out)
		Expect(err).NotTo(HaveOccurred())
		Expect(out.String()).To(Equal(dir + "\ninherited added\n"))
	})

	it("lets env override a variable of the build's environment", func() {
		t.Setenv("SOURCE_DIR", "/elsewhere")
		Expect(runner.Run([]string{"bash", "-c", `echo "$SOURCE_DIR"`}, dir, hooks.Env(dir), out)).To(Succeed())
		Expect(out.String()).To(Equal(dir + "\n"))
	})

	it("writes stdout and stderr to out in the order they were printed", func() {
		Expect(runner.Run([]string{"bash", "-c", "echo one; echo two >&2; echo three"}, dir, nil, out)).To(Succeed())
		Expect(out.String()).To(Equal("one\ntwo\nthree\n"))
	})

	it("gives the program no standard input", func() {
		Expect(runner.Run([]string{"bash", "-c", `if read -r line; then echo "read $line"; else echo eof; fi`}, dir, nil, out)).To(Succeed())
		Expect(out.String()).To(Equal("eof\n"))
	})

	it("does not wait for background processes that keep its output open", func() {
		runner = hooks.ExecRunner{WaitDelay: 200 * time.Millisecond}
		start := time.Now()
		err := runner.Run([]string{"bash", "-c", "echo started; sleep 30 &"}, dir, nil, out)
		Expect(err).NotTo(HaveOccurred())
		Expect(time.Since(start)).To(BeNumerically("<", 10*time.Second))
		Expect(out.String()).To(Equal("started\n(it exited, but processes it left in the background still held its output after 200ms: what they print is not shown)\n"))
	})

	it("waits DefaultWaitDelay when given no delay", func() {
		Expect(hooks.NewRunner().WaitDelay).To(Equal(hooks.DefaultWaitDelay))
		Expect(hooks.ExecRunner{}.Run([]string{"true"}, dir, nil, out)).To(Succeed())
	})

	context("failure cases", func() {
		it("returns the exit status of a program that fails", func() {
			err := runner.Run([]string{"bash", "-c", "echo bye; exit 3"}, dir, nil, out)
			var exit *exec.ExitError
			Expect(errors.As(err, &exit)).To(BeTrue())
			Expect(exit.ExitCode()).To(Equal(3))
			Expect(err).To(MatchError("exit status 3"))
			Expect(out.String()).To(Equal("bye\n"))
		})

		it("returns an error when the program cannot be started", func() {
			err := runner.Run([]string{filepath.Join(dir, "missing")}, dir, nil, out)
			Expect(err).To(HaveOccurred())
			var exit *exec.ExitError
			Expect(errors.As(err, &exit)).To(BeFalse())
		})

		it("refuses to run nothing", func() {
			Expect(runner.Run(nil, dir, nil, out)).To(MatchError("no program to run"))
		})
	})
}
