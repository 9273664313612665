package appscan_test

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitDigest(t *testing.T) {
	spec.Run(t, "digest", testDigest, spec.Report(report.Terminal{}))
}

func testDigest(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		root   string
	)

	put := func(rel, content string) {
		path := filepath.Join(root, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}

	it.Before(func() {
		root = t.TempDir()
		put("setup.py", "setup()")
		put("pkg/__init__.py", "")
	})

	it("is stable, and changes with a file's content, name or a new file", func() {
		first, err := appscan.Digest(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(first).To(MatchRegexp(`^sha256:[0-9a-f]{64}$`))
		Expect(appscan.Digest(root)).To(Equal(first))

		put("pkg/__init__.py", "x = 1")
		second, err := appscan.Digest(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(second).NotTo(Equal(first))

		put("pkg/mod.py", "")
		Expect(appscan.Digest(root)).NotTo(Equal(second))
	})

	it("ignores skipped directories, virtualenvs and excluded entries", func() {
		before, err := appscan.Digest(root, "dist", "antenv")
		Expect(err).NotTo(HaveOccurred())
		put(".git/HEAD", "ref")
		put("__pycache__/x.pyc", "")
		put("dist/pkg-1.0.whl", "")
		put("myenv/pyvenv.cfg", "")
		put("myenv/lib/x.py", "")
		Expect(os.Symlink("/layers/venv", filepath.Join(root, "antenv"))).To(Succeed())
		Expect(appscan.Digest(root, "dist", "antenv")).To(Equal(before))
	})

	it("counts a symlink by its target", func() {
		Expect(os.Symlink("setup.py", filepath.Join(root, "link"))).To(Succeed())
		first, err := appscan.Digest(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.Remove(filepath.Join(root, "link"))).To(Succeed())
		Expect(os.Symlink("pkg", filepath.Join(root, "link"))).To(Succeed())
		Expect(appscan.Digest(root)).NotTo(Equal(first))
	})

	context("FileDigest", func() {
		it("is the sha256 of a file's contents", func() {
			path := filepath.Join(t.TempDir(), "f")
			Expect(os.WriteFile(path, []byte("archive"), 0o644)).To(Succeed())
			Expect(appscan.FileDigest(path)).To(Equal("sha256:" + fmt.Sprintf("%x", sha256.Sum256([]byte("archive")))))
		})

		it("fails on a missing file", func() {
			_, err := appscan.FileDigest("/nonexistent")
			Expect(err).To(MatchError(fs.ErrNotExist))
		})
	})

	context("failure cases", func() {
		it("fails on a missing root", func() {
			_, err := appscan.Digest(filepath.Join(root, "missing"))
			Expect(err).To(MatchError(ContainSubstring("hashing the app's files")))
		})
	})
}
