package cyclonedx_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitCycloneDX(t *testing.T) {
	suite := spec.New("cyclonedx", spec.Report(report.Terminal{}))
	suite("Encode", testEncode)
	suite.Run(t)
}
