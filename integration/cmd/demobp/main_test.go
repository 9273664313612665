package main

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/integration/internal/pyfixture"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitDemobp(t *testing.T) {
	spec.Run(t, "demobp", testDemobp, spec.Report(report.Terminal{}))
}

func testDemobp(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect
	root := filepath.Join("..", "..", "..")

	it("stages the repo's buildpack with the newest fixture CPython vendored", func() {
		if _, err := os.Stat(filepath.Join(root, "cpython", "bin", "build")); err != nil {
			t.Skip("needs scripts/build.sh first")
		}
		out := filepath.Join(t.TempDir(), "staged")
		dir, version, err := run(root, out, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(dir).To(Equal(filepath.Join(out, "composite")))
		versions := pyfixture.KnownVersions()
		Expect(version).To(Equal(versions[len(versions)-1]))
		vendored, err := filepath.Glob(filepath.Join(out, "cpython", "dependencies", "*", "*.tar.gz"))
		Expect(err).NotTo(HaveOccurred())
		Expect(vendored).To(HaveLen(1))
		descriptor, err := os.ReadFile(filepath.Join(out, "cpython", "buildpack.toml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(descriptor)).To(ContainSubstring(`version = "` + version + `"`))
	})

	it("lists the archive at a URL instead of vendoring it", func() {
		if _, err := os.Stat(filepath.Join(root, "cpython", "bin", "build")); err != nil {
			t.Skip("needs scripts/build.sh first")
		}
		out := filepath.Join(t.TempDir(), "staged")
		_, _, err := run(root, out, "http://127.0.0.1:9/fixtures")
		Expect(err).NotTo(HaveOccurred())
		vendored, err := filepath.Glob(filepath.Join(out, "cpython", "dependencies", "*", "*"))
		Expect(err).NotTo(HaveOccurred())
		Expect(vendored).To(BeEmpty())
		descriptor, err := os.ReadFile(filepath.Join(out, "cpython", "buildpack.toml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(descriptor)).To(ContainSubstring(`uri = "http://127.0.0.1:9/fixtures/cpython-`))
	})

	context("failure cases", func() {
		it("fails when the root is not the repository", func() {
			_, _, err := run(t.TempDir(), filepath.Join(t.TempDir(), "out"), "")
			Expect(err).To(MatchError(ContainSubstring("package.toml")))
		})
	})
}
