package errs_test

import (
	"errors"
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitErrs(t *testing.T) {
	spec.Run(t, "errs", testErrs, spec.Report(report.Terminal{}))
}

func testErrs(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("renders title, indented detail and remedy", func() {
		err := &errs.UserError{
			Title:  "runtime.txt is malformed",
			Detail: "line 1: python3.11\n",
			Remedy: "write python-3.11",
		}
		Expect(err.Error()).To(Equal("runtime.txt is malformed\n\n  line 1: python3.11\n\nTo fix: write python-3.11"))
	})

	it("renders a title alone", func() {
		Expect(errs.New("oops", "").Error()).To(Equal("oops"))
	})

	it("is found through wrapping, and unwraps to its cause", func() {
		cause := errors.New("cause")
		err := fmt.Errorf("context: %w", &errs.UserError{Title: "t", Err: cause})
		Expect(errs.IsUser(err)).To(BeTrue())
		Expect(errors.Is(err, cause)).To(BeTrue())
		Expect(errs.IsUser(cause)).To(BeFalse())
	})

	it("keeps the last lines of output", func() {
		Expect(errs.Tail("a\nb\nc\n", 2)).To(Equal("b\nc"))
		Expect(errs.Tail("a", 5)).To(Equal("a"))
	})
}
