package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/python-cnb/buildpack/internal/wiring"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitBuildPhases(t *testing.T) {
	spec.Run(t, "build phases", func(t *testing.T, context spec.G, it spec.S) {
		Expect := NewWithT(t).Expect

		it("has a build for every sub-buildpack directory of the repo, and no other", func() {
			dirs, err := wiring.SubBuildpackDirs(filepath.Join("..", ""))
			Expect(err).NotTo(HaveOccurred())
			Expect(dirs).NotTo(BeEmpty())
			for _, dir := range dirs {
				_, err := wiring.Lookup(dir, builders)
				Expect(err).NotTo(HaveOccurred(), dir)
			}
			Expect(builders).To(HaveLen(len(dirs)))
		})

		it("registers the bill of materials formats that the sub-buildpacks making launch layers declare", func() {
			var registered []string
			for _, f := range sbom.Formats() {
				registered = append(registered, f.MediaType)
			}
			Expect(registered).To(ConsistOf("application/vnd.cyclonedx+json", "application/spdx+json"))
			for _, dir := range []string{"cpython", "pip", "uv", "poetry", "pipenv", "conda", "gunicorn"} {
				var descriptor struct {
					Buildpack struct {
						SBOMFormats []string `toml:"sbom-formats"`
					} `toml:"buildpack"`
				}
				_, err := toml.DecodeFile(filepath.Join("..", dir, "buildpack.toml"), &descriptor)
				Expect(err).NotTo(HaveOccurred())
				Expect(descriptor.Buildpack.SBOMFormats).To(ConsistOf(registered), dir)
			}
		})

		it("checks each build setting once, and the README's configuration table documents every one", func() {
			readme, err := os.ReadFile(filepath.Join("..", "README.md"))
			Expect(err).NotTo(HaveOccurred())
			seen := map[string]bool{}
			for _, check := range settingChecks() {
				Expect(seen[check.Name]).To(BeFalse(), check.Name)
				seen[check.Name] = true
				Expect(string(readme)).To(ContainSubstring("| `"+check.Name+"` |"), check.Name)
			}
		})
	}, spec.Report(report.Terminal{}))
}
