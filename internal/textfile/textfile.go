// Package textfile reads the small text files apps carry (requirements
// files, runtime.txt, .python-version, Procfile) the way Python tools read
// them: a byte order mark says the encoding (UTF-8, UTF-16 or UTF-32, as
// Windows editors and PowerShell's `>` write them) and is dropped, and
// Windows line ends become \n. It also shows text with invisible
// characters made visible, for error messages about a line that is still
// wrong.
package textfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Read returns the text of the file at path; see Decode.
func Read(path string) (string, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	text, err := Decode(content)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return text, nil
}

// Decode turns a file's bytes into text: a UTF-32, UTF-16 or UTF-8 byte
// order mark selects the encoding and is removed (as pip's auto_decode
// does); without one the bytes are UTF-8. \r\n becomes \n.
func Decode(content []byte) (string, error) {
	var text string
	switch {
	case bytes.HasPrefix(content, []byte{0xFF, 0xFE, 0x00, 0x00}):
		s, err := utf32(content[4:], binary.LittleEndian)
		if err != nil {
			return "", err
		}
		text = s
	case bytes.HasPrefix(content, []byte{0x00, 0x00, 0xFE, 0xFF}):
		s, err := utf32(content[4:], binary.BigEndian)
		if err != nil {
			return "", err
		}
		text = s
	case bytes.HasPrefix(content, []byte{0xFF, 0xFE}):
		s, err := utf16Text(content[2:], binary.LittleEndian)
		if err != nil {
			return "", err
		}
		text = s
	case bytes.HasPrefix(content, []byte{0xFE, 0xFF}):
		s, err := utf16Text(content[2:], binary.BigEndian)
		if err != nil {
			return "", err
		}
		text = s
	default:
		text = string(bytes.TrimPrefix(content, []byte{0xEF, 0xBB, 0xBF}))
	}
	return strings.ReplaceAll(text, "\r\n", "\n"), nil
}

func utf16Text(b []byte, order binary.ByteOrder) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("the file starts with a UTF-16 byte order mark but has an odd number of bytes")
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(units)), nil
}

func utf32(b []byte, order binary.ByteOrder) (string, error) {
	if len(b)%4 != 0 {
		return "", fmt.Errorf("the file starts with a UTF-32 byte order mark but its length is not a multiple of 4")
	}
	var s strings.Builder
	for i := 0; i < len(b); i += 4 {
		r := rune(order.Uint32(b[i:]))
		if !utf8.ValidRune(r) {
			return "", fmt.Errorf("byte %d is not a UTF-32 character", i+4)
		}
		s.WriteRune(r)
	}
	return s.String(), nil
}

// Visible quotes s for a message, with every character that does not print
// (a byte order mark left mid-file, a zero-width space, a tab, a non-breaking
// space) written as an escape such as \ufeff, so that the reader sees why a
// line that looks right is refused.
func Visible(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == utf8.RuneError, r != ' ' && !unicode.IsGraphic(r), unicode.IsSpace(r) && r != ' ':
			quoted := strconv.QuoteRuneToASCII(r)
			b.WriteString(quoted[1 : len(quoted)-1])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
