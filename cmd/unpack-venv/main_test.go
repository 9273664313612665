package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment/venvarchive"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitUnpackVenv(t *testing.T) {
	spec.Run(t, "unpack-venv", testUnpackVenv, spec.Report(report.Terminal{}))
}

func testUnpackVenv(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect  = NewWithT(t).Expect
		archive string
		venv    string
		stderr  *bytes.Buffer
	)

	it.Before(func() {
		src := t.TempDir()
		Expect(os.WriteFile(filepath.Join(src, "pyvenv.cfg"), []byte("home = /x\n"), 0o644)).To(Succeed())
		archive = filepath.Join(t.TempDir(), "venv.tar.gz")
		Expect(venvarchive.Write(src, archive, "tar-gz")).To(Succeed())
		venv = filepath.Join(t.TempDir(), "venv")
		stderr = bytes.NewBuffer(nil)
	})

	it("unpacks the archive when the environment is absent", func() {
		Expect(run(venv, archive, stderr)).To(Equal(0))
		Expect(filepath.Join(venv, "pyvenv.cfg")).To(BeARegularFile())
	})

	it("leaves an environment that is there alone", func() {
		Expect(os.MkdirAll(venv, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(venv, "pyvenv.cfg"), []byte("mine"), 0o644)).To(Succeed())
		Expect(run(venv, "/nonexistent.tar.gz", stderr)).To(Equal(0))
		Expect(os.ReadFile(filepath.Join(venv, "pyvenv.cfg"))).To(Equal([]byte("mine")))
	})

	it("does nothing without its settings", func() {
		Expect(run("", archive, stderr)).To(Equal(0))
		Expect(run(venv, "", stderr)).To(Equal(0))
		Expect(venv).NotTo(BeAnExistingFile())
	})

	context("failure cases", func() {
		it("says what it could not unpack", func() {
			Expect(run(venv, "/nonexistent.tar.gz", stderr)).To(Equal(1))
			Expect(stderr.String()).To(ContainSubstring("python-cnb: the virtual environment is absent and could not be unpacked into " + venv + ": unpacking /nonexistent.tar.gz"))
			Expect(stderr.String()).To(ContainSubstring("unset COMPRESS_VIRTUALENV"))
		})

		it("says when the user may not write where the environment goes", func() {
			if os.Geteuid() == 0 {
				t.Skip("root writes anywhere")
			}
			Expect(os.Chmod(filepath.Dir(venv), 0o555)).To(Succeed())
			defer os.Chmod(filepath.Dir(venv), 0o755)
			Expect(run(venv, archive, stderr)).To(Equal(1))
			Expect(stderr.String()).To(ContainSubstring("may not write there"))
		})

		it("names a read-only filesystem", func() {
			Expect(why(&fs.PathError{Op: "mkdir", Path: venv, Err: syscall.EROFS})).To(Equal("the root filesystem is read-only; "))
			Expect(why(&fs.PathError{Op: "mkdir", Path: venv, Err: syscall.EACCES})).To(ContainSubstring("may not write there"))
			Expect(why(errors.New("other"))).To(BeEmpty())
		})
	})
}
