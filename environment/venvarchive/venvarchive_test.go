package venvarchive_test

import (
	"archive/tar"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment/venvarchive"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitVenvarchive(t *testing.T) {
	spec.Run(t, "venvarchive", testVenvarchive, spec.Report(report.Terminal{}))
}

func testVenvarchive(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		src    string
	)

	it.Before(func() {
		src = t.TempDir()
		Expect(os.MkdirAll(filepath.Join(src, "bin"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(src, "bin", "tool"), []byte("#!/bin/sh\n"), 0o755)).To(Succeed())
		Expect(os.Symlink("/usr/bin/python3", filepath.Join(src, "bin", "python"))).To(Succeed())
		Expect(os.MkdirAll(filepath.Join(src, "lib", "site-packages", "six"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(src, "lib", "site-packages", "six", "__init__.py"), []byte("x = 1\n"), 0o644)).To(Succeed())
	})

	for format, ext := range venvarchive.Formats {
		format, ext := format, ext
		it("round-trips files, modes and symlinks through "+format, func() {
			archive := filepath.Join(t.TempDir(), "venv"+ext)
			Expect(venvarchive.Write(src, archive, format)).To(Succeed())
			dest := filepath.Join(t.TempDir(), "out")
			Expect(venvarchive.Extract(archive, dest)).To(Succeed())

			Expect(os.ReadFile(filepath.Join(dest, "lib", "site-packages", "six", "__init__.py"))).To(Equal([]byte("x = 1\n")))
			info, err := os.Stat(filepath.Join(dest, "bin", "tool"))
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o755)))
			Expect(os.Readlink(filepath.Join(dest, "bin", "python"))).To(Equal("/usr/bin/python3"))
		})
	}

	context("failure cases", func() {
		it("refuses an unknown format", func() {
			err := venvarchive.Write(src, filepath.Join(t.TempDir(), "v.rar"), "rar")
			Expect(err).To(MatchError(ContainSubstring(`unknown archive format "rar"`)))
		})

		it("refuses an unknown archive type", func() {
			err := venvarchive.Extract("venv.rar", t.TempDir())
			Expect(err).To(MatchError(ContainSubstring("unknown archive type")))
		})

		it("fails on a missing source or archive", func() {
			Expect(venvarchive.Write(filepath.Join(src, "missing"), filepath.Join(t.TempDir(), "v.tar.gz"), "tar-gz")).NotTo(Succeed())
			Expect(venvarchive.Extract("/nonexistent.tar.gz", t.TempDir())).NotTo(Succeed())
			Expect(venvarchive.Extract("/nonexistent.zip", t.TempDir())).NotTo(Succeed())
		})

		it("refuses entries that escape the destination", func() {
			archive := filepath.Join(t.TempDir(), "evil.tar.gz")
			f, err := os.Create(archive)
			Expect(err).NotTo(HaveOccurred())
			gz := gzip.NewWriter(f)
			tw := tar.NewWriter(gz)
			Expect(tw.WriteHeader(&tar.Header{Name: "../evil", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})).To(Succeed())
			_, err = tw.Write([]byte("x"))
			Expect(err).NotTo(HaveOccurred())
			Expect(tw.Close()).To(Succeed())
			Expect(gz.Close()).To(Succeed())
			Expect(f.Close()).To(Succeed())

			err = venvarchive.Extract(archive, filepath.Join(t.TempDir(), "dest"))
			Expect(err).To(MatchError(ContainSubstring(`entry "../evil" points outside the destination`)))
		})
	})
}
