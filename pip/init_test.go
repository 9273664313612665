package pip_test

import (
	"testing"

	"github.com/python-cnb/buildpack/internal/testsetup"
	"github.com/python-cnb/buildpack/requirements"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitPip(t *testing.T) {
	suite := spec.New("pip", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Detect", testDetect)
	suite("Recipe", testRecipe)
	suite.Run(t)
}

// settingsEnv are the variables the pip buildpack reads; every test starts
// with all of them unset.
var settingsEnv = append([]string{
	"CUSTOM_REQUIREMENTSTXT_PATH", "VIRTUALENV_NAME", "BP_PIP_PACKAGE_WHEEL", "PYTHON_FAST_BUILD_ENABLED",
	"BP_PIP_COMPRESS_VIRTUALENV", "COMPRESS_VIRTUALENV", "BP_PYTHON_PACKAGE_MANAGER",
	"SERVICE_BINDING_ROOT", "CNB_BINDINGS", "CNB_TARGET_ARCH", "BP_ARCH",
}, requirements.InstallSettings...)

// unsetEnv unsets names for the duration of the test; t.Setenv restores
// their values afterwards.
// unsetEnv unsets names for the duration of the test.
var unsetEnv = testsetup.UnsetEnv

// writeFile writes content to dir/name, creating parent directories.
var writeFile = testsetup.WriteFile
