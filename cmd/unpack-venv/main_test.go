package main

import (
	"bytes"
	"os"
	"path/filepath"
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
			Expect(stderr.String()).To(ContainSubstring("python-cnb: the virtual environment is absent and could not be unpacked: unpacking /nonexistent.tar.gz"))
		})
	})
}
