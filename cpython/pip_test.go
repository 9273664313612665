package cpython_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/sclevine/spec"
)

func testPip(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("moves pip out of the installation and leaves a .pth file naming where it went", func() {
		root, dir := t.TempDir(), filepath.Join(t.TempDir(), "pip")
		for name, content := range map[string]string{
			"lib/python3.12/site-packages/pip/__init__.py":           "1234",
			"lib/python3.12/site-packages/pip-25.0.dist-info/RECORD": "12",
			"lib/python3.12/site-packages/README.txt":                "keep",
			"bin/pip":     "x",
			"bin/pip3.12": "x",
			"bin/python3": "keep",
		} {
			Expect(writeFile(root, name, content)).To(Succeed())
		}
		moved, err := cpython.SplitPip(root, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(moved).To(Equal(int64(6)))
		Expect(filepath.Join(dir, "pip", "__init__.py")).To(BeARegularFile())
		Expect(filepath.Join(dir, "pip-25.0.dist-info", "RECORD")).To(BeARegularFile())
		Expect(filepath.Join(root, "lib/python3.12/site-packages/pip")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(root, "bin/pip")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(root, "bin/python3")).To(BeARegularFile())
		Expect(filepath.Join(root, "lib/python3.12/site-packages/README.txt")).To(BeARegularFile())
		Expect(os.ReadFile(filepath.Join(root, "lib/python3.12/site-packages/python-cnb-build-pip.pth"))).To(Equal([]byte(dir + "\n")))
	})

	it("leaves an installation without pip as it is", func() {
		root := t.TempDir()
		Expect(writeFile(root, "lib/python3.12/site-packages/README.txt", "")).To(Succeed())
		moved, err := cpython.SplitPip(root, filepath.Join(t.TempDir(), "pip"))
		Expect(err).NotTo(HaveOccurred())
		Expect(moved).To(BeZero())
		Expect(filepath.Join(root, "lib/python3.12/site-packages/python-cnb-build-pip.pth")).NotTo(BeAnExistingFile())
		moved, err = cpython.SplitPip(t.TempDir(), t.TempDir())
		Expect(err).NotTo(HaveOccurred())
		Expect(moved).To(BeZero())
	})

	it("fails on an installation with two site-packages", func() {
		root := t.TempDir()
		Expect(os.MkdirAll(filepath.Join(root, "lib/python3.12/site-packages"), 0o755)).To(Succeed())
		Expect(os.MkdirAll(filepath.Join(root, "lib/python3.13/site-packages"), 0o755)).To(Succeed())
		_, err := cpython.SplitPip(root, t.TempDir())
		Expect(err).To(MatchError(ContainSubstring("has 2 site-packages directories")))
	})
}
