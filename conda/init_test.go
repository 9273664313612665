package conda_test

import (
	"testing"

	"github.com/python-cnb/buildpack/internal/testsetup"
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
var unsetEnv = testsetup.UnsetEnv

// writeFile writes content to dir/name, creating parent directories.
var writeFile = testsetup.WriteFile
