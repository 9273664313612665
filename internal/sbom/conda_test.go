package sbom_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/sclevine/spec"
)

func testConda(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("reads conda-meta records: purl by channel name, digest, license, and the distributions they installed", func() {
		prefix := t.TempDir()
		writeFiles(t, prefix, map[string]string{
			"conda-meta/python-3.11.11-pbs_0.json": `{"name": "python", "version": "3.11.11", "build": "pbs_0", "subdir": "linux-64",
				"channel": "https://user:tok@conda.example/t/secret/conda-forge", "fn": "python-3.11.11-pbs_0.tar.bz2",
				"license": "PSF-2.0", "sha256": "abc", "files": ["bin/python3.11"]}`,
			"conda-meta/six-1.17.0-py_0.json": `{"name": "six", "version": "1.17.0", "build": "py_0", "subdir": "noarch", "channel": "conda-forge", "fn": "six-1.17.0-py_0.conda",
				"license": "", "sha256": "def", "files": ["lib/python3.11/site-packages/six.py", "lib/python3.11/site-packages/six-1.17.0.dist-info/METADATA"]}`,
			"conda-meta/history": "",
		})
		components, owned, err := sbom.ReadCondaMeta(prefix)
		Expect(err).NotTo(HaveOccurred())
		Expect(components).To(HaveLen(2))
		Expect(components[0].PURL).To(Equal("pkg:conda/python@3.11.11?build=pbs_0&channel=conda-forge&subdir=linux-64&type=tar.bz2"))
		Expect(components[0].Licenses.Expression).To(Equal("PSF-2.0"))
		Expect(components[0].SHA256).To(Equal("abc"))
		Expect(components[1].PURL).To(Equal("pkg:conda/six@1.17.0?build=py_0&channel=conda-forge&subdir=noarch&type=conda"))
		Expect(components[1].Licenses.Empty()).To(BeTrue())
		Expect(owned).To(Equal(map[string]bool{"lib/python3.11/site-packages/six-1.17.0.dist-info/METADATA": true}))
	})

	it("reads nothing where there is no conda-meta", func() {
		components, owned, err := sbom.ReadCondaMeta(t.TempDir())
		Expect(err).NotTo(HaveOccurred())
		Expect(components).To(BeEmpty())
		Expect(owned).To(BeEmpty())
	})

	context("failure cases", func() {
		it("names a record that is not JSON", func() {
			prefix := t.TempDir()
			writeFiles(t, prefix, map[string]string{"conda-meta/x.json": "{"})
			_, _, err := sbom.ReadCondaMeta(prefix)
			Expect(err).To(MatchError(ContainSubstring("conda-meta/x.json")))
		})
	})
}
