package gunicorn_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitGunicorn(t *testing.T) {
	suite := spec.New("gunicorn", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Detect", testDetect)
	suite("Procfile", testProcfile)
	suite("StartCommand", testStartCommand)
	suite("Django", testDjango)
	suite("AppObject", testAppObject)
	suite("Servers", testServers)
	suite("Scripts", testScripts)
	suite("Installer", testInstaller)
	suite("Start", testStart)
	suite("Build", testBuild)
	suite.Run(t)
}
