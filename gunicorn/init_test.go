package gunicorn_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitGunicorn(t *testing.T) {
	suite := spec.New("gunicorn", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Detect", testDetect)
	suite("Build", testBuild)
	suite.Run(t)
}
