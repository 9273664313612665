package licenses_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitLicenses(t *testing.T) {
	suite := spec.New("licenses", spec.Report(report.Terminal{}))
	suite("Resolve", testResolve)
	suite.Run(t)
}
