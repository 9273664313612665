package errs_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitRedact(t *testing.T) {
	spec.Run(t, "redact", func(t *testing.T, context spec.G, it spec.S) {
		Expect := NewWithT(t).Expect

		it("hides a password and keeps the rest", func() {
			Expect(errs.RedactURL("https://user:secret@x.example/c")).To(Equal("https://user:***@x.example/c"))
			Expect(errs.RedactURL("http://user:s3%2Fcret@127.0.0.1:8/a.tar.gz")).To(Equal("http://user:***@127.0.0.1:8/a.tar.gz"))
		})

		it("leaves URLs without a password as they are", func() {
			Expect(errs.RedactURL("https://x.example/c")).To(Equal("https://x.example/c"))
			Expect(errs.RedactURL("https://token@x.example/c")).To(Equal("https://token@x.example/c"))
			Expect(errs.RedactURL("cpython.tar.gz")).To(Equal("cpython.tar.gz"))
		})
	}, spec.Report(report.Terminal{}))
}
