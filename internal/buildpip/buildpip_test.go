package buildpip_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestBuildpip(t *testing.T) {
	spec.Run(t, "buildpip", testBuildpip, spec.Report(report.Terminal{}))
}

func testBuildpip(t *testing.T, context spec.G, it spec.S) {
	var Expect = NewWithT(t).Expect

	context("when the cpython sub-buildpack names pip's package directory", func() {
		it("runs that directory with the environment's interpreter, isolated", func() {
			dir := filepath.Join(t.TempDir(), "pip")
			Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, "__main__.py"), nil, 0o644)).To(Succeed())
			t.Setenv(buildpip.DirEnv, dir)

			Expect(buildpip.Dir()).To(Equal(dir))
			Expect(buildpip.IsPackage(dir)).To(BeTrue())
			Expect(buildpip.IsPackage(filepath.Dir(dir))).To(BeFalse())
			Expect(buildpip.Command("/layers/venv/bin/python")).To(Equal([]string{
				"/layers/venv/bin/python", "-I", dir, "--disable-pip-version-check", "--no-input"}))
		})
	})

	context("when the variable is unset, or names a directory without pip", func() {
		it("uses pip's --python option from the build's CPython", func() {
			want := []string{"python", "-I", "-m", "pip", "--python", "/env/bin/python", "--disable-pip-version-check", "--no-input"}
			t.Setenv(buildpip.DirEnv, "")
			Expect(buildpip.Command("/env/bin/python")).To(Equal(want))

			t.Setenv(buildpip.DirEnv, t.TempDir())
			Expect(buildpip.Dir()).To(BeEmpty())
			Expect(buildpip.Command("/env/bin/python")).To(Equal(want))
		})
	})

	it("does not let callers change the shared options", func() {
		t.Setenv(buildpip.DirEnv, "")
		first := buildpip.Command("/a/bin/python")
		_ = append(first, "install")
		second := append(buildpip.Command("/b/bin/python"), "list")
		Expect(second[len(second)-1]).To(Equal("list"))
		Expect(buildpip.Options).To(Equal([]string{"--disable-pip-version-check", "--no-input"}))
	})
}
