package textfile_test

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/textfile"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitTextfile(t *testing.T) {
	spec.Run(t, "textfile", func(t *testing.T, context spec.G, it spec.S) {
		Expect := NewWithT(t).Expect

		utf16le := func(s string) []byte {
			out := []byte{0xFF, 0xFE}
			for _, u := range utf16.Encode([]rune(s)) {
				out = append(out, byte(u), byte(u>>8))
			}
			return out
		}

		it("reads plain UTF-8 and turns \\r\\n into \\n", func() {
			Expect(textfile.Decode([]byte("flask\r\nsix\n"))).To(Equal("flask\nsix\n"))
		})

		it("drops a UTF-8 byte order mark", func() {
			Expect(textfile.Decode([]byte("\xEF\xBB\xBFflask==3.1.0\n"))).To(Equal("flask==3.1.0\n"))
		})

		it("decodes UTF-16 with a byte order mark, as PowerShell's pip freeze > writes it", func() {
			Expect(textfile.Decode(utf16le("flask==3.1.0\r\nsix\r\n"))).To(Equal("flask==3.1.0\nsix\n"))
			be := []byte{0xFE, 0xFF, 0x00, 'o', 0x00, 'k'}
			Expect(textfile.Decode(be)).To(Equal("ok"))
		})

		it("decodes UTF-32 with a byte order mark", func() {
			le := []byte{0xFF, 0xFE, 0, 0, 'o', 0, 0, 0, 'k', 0, 0, 0}
			Expect(textfile.Decode(le)).To(Equal("ok"))
			be := []byte{0, 0, 0xFE, 0xFF, 0, 0, 0, 'o', 0, 0, 0, 'k'}
			Expect(textfile.Decode(be)).To(Equal("ok"))
		})

		it("reads a file", func() {
			path := filepath.Join(t.TempDir(), "runtime.txt")
			Expect(os.WriteFile(path, []byte("\xEF\xBB\xBFpython-3.12\n"), 0o644)).To(Succeed())
			Expect(textfile.Read(path)).To(Equal("python-3.12\n"))
		})

		it("shows invisible characters as escapes", func() {
			Expect(textfile.Visible("python-3.12")).To(Equal(`"python-3.12"`))
			Expect(textfile.Visible("fla\u200bsk")).To(Equal(`"fla\u200bsk"`))
			Expect(textfile.Visible("\ufeff3.12\t")).To(Equal(`"\ufeff3.12\t"`))
			Expect(textfile.Visible("a\u00a0b")).To(Equal(`"a\u00a0b"`))
			Expect(textfile.Visible(`say "hi"`)).To(Equal(`"say \"hi\""`))
			Expect(textfile.Visible("café")).To(Equal(`"café"`))
		})

		context("failure cases", func() {
			it("refuses a UTF-16 file of odd length", func() {
				_, err := textfile.Decode([]byte{0xFF, 0xFE, 'a'})
				Expect(err).To(MatchError(ContainSubstring("odd number of bytes")))
			})

			it("refuses a broken UTF-32 file", func() {
				_, err := textfile.Decode([]byte{0xFF, 0xFE, 0, 0, 'a'})
				Expect(err).To(MatchError(ContainSubstring("multiple of 4")))
				_, err = textfile.Decode([]byte{0xFF, 0xFE, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F})
				Expect(err).To(MatchError(ContainSubstring("not a UTF-32 character")))
			})

			it("names the file it cannot read", func() {
				_, err := textfile.Read(filepath.Join(t.TempDir(), "missing.txt"))
				Expect(err).To(MatchError(ContainSubstring("missing.txt")))
			})
		})
	}, spec.Report(report.Terminal{}))
}
