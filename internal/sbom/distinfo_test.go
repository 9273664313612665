package sbom_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/sclevine/spec"
)

// writeFiles writes files (relative path -> content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func testDistInfo(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect
	var layer string

	it.Before(func() {
		layer = t.TempDir()
	})

	context("ParseMetadata", func() {
		it("reads the header fields, not the description", func() {
			m := sbom.ParseMetadata([]byte("Metadata-Version: 2.4\nName: Flask\nVersion: 3.1.0\nSummary: A framework\n" +
				"Project-URL: Homepage, https://flask.example\nLicense-Expression: BSD-3-Clause\n" +
				"Classifier: License :: OSI Approved :: BSD License\n\nName: not-this\n"))
			Expect(m.Name).To(Equal("Flask"))
			Expect(m.Version).To(Equal("3.1.0"))
			Expect(m.Summary).To(Equal("A framework"))
			Expect(m.Homepage).To(Equal("https://flask.example"))
			// an expression wins over classifiers
			Expect(m.Licenses).To(Equal(sbom.Licenses{Expression: "BSD-3-Clause"}))
		})

		it("keeps license classifiers over the License field, and a folded License field whole", func() {
			m := sbom.ParseMetadata([]byte("Name: a\nVersion: 1\nLicense: MIT\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Programming Language :: Python\n"))
			Expect(m.Licenses).To(Equal(sbom.Licenses{Classifiers: []string{"License :: OSI Approved :: MIT License"}}))
			m = sbom.ParseMetadata([]byte("Name: a\nVersion: 1\nLicense: Copyright 2024 Someone\n        All rights reserved.\nHome-page: https://a.example\n"))
			Expect(m.Licenses).To(Equal(sbom.Licenses{Text: "Copyright 2024 Someone\nAll rights reserved."}))
			Expect(m.Homepage).To(Equal("https://a.example"))
		})

		it("leaves out a home page that is not a web address", func() {
			Expect(sbom.ParseMetadata([]byte("Name: a\nVersion: 1\nHome-page: not a url\n")).Homepage).To(BeEmpty())
		})

		it("treats License: UNKNOWN as no license", func() {
			Expect(sbom.ParseMetadata([]byte("Name: a\nVersion: 1\nLicense: UNKNOWN\n")).Licenses.Empty()).To(BeTrue())
		})
	})

	context("ReadDistributions", func() {
		it("reads every distribution in the layer's site-packages, with purls, sorted by path", func() {
			writeFiles(t, layer, map[string]string{
				"lib/python3.12/site-packages/six-1.17.0.dist-info/METADATA":       "Name: six\nVersion: 1.17.0\nLicense: MIT\n",
				"lib/python3.12/site-packages/Flask-3.1.0.dist-info/METADATA":      "Name: Flask\nVersion: 3.1.0\n",
				"lib/python3.12/site-packages/broken-1.0.dist-info/RECORD":         "",
				"site-packages/gunicorn-27.0.1.dist-info/METADATA":                 "Name: gunicorn\nVersion: 27.0.1\n",
				"lib/python3.12/site-packages/zope.interface-7.dist-info/METADATA": "Name: zope.interface\nVersion: 7\n",
			})
			components, err := sbom.ReadDistributions(layer, nil)
			Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, c := range components {
				names = append(names, c.Path+" "+c.PURL)
			}
			Expect(names).To(Equal([]string{
				"lib/python3.12/site-packages/Flask-3.1.0.dist-info pkg:pypi/flask@3.1.0",
				"lib/python3.12/site-packages/six-1.17.0.dist-info pkg:pypi/six@1.17.0",
				"lib/python3.12/site-packages/zope.interface-7.dist-info pkg:pypi/zope-interface@7",
				"site-packages/gunicorn-27.0.1.dist-info pkg:pypi/gunicorn@27.0.1",
			}))
			Expect(components[1].Licenses).To(Equal(sbom.Licenses{Text: "MIT"}))
		})

		it("leaves out the distributions a conda package installed", func() {
			writeFiles(t, layer, map[string]string{
				"lib/python3.11/site-packages/six-1.17.0.dist-info/METADATA": "Name: six\nVersion: 1.17.0\n",
			})
			components, err := sbom.ReadDistributions(layer, map[string]bool{"lib/python3.11/site-packages/six-1.17.0.dist-info/METADATA": true})
			Expect(err).NotTo(HaveOccurred())
			Expect(components).To(BeEmpty())
		})

		it("reads direct_url.json: a VCS install's repository and commit, an archive's digest, without credentials", func() {
			writeFiles(t, layer, map[string]string{
				"site-packages/a-1.dist-info/METADATA":        "Name: a\nVersion: 1\n",
				"site-packages/a-1.dist-info/direct_url.json": `{"url": "https://user:s3cret@git.example/a.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}`,
				"site-packages/b-2.dist-info/METADATA":        "Name: b\nVersion: 2\n",
				"site-packages/b-2.dist-info/direct_url.json": `{"url": "https://files.example/b-2.tar.gz", "archive_info": {"hash": "sha256=feed"}}`,
				"site-packages/c-3.dist-info/METADATA":        "Name: c\nVersion: 3\n",
				"site-packages/c-3.dist-info/direct_url.json": `{"url": "file:///workspace", "dir_info": {}}`,
			})
			components, err := sbom.ReadDistributions(layer, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(components).To(HaveLen(3))
			Expect(components[0].VCS).To(Equal("git+https://git.example/a.git"))
			Expect(components[0].Commit).To(Equal("abc123"))
			Expect(components[0].Download).To(Equal("git+https://git.example/a.git@abc123"))
			Expect(components[0].PURL).To(Equal("pkg:pypi/a@1?vcs_url=git%2Bhttps%3A%2F%2Fgit.example%2Fa.git%40abc123"))
			Expect(components[1].SHA256).To(Equal("feed"))
			Expect(components[1].Download).To(Equal("https://files.example/b-2.tar.gz"))
			Expect(components[2].Download).To(Equal("file:///workspace"))
		})

		it("includes the components of a distribution's own SBOMs (PEP 770), CycloneDX and SPDX", func() {
			writeFiles(t, layer, map[string]string{
				"site-packages/native-1.dist-info/METADATA":         "Name: native\nVersion: 1\n",
				"site-packages/native-1.dist-info/sboms/a.cdx.json": `{"bomFormat": "CycloneDX", "components": [{"type": "library", "name": "zlib", "version": "1.3", "purl": "pkg:generic/zlib@1.3", "licenses": [{"license": {"id": "Zlib"}}]}]}`,
				"site-packages/native-1.dist-info/sboms/b.spdx.json": `{"spdxVersion": "SPDX-2.3", "packages": [{"name": "openssl", "versionInfo": "3.0", "licenseDeclared": "Apache-2.0",
					"externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:generic/openssl@3.0"}]}]}`,
			})
			components, err := sbom.ReadDistributions(layer, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(components[0].Contains).To(Equal([]sbom.Component{
				{Kind: sbom.Library, Name: "zlib", Version: "1.3", PURL: "pkg:generic/zlib@1.3", Licenses: sbom.Licenses{Expression: "Zlib"}},
				{Kind: sbom.Library, Name: "openssl", Version: "3.0", PURL: "pkg:generic/openssl@3.0", Licenses: sbom.Licenses{Expression: "Apache-2.0"}},
			}))
		})

		context("failure cases", func() {
			it("returns an unreadable METADATA's error", func() {
				writeFiles(t, layer, map[string]string{"site-packages/a-1.dist-info/METADATA": "Name: a\n"})
				Expect(os.Chmod(filepath.Join(layer, "site-packages/a-1.dist-info/METADATA"), 0)).To(Succeed())
				if os.Geteuid() == 0 {
					Expect(os.Remove(filepath.Join(layer, "site-packages/a-1.dist-info/METADATA"))).To(Succeed())
					Expect(os.Mkdir(filepath.Join(layer, "site-packages/a-1.dist-info/METADATA"), 0o755)).To(Succeed())
				}
				_, err := sbom.ReadDistributions(layer, nil)
				Expect(err).To(MatchError(ContainSubstring("a-1.dist-info")))
			})
		})
	})

	context("NormalizeName", func() {
		it("normalizes as PEP 503 does", func() {
			Expect(sbom.NormalizeName("Zope.Interface__x--y")).To(Equal("zope-interface-x-y"))
			Expect(sbom.NormalizeName("Zope__Interface.x")).To(Equal("zope-interface-x"))
		})
	})
}
