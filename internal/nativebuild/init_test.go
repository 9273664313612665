package nativebuild_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitNativeBuild(t *testing.T) {
	suite := spec.New("nativebuild", spec.Report(report.Terminal{}))
	suite("Diagnose", testDiagnose)
	suite.Run(t)
}
