package wiring_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/wiring"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitWiring(t *testing.T) {
	spec.Run(t, "wiring", testWiring, spec.Report(report.Terminal{}), spec.Sequential())
}

func testWiring(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		dir    string
		phases = map[string]string{"x/a": "phase a", "x/b": "phase b"}
	)

	it.Before(func() {
		dir = t.TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "buildpack.toml"), []byte("[buildpack]\nid = \"x/b\"\n"), 0o644)).To(Succeed())
	})

	it("finds the entry for the id in buildpack.toml", func() {
		Expect(wiring.Lookup(dir, phases)).To(Equal("phase b"))
	})

	it("hands the entry of the buildpack in CNB_BUILDPACK_DIR to run", func() {
		t.Setenv("CNB_BUILDPACK_DIR", dir)
		var got string
		wiring.Run(phases, func(phase string) { got = phase })
		Expect(got).To(Equal("phase b"))
	})

	it("takes the directory from CNB_BUILDPACK_DIR", func() {
		t.Setenv("CNB_BUILDPACK_DIR", "/cnb/buildpacks/x/1.0.0")
		Expect(wiring.Dir()).To(Equal("/cnb/buildpacks/x/1.0.0"))
	})

	it("else takes the parent of the executable's directory", func() {
		t.Setenv("CNB_BUILDPACK_DIR", "")
		exe, err := os.Executable()
		Expect(err).NotTo(HaveOccurred())
		Expect(wiring.Dir()).To(Equal(filepath.Dir(filepath.Dir(exe))))
	})

	it("lists the sub-buildpack directories, leaving out composites", func() {
		root := t.TempDir()
		Expect(os.MkdirAll(filepath.Join(root, "sub"), 0o755)).To(Succeed())
		Expect(os.MkdirAll(filepath.Join(root, "composite"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(root, "sub", "buildpack.toml"), []byte("[buildpack]\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(root, "composite", "buildpack.toml"), []byte("[[order]]\n"), 0o644)).To(Succeed())
		Expect(wiring.SubBuildpackDirs(root)).To(Equal([]string{filepath.Join(root, "sub")}))
	})

	context("failure cases", func() {
		it("names an unknown id and the known ones", func() {
			Expect(os.WriteFile(filepath.Join(dir, "buildpack.toml"), []byte("[buildpack]\nid = \"someone/else\"\n"), 0o644)).To(Succeed())
			_, err := wiring.Lookup(dir, phases)
			Expect(err).To(MatchError(ContainSubstring(`names buildpack "someone/else", which this binary does not implement (known: x/a, x/b)`)))
		})

		it("fails on a missing buildpack.toml", func() {
			_, err := wiring.Lookup(t.TempDir(), phases)
			Expect(err).To(MatchError(ContainSubstring("reading the buildpack id")))
		})

		it("fails to list a root it cannot read", func() {
			Expect(os.Mkdir(filepath.Join(dir, "sub"), 0o755)).To(Succeed())
			Expect(os.Mkdir(filepath.Join(dir, "sub", "buildpack.toml"), 0o755)).To(Succeed())
			_, err := wiring.SubBuildpackDirs(dir)
			Expect(err).To(HaveOccurred())
		})
	})
}
