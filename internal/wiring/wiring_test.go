package wiring_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/wiring"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitWiring(t *testing.T) {
	suite := spec.New("wiring", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Wiring", testWiring)
	suite("Run", testRun)
	suite.Run(t)
}

func testWiring(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("wires every sub-buildpack directory of the repo", func() {
		descriptors, err := filepath.Glob("../../*/buildpack.toml")
		Expect(err).NotTo(HaveOccurred())
		Expect(descriptors).NotTo(BeEmpty())
		for _, descriptor := range descriptors {
			content, err := os.ReadFile(descriptor)
			Expect(err).NotTo(HaveOccurred())
			if strings.Contains(string(content), "[[order]]") {
				continue
			}
			bp, err := wiring.Lookup(filepath.Dir(descriptor))
			Expect(err).NotTo(HaveOccurred(), descriptor)
			Expect(bp.Detect).NotTo(BeNil())
			Expect(bp.Build(wiring.Logger())).NotTo(BeNil())
		}
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

	context("failure cases", func() {
		it("names an unknown id and the known ones", func() {
			dir := t.TempDir()
			Expect(os.WriteFile(filepath.Join(dir, "buildpack.toml"), []byte("[buildpack]\nid = \"someone/else\"\n"), 0o644)).To(Succeed())
			_, err := wiring.Lookup(dir)
			Expect(err).To(MatchError(ContainSubstring(`names buildpack "someone/else", which this binary does not implement (known: python-cnb/cpython, python-cnb/gunicorn`)))
		})

		it("fails on a missing buildpack.toml", func() {
			_, err := wiring.Lookup(t.TempDir())
			Expect(err).To(MatchError(ContainSubstring("reading the buildpack id")))
		})
	})
}

func testRun(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("hands the phase the buildpack named by CNB_BUILDPACK_DIR", func() {
		t.Setenv("CNB_BUILDPACK_DIR", "../../cpython")
		called := false
		wiring.Run(func(bp wiring.Buildpack) { called = bp.Detect != nil })
		Expect(called).To(BeTrue())
	})
}
