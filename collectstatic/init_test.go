package collectstatic_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitCollectstatic(t *testing.T) {
	suite := spec.New("collectstatic", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Detect", testDetect)
	suite("Build", testBuild)
	suite("Python", testPython)
	suite("Output", testOutput)
	suite.Run(t)
}
