package sbom_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitSBOM(t *testing.T) {
	suite := spec.New("sbom", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Layer", testLayer)
	suite("DistInfo", testDistInfo)
	suite("Conda", testConda)
	suite("Dependency", testDependency)
	suite("Program", testProgram)
	suite("App", testApp)
	suite("PipReport", testPipReport)
	suite("LockFile", testLockFile)
	suite.Run(t)
}
