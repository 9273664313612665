package errs_test

import (
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitTail(t *testing.T) {
	spec.Run(t, "tail", testTail, spec.Report(report.Terminal{}))
}

func testTail(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	context("TailWriter", func() {
		it("keeps everything while under the bound", func() {
			tail := errs.NewTailWriter(100)
			fmt.Fprint(tail, "one\n")
			fmt.Fprint(tail, "two\n")
			Expect(tail.String()).To(Equal("one\ntwo\n"))
		})

		it("keeps at most the bound, from the start of a line", func() {
			tail := errs.NewTailWriter(10)
			fmt.Fprint(tail, "aaaa\nbbbb\ncc")
			Expect(tail.String()).To(Equal("bbbb\ncc"))
		})

		it("keeps the last lines of a long output written in many pieces", func() {
			tail := errs.NewTailWriter(16)
			for i := 0; i < 100; i++ {
				n, err := fmt.Fprintf(tail, "line %02d\n", i)
				Expect(err).NotTo(HaveOccurred())
				Expect(n).To(Equal(8))
			}
			Expect(tail.String()).To(Equal("line 98\nline 99\n"))
		})

		it("drops a partial first line after older output was dropped", func() {
			tail := errs.NewTailWriter(10)
			fmt.Fprint(tail, "0123456789abcdefghij\nxyz\n")
			Expect(tail.String()).To(Equal("xyz\n"))
			fmt.Fprint(tail, "1")
			Expect(tail.String()).To(Equal("xyz\n1"))
		})

		it("keeps a partial line when there is no line boundary at all", func() {
			tail := errs.NewTailWriter(4)
			fmt.Fprint(tail, "0123456789")
			Expect(tail.String()).To(Equal("6789"))
		})
	})

	context("Lines", func() {
		it("gives the last lines, or nothing for blank output", func() {
			tail := errs.NewTailWriter(1024)
			for i := 1; i <= 30; i++ {
				fmt.Fprintf(tail, "line %d\n", i)
			}
			Expect(tail.Lines(3)).To(Equal("line 28\nline 29\nline 30"))
			Expect(errs.NewTailWriter(64).Lines(20)).To(BeEmpty())
			blank := errs.NewTailWriter(64)
			fmt.Fprint(blank, "\n  \n")
			Expect(blank.Lines(20)).To(BeEmpty())
		})
	})
}
