package hooks_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/python-cnb/buildpack/hooks"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitHooks(t *testing.T) {
	suite := spec.New("hooks", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Constants", testConstants)
	suite("Detect", testDetect)
	suite("Hook", testHook)
	suite("Script", testScript)
	suite("Runner", testRunner)
	suite("Build", testBuild)
	suite.Run(t)
}

// clearSettings empties the four hook settings for the test, so that the
// machine's environment does not leak in.
func clearSettings(t *testing.T) {
	for _, name := range []string{hooks.PreBuildCommandEnv, hooks.PreBuildScriptPathEnv, hooks.PostBuildCommandEnv, hooks.PostBuildScriptPathEnv} {
		t.Setenv(name, "")
	}
}

// writeFile writes content to dir/name with mode, creating parent directories.
func writeFile(dir, name, content string, mode os.FileMode) error {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		return err
	}
	return os.Chmod(path, mode)
}
