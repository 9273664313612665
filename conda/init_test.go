package conda_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitConda(t *testing.T) {
	suite := spec.New("conda", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Detect", testDetect)
	suite("EnvFile", testEnvFile)
	suite("Channels", testChannels)
	suite("Driver", testDriver)
	suite("Build", testBuild)
	suite.Run(t)
}

// settingsEnv are the variables the conda buildpack reads; every test
// starts with all of them unset.
var settingsEnv = []string{
	"BP_CONDA_CHANNEL_ALIAS", "CUSTOM_REQUIREMENTSTXT_PATH", "BP_CPYTHON_VERSION", "PYTHON_VERSION",
	"CNB_TARGET_ARCH", "BP_ARCH", "PIP_INDEX_URL",
}

// unsetEnv unsets names for the duration of the test.
func unsetEnv(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		t.Setenv(name, "")
		if err := os.Unsetenv(name); err != nil {
			t.Fatal(err)
		}
	}
}

// writeFile writes content to dir/name, creating parent directories.
func writeFile(dir, name, content string) error {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}
