package cpython_test

import (
	"testing"

	"github.com/python-cnb/buildpack/internal/testsetup"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitCPython(t *testing.T) {
	suite := spec.New("cpython", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Version", testVersion)
	suite("Requests", testRequests)
	suite("Dependencies", testDependencies)
	suite("Transport", testTransport)
	suite("Install", testInstall)
	suite("Build", testBuild)
	suite("Detect", testDetect)
	suite("Trim", testTrim)
	suite("Pip", testPip)
	suite("Sysconfig", testSysconfig)
	suite("Wheels", testWheels)
	suite.Run(t)
}

// writeFile writes content to dir/name, creating parent directories.
var writeFile = testsetup.WriteFile
