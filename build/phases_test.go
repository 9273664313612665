package main

import (
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
	}, spec.Report(report.Terminal{}))
}
