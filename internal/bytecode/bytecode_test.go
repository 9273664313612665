package bytecode_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

type fakePython struct {
	names      []string
	executions []pexec.Execution
	err        error
}

func (f *fakePython) Execute(execution pexec.Execution) error {
	f.executions = append(f.executions, execution)
	if execution.Stdout != nil {
		_, _ = execution.Stdout.Write([]byte("*** Error compiling 'bad.py'\n"))
	}
	return f.err
}

func header(path string) []byte {
	content, err := os.ReadFile(path)
	if err != nil || len(content) < 16 {
		panic(fmt.Sprintf("reading %s: %v", path, err))
	}
	return content[:16]
}

func mustOutput(name string, args ...string) string {
	output, err := exec.Command(name, args...).Output()
	if err != nil {
		panic(err)
	}
	return string(output)
}

func compiler(python *fakePython) bytecode.Compiler {
	return bytecode.NewCompiler(func(name string) bytecode.Executable {
		python.names = append(python.names, name)
		return python
	})
}

func TestUnitBytecode(t *testing.T) {
	suite := spec.New("bytecode", spec.Report(report.Terminal{}))
	suite("Compiler", testBytecode)
	suite("Run", testRun)
	suite.Run(t)
}

func testBytecode(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("runs the compile script with the given python over every directory", func() {
		python := &fakePython{}
		var out bytes.Buffer
		Expect(compiler(python).Compile("/py/bin/python3", []string{"/a", "/b"}, &out)).To(Succeed())
		Expect(python.names).To(Equal([]string{"/py/bin/python3"}))
		Expect(python.executions).To(HaveLen(1))
		args := python.executions[0].Args
		Expect(args[:2]).To(Equal([]string{"-I", "-c"}))
		Expect(args[2]).To(ContainSubstring("UNCHECKED_HASH"))
		Expect(args[3:]).To(Equal([]string{bytecode.StdlibSkip.String(), "/a", "/b"}))
		Expect(out.String()).To(ContainSubstring("Error compiling 'bad.py'"))
	})

	it("asks the script to drop optimized bytecode when told to", func() {
		python := &fakePython{}
		Expect(compiler(python).DropOptimized().Compile("python", []string{"/a"}, &bytes.Buffer{})).To(Succeed())
		Expect(python.executions[0].Args[3:]).To(Equal([]string{bytecode.StdlibSkip.String(), "--drop-optimized", "/a"}))
	})

	it("returns compileall's failure", func() {
		python := &fakePython{err: errors.New("exit status 1")}
		Expect(compiler(python).Compile("python", []string{"/a"}, &bytes.Buffer{})).To(MatchError("exit status 1"))
	})

	context("the script, run by a real python", func() {
		it("converts matching bytecode, compiles the rest, drops optimized files and reports failures", func() {
			python, err := exec.LookPath("python3")
			if err != nil {
				t.Skip("no python3 on PATH")
			}
			dir := t.TempDir()
			write := func(name, content string) {
				Expect(os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)).To(Succeed())
				Expect(os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)).To(Succeed())
			}
			write("shipped.py", "X = 1\n")
			write("fresh.py", "Y = 2\n")
			write("broken.py", "def (:\n")
			for i := 0; i < 70; i++ { // enough for the process pool
				write(fmt.Sprintf("pkg/m%d.py", i), "V = 1\n")
			}
			write("lib/python3.12/test/test_x.py", "Z = 3\n")
			// bytecode as a distribution ships it: timestamp-checked, plus an -O variant
			Expect(exec.Command(python, "-m", "compileall", "-q", "-o", "0", "-o", "1", filepath.Join(dir, "shipped.py")).Run()).To(Succeed())
			tag := strings.TrimSpace(mustOutput(python, "-c", "import sys; print(sys.implementation.cache_tag)"))
			shipped := filepath.Join(dir, "__pycache__", "shipped."+tag+".pyc")
			Expect(header(shipped)[4]).To(Equal(byte(0)))

			var out bytes.Buffer
			err = bytecode.NewCompiler(nil).DropOptimized().Compile(python, []string{dir}, &out)
			Expect(err).To(HaveOccurred())
			Expect(out.String()).To(ContainSubstring("converted 1, compiled 71, failed 1"))
			Expect(out.String()).NotTo(ContainSubstring("compiling in one process"))
			Expect(out.String()).To(ContainSubstring("did not compile: " + filepath.Join(dir, "broken.py")))

			Expect(header(shipped)[4]).To(Equal(byte(1)), "unchecked-hash flags")
			Expect(header(filepath.Join(dir, "__pycache__", "fresh."+tag+".pyc"))[4]).To(Equal(byte(1)))
			Expect(filepath.Join(dir, "__pycache__", "shipped."+tag+".opt-1.pyc")).NotTo(BeAnExistingFile())
			Expect(filepath.Join(dir, "lib", "python3.12", "test", "__pycache__")).NotTo(BeAnExistingFile())

			// the converted file is still good bytecode
			run := exec.Command(python, "-c", "import shipped; print(shipped.X, shipped.__cached__)")
			run.Dir, run.Env = dir, append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
			output, err := run.CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(output))
			Expect(string(output)).To(HavePrefix("1 "))
		})
	})

	context("StdlibSkip", func() {
		it("matches the standard library's test suite and GUI parts only", func() {
			for _, path := range []string{
				"/layers/x/cpython/lib/python3.12/test/test_os.py",
				"/layers/x/cpython/lib/python3.13t/idlelib/run.py",
				"/layers/x/cpython/lib/python3.12/tkinter/__init__.py",
				"/layers/x/cpython/lib/python3.11/lib2to3/tests/data/py2_test_grammar.py",
				"/layers/x/cpython/lib/python3.10/turtledemo/clock.py",
			} {
				Expect(bytecode.StdlibSkip.MatchString(path)).To(BeTrue(), path)
			}
			for _, path := range []string{
				"/layers/x/cpython/lib/python3.12/json/__init__.py",
				"/layers/x/venv/lib/python3.12/site-packages/django/test/utils.py",
				"/layers/x/venv/lib/python3.12/site-packages/pkg/tests/test_a.py",
			} {
				Expect(bytecode.StdlibSkip.MatchString(path)).To(BeFalse(), path)
			}
		})
	})
}
