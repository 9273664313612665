package spdx_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitSPDX(t *testing.T) {
	suite := spec.New("spdx", spec.Report(report.Terminal{}))
	suite("Encode", testEncode)
	suite.Run(t)
}
