package cyclonedx_test

import (
	"encoding/json"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/python-cnb/buildpack/internal/sbom/cyclonedx"
	"github.com/python-cnb/buildpack/internal/sbom/sbomtest"
	"github.com/sclevine/spec"
)

func testEncode(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("writes CycloneDX 1.6: the app as the root, depending on every component", func() {
		content, err := cyclonedx.Encode(sbomtest.Document())
		Expect(err).NotTo(HaveOccurred())
		var bom map[string]interface{}
		Expect(json.Unmarshal(content, &bom)).To(Succeed())
		Expect(bom["specVersion"]).To(Equal("1.6"))
		Expect(bom["serialNumber"]).To(MatchRegexp(`^urn:uuid:`))
		metadata := bom["metadata"].(map[string]interface{})
		Expect(metadata["component"]).To(HaveKeyWithValue("bom-ref", cyclonedx.RootRef))
		Expect(metadata["component"]).To(HaveKeyWithValue("version", "1.0"))
		Expect(metadata["properties"]).To(ContainElement(map[string]interface{}{"name": sbom.KeyProperty, "value": "sha256:k"}))

		components := bom["components"].([]interface{})
		Expect(components).To(HaveLen(4))
		cpython := components[0].(map[string]interface{})
		Expect(cpython["type"]).To(Equal("platform"))
		Expect(cpython["licenses"]).To(Equal([]interface{}{map[string]interface{}{"license": map[string]interface{}{"id": "PSF-2.0"}}}))
		Expect(cpython["hashes"]).To(Equal([]interface{}{map[string]interface{}{"alg": "SHA-256", "content": "aa"}}))
		Expect(cpython["externalReferences"]).To(ContainElement(map[string]interface{}{"type": "source-distribution", "url": "https://python.example.org/P.tgz"}))
		six := components[1].(map[string]interface{})
		Expect(six["licenses"]).To(Equal([]interface{}{
			map[string]interface{}{"license": map[string]interface{}{"id": "MIT"}},
			map[string]interface{}{"license": map[string]interface{}{"name": "BSD License"}},
		}))
		Expect(six["components"]).To(HaveLen(1))
		a := components[2].(map[string]interface{})
		Expect(a["licenses"]).To(Equal([]interface{}{map[string]interface{}{"expression": "MIT OR Apache-2.0"}}))
		Expect(a["externalReferences"]).To(Equal([]interface{}{map[string]interface{}{"type": "vcs", "url": "git+https://git.example.org/a@abc"}}))
		Expect(bom["dependencies"]).To(Equal([]interface{}{map[string]interface{}{
			"ref": cyclonedx.RootRef, "dependsOn": []interface{}{"pkg:generic/cpython@3.13.1", "pkg:pypi/six@1.17.0", "pkg:pypi/a@1", "library:six@1.17.0"},
		}}))
	})

	it("refreshes a document it wrote for the same key with the app's identity, and refuses others", func() {
		content, err := cyclonedx.Encode(sbomtest.Document())
		Expect(err).NotTo(HaveOccurred())
		same, ok, err := cyclonedx.Refresh(content, sbomtest.Document())
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		Expect(string(same)).To(Equal(string(content)))

		renamed := sbomtest.Document()
		renamed.App.Version = "2.0"
		refreshed, ok, err := cyclonedx.Refresh(content, renamed)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		fresh, _ := cyclonedx.Encode(renamed)
		Expect(string(refreshed)).To(Equal(string(fresh)))

		other := sbomtest.Document()
		other.Key = "sha256:other"
		_, ok, _ = cyclonedx.Refresh(content, other)
		Expect(ok).To(BeFalse())
		_, ok, _ = cyclonedx.Refresh([]byte("not json"), sbomtest.Document())
		Expect(ok).To(BeFalse())
	})
}
