package pip_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/pip"
	"github.com/sclevine/spec"
)

// fakeExecutable records every execution. Handle, when set, acts for it;
// otherwise Output is written to its stdout and Err returned.
type fakeExecutable struct {
	Calls  []pexec.Execution
	Output string
	Err    error
	Handle func(pexec.Execution) error
}

func (f *fakeExecutable) Execute(execution pexec.Execution) error {
	f.Calls = append(f.Calls, execution)
	if f.Handle != nil {
		return f.Handle(execution)
	}
	if execution.Stdout != nil {
		fmt.Fprint(execution.Stdout, f.Output)
	}
	return f.Err
}

func testRunner(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		exe    *fakeExecutable
		runner pip.Runner
		out    *bytes.Buffer
	)

	it.Before(func() {
		exe = &fakeExecutable{}
		runner = pip.NewRunner(exe)
		out = bytes.NewBuffer(nil)
	})

	context("CreateVenv", func() {
		it("runs python -m venv --without-pip, streaming its output", func() {
			Expect(runner.CreateVenv("/layers/venv", out)).To(Succeed())

			Expect(exe.Calls).To(HaveLen(1))
			call := exe.Calls[0]
			Expect(call.Args).To(Equal([]string{"-m", "venv", "--without-pip", "/layers/venv"}))
			Expect(call.Dir).To(BeEmpty())
			Expect(call.Stdout).To(BeIdenticalTo(out))
			Expect(call.Stderr).To(BeIdenticalTo(out))
		})

		context("failure cases", func() {
			it("returns python's error", func() {
				exe.Err = errors.New("exit status 1")
				Expect(runner.CreateVenv("/layers/venv", out)).To(MatchError(exe.Err))
			})
		})
	})

	context("Pip", func() {
		it("runs pip against the environment's python, in dir, streaming its output", func() {
			Expect(runner.Pip("/layers/venv", "/workspace", []string{"install", "flask"}, out)).To(Succeed())

			Expect(exe.Calls).To(HaveLen(1))
			call := exe.Calls[0]
			Expect(call.Args).To(Equal([]string{
				"-m", "pip", "--python", "/layers/venv/bin/python", "--disable-pip-version-check", "--no-input",
				"install", "flask",
			}))
			Expect(call.Dir).To(Equal("/workspace"))
			Expect(call.Stdout).To(BeIdenticalTo(out))
			Expect(call.Stderr).To(BeIdenticalTo(out))
		})

		it("adds the runner's environment to the process environment", func() {
			t.Setenv("PIP_RUNNER_TEST", "from-process")
			runner = pip.NewRunner(exe, "A=1").WithEnv("B=2")

			Expect(runner.Pip("/layers/venv", "/workspace", []string{"list"}, out)).To(Succeed())
			Expect(runner.CreateVenv("/layers/venv", out)).To(Succeed())

			for _, call := range exe.Calls {
				Expect(call.Env).To(ContainElement("PIP_RUNNER_TEST=from-process"))
				// Last, so that they win over the process environment.
				Expect(call.Env[len(call.Env)-2:]).To(Equal([]string{"A=1", "B=2"}))
			}
		})

		it("leaves the runner WithEnv was called on unchanged", func() {
			base := pip.NewRunner(exe, "A=1")
			_ = base.WithEnv("B=2")
			other := base.WithEnv("C=3")

			Expect(base.Pip("/v", "/w", nil, out)).To(Succeed())
			Expect(other.Pip("/v", "/w", nil, out)).To(Succeed())
			Expect(exe.Calls[0].Env).NotTo(ContainElement("B=2"))
			Expect(exe.Calls[1].Env).NotTo(ContainElement("B=2"))
			Expect(exe.Calls[1].Env[len(exe.Calls[1].Env)-2:]).To(Equal([]string{"A=1", "C=3"}))
		})

		context("failure cases", func() {
			it("returns pip's error", func() {
				exe.Err = errors.New("exit status 2")
				Expect(runner.Pip("/v", "/w", []string{"install"}, out)).To(MatchError(exe.Err))
			})
		})
	})
}
