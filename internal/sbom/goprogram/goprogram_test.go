package goprogram_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	_ "github.com/python-cnb/buildpack/internal/sbom/goprogram"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitGoProgram(t *testing.T) {
	suite := spec.New("goprogram", spec.Report(report.Terminal{}))
	suite("Details", testDetails)
	suite.Run(t)
}

func testDetails(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("adds the Go standard library a Go program links", func() {
		// the test binary is a Go program
		self, err := os.Executable()
		Expect(err).NotTo(HaveOccurred())
		c, err := sbom.FromProgram(self, filepath.Dir(self))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Contains).NotTo(BeEmpty())
		Expect(c.Contains[0].Name).To(Equal("stdlib"))
		Expect(c.Contains[0].PURL).To(HavePrefix("pkg:golang/stdlib@"))
	})

	it("leaves a program that is not Go as it is", func() {
		path := filepath.Join(t.TempDir(), "run.sh")
		Expect(os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755)).To(Succeed())
		c, err := sbom.FromProgram(path, "/cnb")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Contains).To(BeEmpty())
	})
}
