package hooks_test

import (
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/sclevine/spec"
)

func testTail(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("returns the last lines written", func() {
		tail := hooks.NewTailBuffer(1024)
		for i := 1; i <= 30; i++ {
			n, err := fmt.Fprintf(tail, "line %d\n", i)
			Expect(err).NotTo(HaveOccurred())
			Expect(n).To(Equal(len(fmt.Sprintf("line %d\n", i))))
		}
		Expect(tail.Lines(3)).To(Equal("line 28\nline 29\nline 30"))
		Expect(tail.Lines(100)).To(HavePrefix("line 1\n"))
	})

	it("keeps only the end, dropping the line it cut", func() {
		tail := hooks.NewTailBuffer(16)
		_, _ = tail.Write([]byte("first line\nsecond line\n"))
		_, _ = tail.Write([]byte("third\n"))
		Expect(tail.Lines(10)).To(Equal("third"))
	})

	it("keeps the end of one write larger than it holds", func() {
		tail := hooks.NewTailBuffer(8)
		n, err := tail.Write([]byte(strings.Repeat("x", 100) + "\nlast\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(106))
		Expect(tail.Lines(10)).To(Equal("last"))
	})

	it("keeps a last line with no newline", func() {
		tail := hooks.NewTailBuffer(64)
		_, _ = tail.Write([]byte("a\nb"))
		Expect(tail.Lines(10)).To(Equal("a\nb"))
	})

	it("returns nothing when nothing, or only blank lines, were written", func() {
		Expect(hooks.NewTailBuffer(64).Lines(20)).To(BeEmpty())
		tail := hooks.NewTailBuffer(64)
		_, _ = tail.Write([]byte("\n\n"))
		Expect(tail.Lines(20)).To(BeEmpty())
	})
}
