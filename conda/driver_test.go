package conda_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/conda"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/sclevine/spec"
)

// exitError returns a real *exec.ExitError with the given status.
func exitError(t *testing.T, code int) error {
	t.Helper()
	err := exec.Command("sh", "-c", "exit "+string(rune('0'+code))).Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("no exit error: %v", err)
	}
	return err
}

// fakeExecutable records executions and runs stub.
type fakeExecutable struct {
	calls []pexec.Execution
	stub  func(pexec.Execution) error
}

func (f *fakeExecutable) Execute(e pexec.Execution) error {
	f.calls = append(f.calls, e)
	if f.stub != nil {
		return f.stub(e)
	}
	return nil
}

func testDriver(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect  = NewWithT(t).Expect
		python  *fakeExecutable
		driver  conda.Driver
		request conda.Request
		seen    conda.Request
		script  []byte
		out     bytes.Buffer
	)

	it.Before(func() {
		python = &fakeExecutable{}
		driver = conda.NewDriver(python)
		request = conda.Request{Channels: []string{"http://c/conda-forge"}, Specs: []string{"python", "six"}, Prefix: "/env", CacheDir: "/cache", ChannelAlias: "http://c/", Platform: "linux-64"}
		out.Reset()
		python.stub = func(e pexec.Execution) error {
			var err error
			if script, err = os.ReadFile(e.Args[1]); err != nil {
				return err
			}
			content, err := os.ReadFile(e.Args[2])
			if err != nil {
				return err
			}
			e.Stdout.Write([]byte("Solved in 0.01s\n"))
			return json.Unmarshal(content, &seen)
		}
	})

	it("runs the embedded driver isolated, away from the app, with py-rattler's place and the request as JSON", func() {
		Expect(driver.Create("/layers/rattler", request, &out)).To(Succeed())
		Expect(string(script)).To(ContainSubstring("from rattler import"))
		Expect(string(script)).To(ContainSubstring(`sys.path.insert(0, request["rattler_dir"])`))
		Expect(python.calls[0].Args[0]).To(Equal("-I"))
		Expect(python.calls[0].Dir).To(Equal(filepath.Dir(python.calls[0].Args[1])))
		Expect(seen.RattlerDir).To(Equal("/layers/rattler"))
		Expect(seen.Specs).To(Equal(request.Specs))
		Expect(seen.Channels).To(Equal(request.Channels))
		Expect(seen.Platform).To(Equal("linux-64"))
		Expect(seen.ErrorFile).NotTo(BeEmpty())
		Expect(out.String()).To(ContainSubstring("Solved in"))
		Expect(filepath.Dir(python.calls[0].Args[1])).NotTo(BeADirectory()) // cleaned up
	})

	it("tells unsolvable specs and unreachable channels apart, with the explanation", func() {
		for code, check := range map[int]func(*conda.DriverError){
			2: func(e *conda.DriverError) { Expect(e.Unsolvable).To(BeTrue()); Expect(e.Channel).To(BeFalse()) },
			3: func(e *conda.DriverError) { Expect(e.Channel).To(BeTrue()); Expect(e.Unsolvable).To(BeFalse()) },
			4: func(e *conda.DriverError) { Expect(e.Channel || e.Unsolvable).To(BeFalse()) },
		} {
			code := code
			python.stub = func(e pexec.Execution) error {
				content, _ := os.ReadFile(e.Args[2])
				json.Unmarshal(content, &seen)
				os.WriteFile(seen.ErrorFile, []byte("No candidates were found for flask *.\n"), 0o644)
				return exitError(t, code)
			}
			err := driver.Create("/r", request, &out)
			var failure *conda.DriverError
			Expect(errors.As(err, &failure)).To(BeTrue())
			Expect(failure.Explanation).To(Equal("No candidates were found for flask *."))
			Expect(err).To(MatchError(ContainSubstring("exit status")))
			check(failure)
		}
	})

	it("asks python for its minor version", func() {
		python.stub = func(e pexec.Execution) error {
			e.Stdout.Write([]byte("3.11\n"))
			return nil
		}
		Expect(driver.PythonMinor()).To(Equal("3.11"))
		Expect(python.calls[0].Args[:2]).To(Equal([]string{"-I", "-c"}))
	})

	it("ships a driver that is valid Python", func() {
		if _, err := exec.LookPath("python3"); err != nil {
			t.Skip("no python3")
		}
		out, err := exec.Command("python3", "-c", "import ast,sys; ast.parse(open('driver.py').read())").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
	})

	it("runs pip isolated against the environment's python, in the app, with the binding's variables", func() {
		var programs []string
		program := conda.NewPipProgram(func(name string) conda.Executable { programs = append(programs, name); return python })
		python.stub = nil
		t.Setenv(buildpip.DirEnv, "")
		Expect(program.Pip("/layers/conda-env", "/workspace", []string{"install", "six"}, []string{"NETRC=/b/netrc"}, &out)).To(Succeed())
		call := python.calls[0]
		Expect(programs).To(Equal([]string{"python"}))
		Expect(call.Args).To(Equal([]string{"-I", "-m", "pip", "--python", "/layers/conda-env/bin/python",
			"--disable-pip-version-check", "--no-input", "install", "six"}))
		Expect(call.Dir).To(Equal("/workspace"))
		Expect(call.Env[len(call.Env)-1]).To(Equal("NETRC=/b/netrc"))
		// pip's report, outside the layer, for the bill of materials
		Expect(call.Env).To(ContainElement(MatchRegexp(`^PIP_REPORT=.*/python-cnb-pip-reports/[0-9a-f]+/report-\d+\.json$`)))
	})

	it("runs the build's pip package with the environment's python when the cpython sub-buildpack names it", func() {
		pipDir := filepath.Join(t.TempDir(), "pip")
		Expect(os.MkdirAll(pipDir, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(pipDir, "__main__.py"), nil, 0o644)).To(Succeed())
		t.Setenv(buildpip.DirEnv, pipDir)
		var programs []string
		program := conda.NewPipProgram(func(name string) conda.Executable { programs = append(programs, name); return python })
		python.stub = nil
		Expect(program.Pip("/layers/conda-env", "/workspace", []string{"install", "six"}, nil, &out)).To(Succeed())
		Expect(programs).To(Equal([]string{"/layers/conda-env/bin/python"}))
		Expect(python.calls[0].Args).To(Equal([]string{"-I", pipDir, "--disable-pip-version-check", "--no-input", "install", "six"}))
	})

	context("failure cases", func() {
		it("reports python's output when it cannot tell its version", func() {
			python.stub = func(e pexec.Execution) error {
				e.Stderr.Write([]byte("boom"))
				return errors.New("exit status 1")
			}
			_, err := driver.PythonMinor()
			Expect(err).To(MatchError(ContainSubstring("asking python for its version: exit status 1\nboom")))
		})

		it("returns a driver error with no explanation when python itself fails", func() {
			python.stub = func(pexec.Execution) error { return errors.New("python: not found") }
			err := driver.Create("/r", request, &out)
			var failure *conda.DriverError
			Expect(errors.As(err, &failure)).To(BeTrue())
			Expect(failure.Explanation).To(BeEmpty())
			Expect(failure.Unsolvable || failure.Channel).To(BeFalse())
		})
	})
}
