package sbom_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/sbom"
	_ "github.com/python-cnb/buildpack/internal/sbom/cyclonedx"
	_ "github.com/python-cnb/buildpack/internal/sbom/spdx"
	"github.com/sclevine/spec"
)

func testLayer(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect  = NewWithT(t).Expect
		buffer  *bytes.Buffer
		logger  scribe.Emitter
		ctx     packit.BuildContext
		layer   packit.Layer
		layers  string
		written = func(layer packit.Layer) map[string]string {
			out := map[string]string{}
			if layer.SBOM == nil {
				return out
			}
			for _, f := range layer.SBOM.Formats() {
				content, err := io.ReadAll(f.Content)
				Expect(err).NotTo(HaveOccurred())
				out[f.Extension] = string(content)
			}
			return out
		}
	)

	it.Before(func() {
		t.Setenv("SOURCE_DATE_EPOCH", "")
		buffer = &bytes.Buffer{}
		logger = scribe.NewEmitter(buffer)
		layers = t.TempDir()
		app := t.TempDir()
		writeFiles(t, app, map[string]string{"pyproject.toml": "[project]\nname = \"shop\"\nversion = \"1.0\"\n"})
		ctx = packit.BuildContext{
			WorkingDir:    app,
			CNBPath:       t.TempDir(),
			Layers:        packit.Layers{Path: layers},
			BuildpackInfo: packit.BuildpackInfo{ID: "python-cnb/pip", Version: "0.1.0"},
		}
		var err error
		layer, err = ctx.Layers.Get("venv")
		Expect(err).NotTo(HaveOccurred())
		layer.Metadata = map[string]interface{}{"requirements": "sha256:1"}
		writeFiles(t, layer.Path, map[string]string{"lib/python3.12/site-packages/six-1.17.0.dist-info/METADATA": "Name: six\nVersion: 1.17.0\nLicense-Expression: MIT\n"})
	})

	it("registers CycloneDX and SPDX", func() {
		var types []string
		for _, f := range sbom.Formats() {
			types = append(types, f.MediaType)
		}
		Expect(types).To(ConsistOf("application/vnd.cyclonedx+json", "application/spdx+json"))
	})

	it("describes a layer from its files in every format, the same way every time", func() {
		Expect(sbom.Layer(ctx, &layer, logger)).To(Succeed())
		docs := written(layer)
		Expect(docs).To(HaveKey("cdx.json"))
		Expect(docs).To(HaveKey("spdx.json"))
		Expect(buffer.String()).To(ContainSubstring("Writing the software bill of materials of layer venv: 1 components (cdx.json, spdx.json)"))

		var cdx struct {
			SerialNumber string `json:"serialNumber"`
			Metadata     struct {
				Timestamp string `json:"timestamp"`
				Component struct{ Name, Version string }
			}
			Components []struct{ Name, Version, Purl string }
		}
		Expect(json.Unmarshal([]byte(docs["cdx.json"]), &cdx)).To(Succeed())
		Expect(cdx.Metadata.Timestamp).To(Equal("1980-01-01T00:00:01Z"))
		Expect(cdx.Metadata.Component.Name).To(Equal("shop"))
		Expect(cdx.Components).To(HaveLen(1))
		Expect(cdx.Components[0].Purl).To(Equal("pkg:pypi/six@1.17.0"))
		Expect(cdx.SerialNumber).To(MatchRegexp(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`))

		again := layer
		Expect(sbom.Layer(ctx, &again, logger)).To(Succeed())
		Expect(written(again)).To(Equal(docs))
	})

	it("uses SOURCE_DATE_EPOCH as the creation time", func() {
		t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
		Expect(sbom.Layer(ctx, &layer, logger)).To(Succeed())
		Expect(written(layer)["spdx.json"]).To(ContainSubstring(`"created": "2023-11-14T22:13:20Z"`))
	})

	context("when the lifecycle restored the documents of an earlier build", func() {
		var earlier map[string]string

		it.Before(func() {
			Expect(sbom.Layer(ctx, &layer, logger)).To(Succeed())
			earlier = written(layer)
			for ext, content := range earlier {
				Expect(os.WriteFile(filepath.Join(layers, "venv.sbom."+ext), []byte(content), 0o644)).To(Succeed())
			}
			// a reused launch-only layer: no files in this build
			Expect(os.RemoveAll(filepath.Join(layer.Path, "lib"))).To(Succeed())
			buffer.Reset()
		})

		it("keeps them while the layer's metadata is unchanged", func() {
			reused := packit.Layer{Name: "venv", Path: layer.Path, Metadata: map[string]interface{}{"requirements": "sha256:1"}}
			Expect(sbom.Layer(ctx, &reused, logger)).To(Succeed())
			Expect(written(reused)).To(Equal(earlier))
			Expect(buffer.String()).To(ContainSubstring("Keeping the software bill of materials of layer venv: the layer is unchanged"))
		})

		it("brings the app's identity up to date in them", func() {
			writeFiles(t, ctx.WorkingDir, map[string]string{"pyproject.toml": "[project]\nname = \"shop\"\nversion = \"1.1\"\n"})
			reused := packit.Layer{Name: "venv", Path: layer.Path, Metadata: map[string]interface{}{"requirements": "sha256:1"}}
			Expect(sbom.Layer(ctx, &reused, logger)).To(Succeed())
			docs := written(reused)
			Expect(docs["cdx.json"]).To(ContainSubstring(`"version": "1.1"`))
			Expect(docs["cdx.json"]).To(ContainSubstring("pkg:pypi/six@1.17.0"))
			Expect(docs["spdx.json"]).To(ContainSubstring(`"versionInfo": "1.1"`))
			Expect(docs["spdx.json"]).To(ContainSubstring(`"name": "six"`))
			Expect(docs["cdx.json"]).NotTo(Equal(earlier["cdx.json"]))
		})

		it("describes the layer anew from its files when its metadata changed", func() {
			writeFiles(t, layer.Path, map[string]string{"lib/python3.12/site-packages/flask-3.1.0.dist-info/METADATA": "Name: flask\nVersion: 3.1.0\n"})
			rebuilt := packit.Layer{Name: "venv", Path: layer.Path, Metadata: map[string]interface{}{"requirements": "sha256:2"}}
			Expect(sbom.Layer(ctx, &rebuilt, logger)).To(Succeed())
			docs := written(rebuilt)
			Expect(docs["cdx.json"]).To(ContainSubstring("pkg:pypi/flask@3.1.0"))
			Expect(docs["cdx.json"]).NotTo(ContainSubstring("pkg:pypi/six@1.17.0"))
		})

		it("describes the layer anew when a document is not this buildpack's", func() {
			Expect(os.WriteFile(filepath.Join(layers, "venv.sbom.spdx.json"), []byte(`{"spdxVersion": "SPDX-2.2"}`), 0o644)).To(Succeed())
			writeFiles(t, layer.Path, map[string]string{"lib/python3.12/site-packages/six-1.17.0.dist-info/METADATA": "Name: six\nVersion: 1.17.0\n"})
			reused := packit.Layer{Name: "venv", Path: layer.Path, Metadata: map[string]interface{}{"requirements": "sha256:1"}}
			Expect(sbom.Layer(ctx, &reused, logger)).To(Succeed())
			Expect(buffer.String()).To(ContainSubstring("Writing the software bill of materials of layer venv"))
		})
	})

	it("warns when a reused layer has neither files nor documents", func() {
		empty, err := ctx.Layers.Get("gunicorn")
		Expect(err).NotTo(HaveOccurred())
		Expect(sbom.Layer(ctx, &empty, logger)).To(Succeed())
		Expect(empty.SBOM).To(BeNil())
		Expect(buffer.String()).To(ContainSubstring("Warning: layer gunicorn has no software bill of materials"))
	})

	it("describes a layer installed from a dependency entry, and the programs copied into exec.d", func() {
		cpython, err := ctx.Layers.Get("cpython")
		Expect(err).NotTo(HaveOccurred())
		Expect(sbom.Layer(ctx, &cpython, logger, postal.Dependency{ID: "cpython", Name: "CPython", Version: "3.13.1", Licenses: []string{"PSF-2.0"}})).To(Succeed())
		Expect(written(cpython)["cdx.json"]).To(ContainSubstring(`"type": "platform"`))

		program := filepath.Join(ctx.CNBPath, "bin", "execd")
		writeFiles(t, ctx.CNBPath, map[string]string{"bin/execd": "#!/bin/sh\n"})
		start, err := ctx.Layers.Get("start")
		Expect(err).NotTo(HaveOccurred())
		start.ExecD = []string{program}
		Expect(sbom.Layer(ctx, &start, logger)).To(Succeed())
		docs := written(start)
		Expect(docs["cdx.json"]).To(ContainSubstring(`"python-cnb:buildpack-file"`))
		Expect(strings.Count(docs["spdx.json"], `"SPDXID": "SPDXRef-Package-execd"`)).To(Equal(1))
	})

	context("failure cases", func() {
		it("returns the error of a layer whose files cannot be read", func() {
			writeFiles(t, layer.Path, map[string]string{"conda-meta/x.json": "{"})
			Expect(sbom.Layer(ctx, &layer, logger)).To(MatchError(ContainSubstring("conda-meta/x.json")))
		})
	})
}
