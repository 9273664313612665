package kpack_test

import (
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitKpack(t *testing.T) {
	suite := spec.New("kpack", spec.Report(report.Terminal{}))
	suite("Manifests", testManifests)
	suite.Run(t)
}
