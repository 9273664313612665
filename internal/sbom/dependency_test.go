package sbom_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/sclevine/spec"
)

func testDependency(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("describes a dependency entry as it is written", func() {
		c := sbom.FromDependency(postal.Dependency{
			ID: "cpython", Name: "CPython", Version: "3.13.1", Checksum: "sha256:abc",
			URI: "https://u:p@downloads.example/cpython.tar.gz", Source: "https://python.example/Python-3.13.1.tgz",
			CPE: "cpe:2.3:a:python:python:3.13.1:*:*:*:*:*:*:*", PURL: "pkg:generic/cpython@3.13.1", Licenses: []string{"PSF-2.0"},
		})
		Expect(c).To(Equal(sbom.Component{
			Kind: sbom.Runtime, Name: "CPython", Version: "3.13.1", SHA256: "abc",
			Download: "https://downloads.example/cpython.tar.gz", Source: "https://python.example/Python-3.13.1.tgz",
			CPE: "cpe:2.3:a:python:python:3.13.1:*:*:*:*:*:*:*", PURL: "pkg:generic/cpython@3.13.1",
			Licenses: sbom.Licenses{Expression: "PSF-2.0"},
		}))
	})

	it("joins several licenses with AND, and names it by id when it has no name", func() {
		c := sbom.FromDependency(postal.Dependency{ID: "x", Version: "1", Licenses: []string{"MIT", "Apache-2.0 OR BSD-3-Clause"}})
		Expect(c.Name).To(Equal("x"))
		Expect(c.Licenses.Expression).To(Equal("MIT AND (Apache-2.0 OR BSD-3-Clause)"))
	})
}
