package licenses_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/python-cnb/buildpack/internal/sbom/licenses"
	"github.com/sclevine/spec"
)

func testResolve(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("keeps a valid SPDX expression, normalized", func() {
		Expect(licenses.Resolve(sbom.Licenses{Expression: "mit"})).To(Equal(licenses.Resolved{Expression: "MIT"}))
		Expect(licenses.Resolve(sbom.Licenses{Expression: "Apache-2.0 OR BSD-3-Clause"})).To(Equal(licenses.Resolved{Expression: "Apache-2.0 OR BSD-3-Clause"}))
	})

	it("names an expression that is not valid SPDX", func() {
		Expect(licenses.Resolve(sbom.Licenses{Expression: "Proprietary Thing"})).To(Equal(licenses.Resolved{Names: []licenses.Named{{Name: "Proprietary Thing", Text: "Proprietary Thing"}}}))
	})

	it("maps classifiers that name one SPDX license, and names the others", func() {
		r := licenses.Resolve(sbom.Licenses{Classifiers: []string{
			"License :: OSI Approved :: MIT License", "License :: OSI Approved :: MIT License", "License :: OSI Approved :: BSD License",
		}})
		Expect(r).To(Equal(licenses.Resolved{IDs: []string{"MIT"}, Names: []licenses.Named{{Name: "BSD License", Text: "License :: OSI Approved :: BSD License"}}}))
	})

	it("reads the License field as an expression when it is one, else by its first line", func() {
		Expect(licenses.Resolve(sbom.Licenses{Text: "BSD-3-Clause"})).To(Equal(licenses.Resolved{Expression: "BSD-3-Clause"}))
		r := licenses.Resolve(sbom.Licenses{Text: "Copyright (c) Someone\nAll rights reserved."})
		Expect(r.Names).To(Equal([]licenses.Named{{Name: "Copyright (c) Someone", Text: "Copyright (c) Someone\nAll rights reserved."}}))
	})

	it("resolves nothing when nothing is declared", func() {
		Expect(licenses.Resolve(sbom.Licenses{}).Empty()).To(BeTrue())
	})

	it("refuses references and unknown identifiers as expressions", func() {
		_, ok := licenses.Valid("LicenseRef-Mine")
		Expect(ok).To(BeFalse())
		_, ok = licenses.Valid("MIT AND NoSuchLicense-1.0")
		Expect(ok).To(BeFalse())
	})
}
