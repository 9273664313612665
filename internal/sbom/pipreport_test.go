package sbom_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/sclevine/spec"
)

func testPipReport(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("gives each pip run its own report, outside the layer, whose digests Describe adds", func() {
		t.Setenv("TMPDIR", t.TempDir())
		layer := t.TempDir()
		writeFiles(t, layer, map[string]string{
			"lib/python3.12/site-packages/Six-1.17.0.dist-info/METADATA": "Name: Six\nVersion: 1.17.0\n",
			"lib/python3.12/site-packages/app-1.0.dist-info/METADATA":    "Name: app\nVersion: 1.0\n",
		})
		first, second := sbom.PipReportEnv(layer), sbom.PipReportEnv(layer)
		Expect(first).NotTo(Equal(second))
		Expect(first).NotTo(ContainSubstring(layer))
		report := strings.TrimPrefix(first, "PIP_REPORT=")
		Expect(filepath.Dir(report)).To(BeADirectory())
		Expect(os.WriteFile(report, []byte(`{"install": [
			{"metadata": {"name": "six", "version": "1.17.0"}, "download_info": {"url": "https://x", "archive_info": {"hashes": {"sha256": "4721"}}}},
			{"metadata": {"name": "app", "version": "1.0"}, "download_info": {"url": "file:///workspace", "dir_info": {}}}]}`), 0o644)).To(Succeed())

		components, err := sbom.Describe(layer, "/cnb", nil, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(components).To(HaveLen(2))
		Expect(components[0].Name).To(Equal("Six"))
		Expect(components[0].SHA256).To(Equal("4721"))
		Expect(components[1].SHA256).To(BeEmpty())
	})

	context("failure cases", func() {
		it("names a report that is not JSON", func() {
			t.Setenv("TMPDIR", t.TempDir())
			layer := t.TempDir()
			report := strings.TrimPrefix(sbom.PipReportEnv(layer), "PIP_REPORT=")
			Expect(os.WriteFile(report, []byte("{"), 0o644)).To(Succeed())
			_, err := sbom.Describe(layer, "/cnb", nil, nil)
			Expect(err).To(MatchError(ContainSubstring("reading pip's installation report")))
		})
	})
}
