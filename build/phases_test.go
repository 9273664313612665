package main

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
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
