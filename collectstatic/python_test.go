package collectstatic_test

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/collectstatic"
	"github.com/sclevine/spec"
)

// fakeExecutable records the executions it is given.
type fakeExecutable struct {
	Executions []pexec.Execution
	Err        error
}

func (f *fakeExecutable) Execute(execution pexec.Execution) error {
	f.Executions = append(f.Executions, execution)
	if execution.Stdout != nil {
		fmt.Fprint(execution.Stdout, "out")
	}
	return f.Err
}

func testPython(t *testing.T, context spec.G, it spec.S) {
	var Expect = NewWithT(t).Expect

	context("Runner", func() {
		it("runs python with the args in the directory, both streams to out, in the build's environment", func() {
			executable := &fakeExecutable{}
			var out bytes.Buffer
			err := collectstatic.NewRunner(executable).Run([]string{"manage.py", "collectstatic", "--noinput"}, "/workspace", &out)
			Expect(err).NotTo(HaveOccurred())

			Expect(executable.Executions).To(HaveLen(1))
			execution := executable.Executions[0]
			Expect(execution.Args).To(Equal([]string{"manage.py", "collectstatic", "--noinput"}))
			Expect(execution.Dir).To(Equal("/workspace"))
			Expect(execution.Env).To(BeNil())
			Expect(execution.Stdout).To(BeIdenticalTo(&out))
			Expect(execution.Stderr).To(BeIdenticalTo(&out))
			Expect(out.String()).To(Equal("out"))
		})

		it("runs a real program and reports its non-zero exit", func() {
			var out bytes.Buffer
			err := collectstatic.NewRunner(pexec.NewExecutable("sh")).Run([]string{"-c", "pwd; echo oops >&2; exit 3"}, t.TempDir(), &out)
			Expect(err).To(MatchError("exit status 3"))
			Expect(collectstatic.ExitedNonZero(err)).To(BeTrue())
			Expect(out.String()).To(ContainSubstring("oops"))
		})

		context("failure cases", func() {
			it("returns the executable's error", func() {
				executable := &fakeExecutable{Err: errors.New("no python")}
				err := collectstatic.NewRunner(executable).Run([]string{"-V"}, "", &bytes.Buffer{})
				Expect(err).To(MatchError("no python"))
			})
		})
	})

	context("ExitedNonZero", func() {
		it("is true for a process that ran and failed", func() {
			err := exec.Command("sh", "-c", "exit 1").Run()
			Expect(collectstatic.ExitedNonZero(err)).To(BeTrue())
			Expect(collectstatic.ExitedNonZero(fmt.Errorf("wrapped: %w", err))).To(BeTrue())
		})

		it("is false for a program that could not start, and for no error", func() {
			err := collectstatic.NewRunner(pexec.NewExecutable("no-such-python-cnb-program")).Run(nil, "", &bytes.Buffer{})
			Expect(err).To(HaveOccurred())
			Expect(collectstatic.ExitedNonZero(err)).To(BeFalse())
			Expect(collectstatic.ExitedNonZero(errors.New("other"))).To(BeFalse())
			Expect(collectstatic.ExitedNonZero(nil)).To(BeFalse())
		})
	})
}
