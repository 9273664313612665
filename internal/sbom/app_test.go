package sbom_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/sclevine/spec"
)

func testApp(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("names the app from pyproject.toml's [project]", func() {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"pyproject.toml": "[project]\nname = \"shop\"\nversion = \"2.0\"\n", "setup.cfg": "[metadata]\nname = other\n"})
		Expect(sbom.ReadApp(dir)).To(Equal(sbom.Component{Kind: sbom.Application, Name: "shop", Version: "2.0"}))
	})

	it("names the app from setup.cfg's [metadata], leaving out computed versions", func() {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"setup.cfg": "[options]\nname = no\n[metadata]\nname = shop\nversion = attr: shop.__version__\n"})
		Expect(sbom.ReadApp(dir)).To(Equal(sbom.Component{Kind: sbom.Application, Name: "shop"}))
	})

	it("calls an app that states no name app", func() {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"pyproject.toml": "[tool.black]\n"})
		Expect(sbom.ReadApp(dir)).To(Equal(sbom.Component{Kind: sbom.Application, Name: sbom.AppName}))
		writeFiles(t, dir, map[string]string{"pyproject.toml": "not toml ["})
		Expect(sbom.ReadApp(dir)).To(Equal(sbom.Component{Kind: sbom.Application, Name: sbom.AppName}))
	})
}
