package gunicorn_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// realPython runs the host's python3, or skips the test without one.
func realPython(t *testing.T) func(name string) gunicorn.Executable {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3 on PATH")
	}
	return func(string) gunicorn.Executable { return pexec.NewExecutable("python3") }
}

func testInstaller(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect    = NewWithT(t).Expect
		python    *fakeExecutable
		installer gunicorn.PipInstaller
		appDir    string
	)

	it.Before(func() {
		python = &fakeExecutable{}
		installer = gunicorn.NewPipInstaller(python.at)
		appDir = t.TempDir()
	})

	write := func(rel, content string) {
		path := filepath.Join(appDir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}

	context("Probe", func() {
		it("reports python's version, the interpreter outside the virtual environment and the packages, running python isolated in the app", func() {
			python.stub = func(e pexec.Execution) error {
				fmt.Fprint(e.Stdout, "3.13.1 (main, Dec 19 2024) [Clang 18]\n/layers/cpython/bin/python3\nuvicorn==0.30.0\nflask==3.1.0\nflask==3.1.0\n")
				return nil
			}
			probe, err := installer.Probe(appDir)
			Expect(err).NotTo(HaveOccurred())
			Expect(probe).To(Equal(gunicorn.Probe{Python: "3.13.1 (main, Dec 19 2024) [Clang 18]", BasePython: "/layers/cpython/bin/python3",
				Packages: []string{"flask==3.1.0", "uvicorn==0.30.0"}}))
			Expect(python.Names).To(Equal([]string{"python"}))
			Expect(python.Executions[0].Args[:2]).To(Equal([]string{"-I", "-c"}))
			Expect(python.Executions[0].Args[2]).To(ContainSubstring("metadata.distributions()"))
			Expect(python.Executions[0].Dir).To(Equal(appDir))
		})

		it("lists packages with a real python, without importing the app's files", func() {
			installer = gunicorn.NewPipInstaller(realPython(t))
			// importlib.metadata imports csv and zipfile, which nothing has
			// imported when python starts
			write("csv.py", "raise SystemExit('the app was imported')\n")
			write("zipfile.py", "raise SystemExit('the app was imported')\n")
			probe, err := installer.Probe(appDir)
			Expect(err).NotTo(HaveOccurred())
			Expect(probe.Python).To(MatchRegexp(`^3\.\d+`))
			Expect(probe.BasePython).To(BeAnExistingFile())
			for _, p := range probe.Packages {
				Expect(p).To(MatchRegexp(`^[a-z0-9-]+==\S+$`))
			}
		})

		context("failure cases", func() {
			it("fails with python's error output when python fails", func() {
				python.stub = func(e pexec.Execution) error {
					fmt.Fprint(e.Stderr, "Traceback...\nSyntaxError: bad\n")
					return errors.New("exit status 1")
				}
				_, err := installer.Probe(appDir)
				Expect(err).To(MatchError("running python to list the app's packages: exit status 1\nTraceback...\nSyntaxError: bad"))
			})

			it("fails on output it does not understand", func() {
				for _, output := range []string{"hello\n", "3.12.1\n\n", ""} {
					python.stub = func(e pexec.Execution) error {
						fmt.Fprint(e.Stdout, output)
						return nil
					}
					_, err := installer.Probe(appDir)
					Expect(err).To(MatchError(fmt.Sprintf("running python to list the app's packages: unexpected output %q", output)))
				}
			})
		})
	})

	context("Compile", func() {
		it("compiles the target to unchecked-hash bytecode with the given python, isolated", func() {
			_, err := installer.Compile("/layers/cpython/bin/python3", "/layers/servers/site-packages")
			Expect(err).NotTo(HaveOccurred())
			Expect(python.Names).To(Equal([]string{"/layers/cpython/bin/python3"}))
			args := python.Executions[0].Args
			Expect(args[:2]).To(Equal([]string{"-I", "-c"}))
			Expect(args[2]).To(ContainSubstring("UNCHECKED_HASH"))
			Expect(args[len(args)-1]).To(Equal("/layers/servers/site-packages"))
		})
	})

	context("Install", func() {
		it("pip-installs into the target with the app's packages as constraints, isolated in the app, ignoring pip location settings", func() {
			t.Setenv("PIP_USER", "1")
			t.Setenv("PIP_INDEX_URL", "https://mirror.example/simple")
			var constraints string
			python.stub = func(e pexec.Execution) error {
				for i, arg := range e.Args {
					if arg == "--constraint" {
						content, err := os.ReadFile(e.Args[i+1])
						constraints = string(content)
						return err
					}
				}
				return nil
			}
			target := filepath.Join(t.TempDir(), "site-packages")
			Expect(installer.Install("/layers/cpython/bin/python3", appDir, []string{"gunicorn==27.0.1", "uvicorn-worker==0.4.0"},
				[]string{"flask==3.1.0", "uvicorn==0.30.0"}, target)).To(Succeed())
			Expect(python.Names).To(Equal([]string{"/layers/cpython/bin/python3"}))
			execution := python.Executions[0]
			Expect(execution.Args[:10]).To(Equal([]string{"-I", "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-cache-dir",
				"--no-compile", "--target", target}))
			Expect(execution.Args[10]).To(Equal("--constraint"))
			Expect(execution.Args[12:]).To(Equal([]string{"gunicorn==27.0.1", "uvicorn-worker==0.4.0"}))
			Expect(execution.Dir).To(Equal(appDir))
			Expect(constraints).To(Equal("flask==3.1.0\nuvicorn==0.30.0\n"))
			Expect(execution.Args[11]).NotTo(BeAnExistingFile(), "the constraints file is removed")
			Expect(execution.Env).To(ContainElement("PIP_INDEX_URL=https://mirror.example/simple"))
			Expect(execution.Env).NotTo(ContainElement(HavePrefix("PIP_USER=")))
			// pip's report, outside the layer, for the bill of materials
			Expect(execution.Env).To(ContainElement(MatchRegexp(`^PIP_REPORT=.*/python-cnb-pip-reports/[0-9a-f]+/report-\d+\.json$`)))
		})

		it("removes what the app has and pip's scripts from the target", func() {
			target := t.TempDir()
			python.stub = func(e pexec.Execution) error {
				files := map[string]string{
					"uvicorn/__init__.py": "", "uvicorn/protocols/http.py": "", "uvicorn-0.30.0.dist-info/RECORD": "uvicorn/__init__.py,,\nuvicorn/protocols/http.py,,\n../../bin/uvicorn,,\nuvicorn-0.30.0.dist-info/RECORD,,\n",
					"gunicorn/__init__.py": "", "gunicorn-27.0.1.dist-info/RECORD": "gunicorn/__init__.py,,\n",
					"bin/uvicorn": "", "bin/gunicorn": "",
				}
				for rel, content := range files {
					path := filepath.Join(target, rel)
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						return err
					}
					if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
						return err
					}
				}
				return nil
			}
			Expect(installer.Install("python3", appDir, []string{"uvicorn-worker==0.4.0"}, []string{"Flask==3.1.0", "uvicorn==0.30.0"}, target)).To(Succeed())
			entries, err := os.ReadDir(target)
			Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, entry := range entries {
				names = append(names, entry.Name())
			}
			Expect(names).To(Equal([]string{"gunicorn", "gunicorn-27.0.1.dist-info"}))
		})

		context("failure cases", func() {
			it("fails with the end of pip's output and what to do", func() {
				python.stub = func(e pexec.Execution) error {
					fmt.Fprint(e.Stdout, "Looking in indexes: https://index.example/simple\n")
					fmt.Fprint(e.Stderr, "ERROR: Cannot install uvicorn-worker==0.4.0 because these package versions have conflicting dependencies.\n")
					return errors.New("exit status 1")
				}
				err := installer.Install("/usr/bin/python3", appDir, []string{"gunicorn==27.0.1", "uvicorn-worker==0.4.0"}, nil, "/target")
				Expect(errs.IsUser(err)).To(BeTrue())
				Expect(err).To(MatchError("Could not install gunicorn==27.0.1, uvicorn-worker==0.4.0 with pip (exit status 1)\n\n" +
					"  Looking in indexes: https://index.example/simple\n" +
					"  ERROR: Cannot install uvicorn-worker==0.4.0 because these package versions have conflicting dependencies.\n\n" +
					"To fix: add gunicorn and uvicorn-worker to the app's dependencies (requirements.txt) so that they are installed with them, in versions that fit; " +
					"or let the build reach the package index (PIP_INDEX_URL, PIP_CERT); or set BP_PYTHON_START_COMMAND to start the app another way"))
			})

			it("fails when a distribution's RECORD cannot be read", func() {
				target := t.TempDir()
				Expect(os.MkdirAll(filepath.Join(target, "uvicorn-0.30.0.dist-info"), 0o755)).To(Succeed())
				err := installer.Install("python3", appDir, []string{"uvicorn-worker==0.4.0"}, []string{"uvicorn==0.30.0"}, target)
				Expect(err).To(MatchError(ContainSubstring("removing uvicorn-0.30.0, which the app has: ")))
			})
		})
	})

	context("PythonChecker", func() {
		it("compiles the files with python, isolated in the app, and reads what failed", func() {
			python.stub = func(e pexec.Execution) error {
				fmt.Fprintln(e.Stdout, `{"file": "main.py", "line": 3, "offset": 10, "text": "def f()", "msg": "expected ':'", "type": "SyntaxError"}`)
				return nil
			}
			found, err := gunicorn.NewPythonChecker(python.at).Check(appDir, []string{"main.py", "pkg/__init__.py"})
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(Equal([]gunicorn.SyntaxError{{File: "main.py", Line: 3, Offset: 10, Text: "def f()", Msg: "expected ':'", Type: "SyntaxError"}}))
			Expect(python.Names).To(Equal([]string{"python"}))
			Expect(python.Executions[0].Args[:2]).To(Equal([]string{"-I", "-c"}))
			Expect(python.Executions[0].Args[3:]).To(Equal([]string{"main.py", "pkg/__init__.py"}))
			Expect(python.Executions[0].Dir).To(Equal(appDir))
		})

		it("finds syntax errors with a real python, never running the module", func() {
			write("good.py", "raise SystemExit('ran')\n")
			write("json.py", "raise SystemExit('the app was imported')\n")
			write("bad.py", "x = 1\ndef f()\n    pass\n")
			write("indent.py", "if True:\npass\n")
			write("nul.py", "x = 1\x00\n")
			write("warn.py", "s = '\\d'\n")
			found, err := gunicorn.NewPythonChecker(realPython(t)).Check(appDir, []string{"good.py", "bad.py", "indent.py", "nul.py", "warn.py"})
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(HaveLen(3))
			Expect([]interface{}{found[0].File, found[0].Line, found[0].Text, found[0].Type}).To(Equal([]interface{}{"bad.py", 2, "def f()", "SyntaxError"}))
			Expect([]interface{}{found[1].File, found[1].Line, found[1].Type}).To(Equal([]interface{}{"indent.py", 2, "IndentationError"}))
			Expect(found[2].File).To(Equal("nul.py"))
		})

		context("failure cases", func() {
			it("fails with python's error output", func() {
				python.stub = func(e pexec.Execution) error {
					fmt.Fprint(e.Stderr, "FileNotFoundError: main.py\n")
					return errors.New("exit status 1")
				}
				_, err := gunicorn.NewPythonChecker(python.at).Check(appDir, []string{"main.py"})
				Expect(err).To(MatchError("running python to compile main.py: exit status 1\nFileNotFoundError: main.py"))
			})

			it("fails on output it does not understand", func() {
				python.stub = func(e pexec.Execution) error {
					fmt.Fprintln(e.Stdout, "not json")
					return nil
				}
				_, err := gunicorn.NewPythonChecker(python.at).Check(appDir, []string{"main.py"})
				Expect(err).To(MatchError(`running python to compile main.py: unexpected output "not json"`))
			})
		})
	})
}
