package sbom_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/sclevine/spec"
)

func testProgram(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("describes a program by its digest and where it is in the buildpack", func() {
		path := filepath.Join(t.TempDir(), "run.sh")
		Expect(os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755)).To(Succeed())
		c, err := sbom.FromProgram(path, "/cnb")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Name).To(Equal("run.sh"))
		sum := sha256.Sum256([]byte("#!/bin/sh\n"))
		Expect(c.SHA256).To(Equal(hex.EncodeToString(sum[:])))
		Expect(c.Kind).To(Equal(sbom.Application))
		Expect(c.Path).To(Equal("exec.d/run.sh"))
		Expect(c.Contains).To(BeEmpty())
	})

	context("failure cases", func() {
		it("names a program that is not there", func() {
			_, err := sbom.FromProgram("/no/such/program", "/cnb")
			Expect(err).To(MatchError(ContainSubstring("/no/such/program")))
		})
	})
}
