package environment_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/sclevine/spec"
)

func testOptions(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
	})

	it("reads VIRTUALENV_NAME", func() {
		Expect(environment.VenvName()).To(Equal(""))
		t.Setenv("VIRTUALENV_NAME", " antenv ")
		Expect(environment.VenvName()).To(Equal("antenv"))
	})

	it("reads the archive format, the CNB name winning over Oryx's", func() {
		Expect(environment.CompressFormat()).To(Equal(""))
		t.Setenv("COMPRESS_VIRTUALENV", "zip")
		Expect(environment.CompressFormat()).To(Equal("zip"))
		t.Setenv("BP_PIP_COMPRESS_VIRTUALENV", "tar-gz")
		Expect(environment.CompressFormat()).To(Equal("tar-gz"))
	})

	context("failure cases", func() {
		it("refuses a name with a path in it, and an unknown format", func() {
			for _, name := range []string{"a/b", "..", `a\b`} {
				t.Setenv("VIRTUALENV_NAME", name)
				_, err := environment.VenvName()
				Expect(err).To(MatchError(ContainSubstring("is not a plain directory name")))
			}
			t.Setenv("COMPRESS_VIRTUALENV", "rar")
			_, err := environment.CompressFormat()
			Expect(err).To(MatchError(ContainSubstring("set COMPRESS_VIRTUALENV to tar-gz or zip, or unset it")))
		})
	})
}
