package environment_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/internal/testsetup"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitEnvironment(t *testing.T) {
	suite := spec.New("environment", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Choose", testChoose)
	suite("Detect", testDetect)
	suite("Build", testBuild)
	suite("Run", testRun)
	suite("Settings", testSettings)
	suite("Installed", testInstalled)
	suite("Options", testOptions)
	suite("Litter", testLitter)
	suite("Tools", testTools)
	suite("Programs", testPrograms)
	suite("Relocate", testRelocate)
	suite("Locked", testLocked)
	suite.Run(t)
}

// settingsEnv are the variables the mechanism and the managers read; every
// test starts with all of them unset.
var settingsEnv = []string{
	"CUSTOM_REQUIREMENTSTXT_PATH", "VIRTUALENV_NAME", "BP_PIP_COMPRESS_VIRTUALENV", "COMPRESS_VIRTUALENV",
	"BP_PYTHON_PACKAGE_MANAGER", "BP_PYTHON_INSTALL_GROUPS", "PYTHON_CNB_CPYTHON",
}

// unsetEnv unsets names for the duration of the test.
var unsetEnv = testsetup.UnsetEnv

// writeFile writes content to dir/name, creating parent directories.
var writeFile = testsetup.WriteFile

// call is one program the fake executor ran.
type call struct {
	Program string
	Args    []string
	Dir     string
	Env     []string
}

// fakeExecutor records the programs it runs. `python -I -m venv` lays out
// a virtual environment as venv would; Handle, when set, acts for the other
// calls (return an error to fail them).
type fakeExecutor struct {
	Calls  []call
	Handle func(c call, out io.Writer) error
}

func (f *fakeExecutor) Execute(program string, e pexec.Execution) error {
	c := call{Program: program, Args: e.Args, Dir: e.Dir, Env: e.Env}
	f.Calls = append(f.Calls, c)
	if len(e.Args) > 3 && e.Args[2] == "venv" {
		venv := e.Args[len(e.Args)-1]
		if err := os.MkdirAll(filepath.Join(venv, "lib", "python3.12", "site-packages"), 0o755); err != nil {
			return err
		}
		return writeFile(venv, "bin/python", "#!/bin/sh\n")
	}
	if f.Handle != nil {
		return f.Handle(c, e.Stdout)
	}
	return nil
}

// programs lists the calls' programs and first arguments, for short checks.
func (f *fakeExecutor) programs() []string {
	var out []string
	for _, c := range f.Calls {
		out = append(out, strings.TrimSpace(c.Program+" "+strings.Join(c.Args[:min(len(c.Args), 3)], " ")))
	}
	return out
}

// fakeCompiler records what it was asked to compile.
type fakeCompiler struct {
	Calls [][]string
	Err   error
}

func (f *fakeCompiler) Compile(python string, dirs []string, out io.Writer) error {
	f.Calls = append(f.Calls, append([]string{python}, dirs...))
	if f.Err != nil {
		fmt.Fprintln(out, "*** Error compiling 'bad.py'")
	}
	return f.Err
}

// steppingClock advances by 1.5s each time it is read.
func steppingClock() chronos.Clock {
	now := time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)
	return chronos.NewClock(func() time.Time {
		now = now.Add(1500 * time.Millisecond)
		return now
	})
}

// persist writes <layers>/<name>.toml as the lifecycle restores it after a
// build that returned the layers.
func persist(t *testing.T, layersDir string, layers []packit.Layer) {
	t.Helper()
	for _, layer := range layers {
		var content bytes.Buffer
		if err := toml.NewEncoder(&content).Encode(map[string]interface{}{
			"launch": layer.Launch, "build": layer.Build, "cache": layer.Cache,
			"metadata": layer.Metadata,
		}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(layersDir, layer.Name+".toml"), content.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
