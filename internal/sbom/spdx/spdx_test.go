package spdx_test

import (
	"encoding/json"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom/sbomtest"
	"github.com/python-cnb/buildpack/internal/sbom/spdx"
	"github.com/sclevine/spec"
)

type document23 struct {
	SPDXVersion       string `json:"spdxVersion"`
	DocumentNamespace string `json:"documentNamespace"`
	CreationInfo      struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	Packages []struct {
		Name             string `json:"name"`
		SPDXID           string `json:"SPDXID"`
		Version          string `json:"versionInfo"`
		DownloadLocation string `json:"downloadLocation"`
		LicenseDeclared  string `json:"licenseDeclared"`
		Comment          string `json:"comment"`
		Homepage         string `json:"homepage"`
		ExternalRefs     []struct {
			Category string `json:"referenceCategory"`
			Type     string `json:"referenceType"`
			Locator  string `json:"referenceLocator"`
		} `json:"externalRefs"`
	} `json:"packages"`
	OtherLicenses []struct {
		ID   string `json:"licenseId"`
		Text string `json:"extractedText"`
	} `json:"hasExtractedLicensingInfos"`
	Relationships []struct {
		A    string `json:"spdxElementId"`
		B    string `json:"relatedSpdxElement"`
		Type string `json:"relationshipType"`
	} `json:"relationships"`
}

func testEncode(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("writes SPDX 2.3: the document describes the app, which depends on every component", func() {
		content, err := spdx.Encode(sbomtest.Document())
		Expect(err).NotTo(HaveOccurred())
		var doc document23
		Expect(json.Unmarshal(content, &doc)).To(Succeed())
		Expect(doc.SPDXVersion).To(Equal("SPDX-2.3"))
		Expect(doc.DocumentNamespace).To(MatchRegexp(`^` + spdx.NamespaceBase + `python-cnb_pip_venv-[0-9a-f-]{36}$`))
		Expect(doc.CreationInfo.Created).To(Equal("1980-01-01T00:00:01Z"))
		Expect(doc.CreationInfo.Creators).To(Equal([]string{"Tool: python-cnb/pip-0.1.0"}))

		Expect(doc.Packages).To(HaveLen(6))
		Expect(doc.Packages[0].SPDXID).To(Equal("SPDXRef-App"))
		cpython := doc.Packages[1]
		Expect(cpython.LicenseDeclared).To(Equal("PSF-2.0"))
		// a loopback URL is not an SPDX download location
		Expect(cpython.DownloadLocation).To(Equal("NOASSERTION"))
		Expect(cpython.Comment).To(Equal("downloaded from http://127.0.0.1:8080/c.tgz"))
		Expect(cpython.ExternalRefs).To(HaveLen(2))
		six := doc.Packages[2]
		Expect(six.DownloadLocation).To(Equal("https://files.example.org/six.whl"))
		Expect(six.LicenseDeclared).To(MatchRegexp(`^MIT AND LicenseRef-BSD-License-[0-9a-f]{8}$`))
		Expect(doc.OtherLicenses).To(HaveLen(1))
		Expect(doc.OtherLicenses[0].Text).To(Equal("License :: OSI Approved :: BSD License"))
		Expect(doc.Packages[3].Name).To(Equal("zlib"))
		// the same name and version twice get distinct identifiers
		Expect(doc.Packages[4].DownloadLocation).To(Equal("git+https://git.example.org/a@abc"))
		Expect(doc.Packages[4].LicenseDeclared).To(Equal("MIT OR Apache-2.0"))
		Expect(doc.Packages[5].SPDXID).To(Equal("SPDXRef-Package-six-1.17.0-2"))
		Expect(doc.Packages[5].LicenseDeclared).To(Equal("NOASSERTION"))

		var types []string
		for _, r := range doc.Relationships {
			types = append(types, r.A+" "+r.Type+" "+r.B)
		}
		Expect(types[0]).To(Equal("SPDXRef-DOCUMENT DESCRIBES SPDXRef-App"))
		Expect(types).To(ContainElements(
			"SPDXRef-App DEPENDS_ON SPDXRef-Package-CPython-3.13.1",
			"SPDXRef-Package-six-1.17.0 CONTAINS SPDXRef-Package-zlib-1.3",
		))
	})

	it("refreshes a document it wrote for the same key with the app's identity, and refuses others", func() {
		content, err := spdx.Encode(sbomtest.Document())
		Expect(err).NotTo(HaveOccurred())
		same, ok, err := spdx.Refresh(content, sbomtest.Document())
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		Expect(string(same)).To(Equal(string(content)))

		renamed := sbomtest.Document()
		renamed.App.Name = "store"
		refreshed, ok, err := spdx.Refresh(content, renamed)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		fresh, _ := spdx.Encode(renamed)
		Expect(string(refreshed)).To(Equal(string(fresh)))

		other := sbomtest.Document()
		other.Key = "sha256:other"
		_, ok, _ = spdx.Refresh(content, other)
		Expect(ok).To(BeFalse())
	})
}
