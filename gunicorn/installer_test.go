package gunicorn_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

// fakeExecutable records the programs it is asked to run and their
// executions, and runs stub, if any.
type fakeExecutable struct {
	Names      []string
	Executions []pexec.Execution
	stub       func(pexec.Execution) error
}

func (f *fakeExecutable) at(name string) gunicorn.Executable {
	f.Names = append(f.Names, name)
	return f
}

func (f *fakeExecutable) Execute(execution pexec.Execution) error {
	f.Executions = append(f.Executions, execution)
	if f.stub != nil {
		return f.stub(execution)
	}
	return nil
}

func testInstaller(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect    = NewWithT(t).Expect
		python    *fakeExecutable
		installer gunicorn.PipInstaller
	)

	it.Before(func() {
		python = &fakeExecutable{}
		installer = gunicorn.NewPipInstaller(python.at)
	})

	context("Probe", func() {
		it("reports python's version, the gunicorn it imports and the interpreter outside the virtual environment", func() {
			python.stub = func(e pexec.Execution) error {
				fmt.Fprint(e.Stdout, "3.13.1 (main, Dec 19 2024) [Clang 18]\n23.0.0\n/layers/cpython/bin/python3\n")
				return nil
			}
			probe, err := installer.Probe()
			Expect(err).NotTo(HaveOccurred())
			Expect(probe).To(Equal(gunicorn.Probe{Python: "3.13.1 (main, Dec 19 2024) [Clang 18]", Gunicorn: "23.0.0", BasePython: "/layers/cpython/bin/python3"}))
			Expect(python.Names).To(Equal([]string{"python"}))
			Expect(python.Executions[0].Args[0]).To(Equal("-c"))
			Expect(python.Executions[0].Args[1]).To(ContainSubstring("import gunicorn"))
			Expect(python.Executions[0].Dir).To(Equal(os.TempDir()))
		})

		it("reports no gunicorn when python cannot import it", func() {
			python.stub = func(e pexec.Execution) error {
				fmt.Fprint(e.Stdout, "3.12.1\n\n/usr/bin/python3\n")
				return nil
			}
			probe, err := installer.Probe()
			Expect(err).NotTo(HaveOccurred())
			Expect(probe).To(Equal(gunicorn.Probe{Python: "3.12.1", BasePython: "/usr/bin/python3"}))
		})

		context("failure cases", func() {
			it("fails with python's error output when python fails", func() {
				python.stub = func(e pexec.Execution) error {
					fmt.Fprint(e.Stderr, "Traceback...\nSyntaxError: bad gunicorn\n")
					return errors.New("exit status 1")
				}
				_, err := installer.Probe()
				Expect(err).To(MatchError("running python to look for gunicorn: exit status 1\nTraceback...\nSyntaxError: bad gunicorn"))
			})

			it("fails on output it does not understand", func() {
				for _, output := range []string{"hello\n", "3.12.1\n\n\n", "3.12.1\n\n/usr/bin/python3"} {
					python.stub = func(e pexec.Execution) error {
						fmt.Fprint(e.Stdout, output)
						return nil
					}
					_, err := installer.Probe()
					Expect(err).To(MatchError(fmt.Sprintf("running python to look for gunicorn: unexpected output %q", output)))
				}
			})
		})
	})

	context("Compile", func() {
		it("compiles the target to unchecked-hash bytecode with the given python", func() {
			_, err := installer.Compile("/layers/cpython/bin/python3", "/layers/gunicorn/site-packages")
			Expect(err).NotTo(HaveOccurred())
			Expect(python.Names).To(Equal([]string{"/layers/cpython/bin/python3"}))
			args := python.Executions[0].Args
			Expect(args[:2]).To(Equal([]string{"-I", "-c"}))
			Expect(args[2]).To(ContainSubstring("UNCHECKED_HASH"))
			Expect(args[len(args)-1]).To(Equal("/layers/gunicorn/site-packages"))
		})
	})

	context("Install", func() {
		it("pip-installs the pinned gunicorn into the target with the given python, ignoring pip location settings", func() {
			t.Setenv("PIP_USER", "1")
			t.Setenv("PIP_INDEX_URL", "https://mirror.example/simple")
			Expect(installer.Install("/layers/cpython/bin/python3", "27.0.1", "/layers/gunicorn/site-packages")).To(Succeed())
			Expect(python.Names).To(Equal([]string{"/layers/cpython/bin/python3"}))
			execution := python.Executions[0]
			Expect(execution.Args).To(Equal([]string{"-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-cache-dir",
				"--no-compile", "--target", "/layers/gunicorn/site-packages", "gunicorn==27.0.1"}))
			Expect(execution.Env).To(ContainElement("PIP_INDEX_URL=https://mirror.example/simple"))
			Expect(execution.Env).NotTo(ContainElement(HavePrefix("PIP_USER=")))
			// pip's report, outside the layer, for the bill of materials
			Expect(execution.Env).To(ContainElement(MatchRegexp(`^PIP_REPORT=.*/python-cnb-pip-reports/[0-9a-f]+/report-\d+\.json$`)))
		})

		context("failure cases", func() {
			it("fails with the end of pip's output and what to do", func() {
				python.stub = func(e pexec.Execution) error {
					fmt.Fprint(e.Stdout, "Looking in indexes: https://index.example/simple\n")
					fmt.Fprint(e.Stderr, "ERROR: Could not find a version that satisfies the requirement gunicorn==27.0.1\n")
					return errors.New("exit status 1")
				}
				err := installer.Install("/usr/bin/python3", "27.0.1", "/target")
				Expect(errs.IsUser(err)).To(BeTrue())
				Expect(err).To(MatchError("Could not install gunicorn 27.0.1 with pip (exit status 1)\n\n" +
					"  Looking in indexes: https://index.example/simple\n" +
					"  ERROR: Could not find a version that satisfies the requirement gunicorn==27.0.1\n\n" +
					"To fix: add gunicorn to the app's dependencies (a `gunicorn` line in requirements.txt) so it is installed with them, " +
					"or let the build reach the package index (PIP_INDEX_URL, PIP_CERT), " +
					"or set BP_PYTHON_START_COMMAND to start the app without gunicorn"))
			})
		})
	})
}
