package environment_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/sclevine/spec"
)

func testTools(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("installs a pip tool into a virtual environment of its own with the build's pip", func() {
		t.Setenv(buildpip.DirEnv, "")
		tool := environment.PipTool("poetry", "2.5.1", "poetry", []string{"NETRC=/b/netrc"})
		Expect(tool.PerPython).To(BeTrue())
		var commands []environment.Command
		deps := environment.ToolDeps{Run: func(c environment.Command) error {
			commands = append(commands, c)
			return nil
		}}
		exe, err := tool.Provide("/layers/poetry", deps)
		Expect(err).NotTo(HaveOccurred())
		Expect(exe).To(Equal(filepath.Join("/layers/poetry", "venv", "bin", "poetry")))
		Expect(tool.Executable("/layers/poetry")).To(Equal(exe))
		Expect(commands).To(Equal([]environment.Command{
			{Args: []string{"python", "-I", "-m", "venv", "--without-pip", "/layers/poetry/venv"}},
			{Args: []string{"python", "-I", "-m", "pip", "--python", "/layers/poetry/venv/bin/python",
				"--disable-pip-version-check", "--no-input", "install", "--no-compile", "poetry==2.5.1"}, Env: []string{"NETRC=/b/netrc"}},
		}))
	})

	it("runs the build's pip package with the tool environment's interpreter when the cpython sub-buildpack names it", func() {
		pipDir := filepath.Join(t.TempDir(), "pip")
		Expect(os.MkdirAll(pipDir, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(pipDir, "__main__.py"), nil, 0o644)).To(Succeed())
		t.Setenv(buildpip.DirEnv, pipDir)
		var commands []environment.Command
		_, err := environment.PipTool("poetry", "2.5.1", "poetry", nil).Provide("/layers/poetry", environment.ToolDeps{Run: func(c environment.Command) error {
			commands = append(commands, c)
			return nil
		}})
		Expect(err).NotTo(HaveOccurred())
		Expect(commands[1].Args).To(Equal([]string{"/layers/poetry/venv/bin/python", "-I", pipDir,
			"--disable-pip-version-check", "--no-input", "install", "--no-compile", "poetry==2.5.1"}))
	})

	it("says which tool could not be installed", func() {
		tool := environment.PipTool("pipenv", "2026.10.3", "pipenv", nil)
		calls := 0
		_, err := tool.Provide("/t", environment.ToolDeps{Run: func(environment.Command) error {
			calls++
			if calls == 2 {
				return errors.New("no index")
			}
			return nil
		}})
		Expect(err).To(MatchError("installing pipenv 2026.10.3 with pip: no index"))
		_, err = tool.Provide("/t", environment.ToolDeps{Run: func(environment.Command) error { return errors.New("no venv") }})
		Expect(err).To(MatchError("no venv"))
	})
}
