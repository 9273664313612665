package errs

import (
	"bytes"
	"strings"
)

// TailBytes is how much of a tool's output the failure messages keep.
const TailBytes = 64 << 10

// TailWriter keeps the end of what a command prints, at most max bytes of it, for
// the failure message, while the whole output streams to the log.
type TailWriter struct {
	max int
	buf []byte
	// dropped tells whether older output was dropped from buf, and
	// atLine whether buf then starts at the beginning of a line.
	dropped, atLine bool
}

// NewTailWriter returns a TailWriter keeping at most max bytes.
func NewTailWriter(max int) *TailWriter {
	return &TailWriter{max: max}
}

// Write keeps p, dropping the oldest bytes beyond twice the bound (String
// trims to the bound), so long outputs are not copied on every write.
func (t *TailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max {
		cut := len(t.buf) - t.max
		t.dropped, t.atLine = true, t.buf[cut-1] == '\n'
		t.buf = append([]byte(nil), t.buf[cut:]...)
	}
	return len(p), nil
}

// String returns at most the last max bytes written, starting at the
// beginning of a line when older output was dropped.
func (t *TailWriter) String() string {
	kept, atLine := t.buf, !t.dropped || t.atLine
	if len(kept) > t.max {
		cut := len(kept) - t.max
		kept, atLine = kept[cut:], kept[cut-1] == '\n'
	}
	if !atLine {
		if i := bytes.IndexByte(kept, '\n'); i >= 0 {
			kept = kept[i+1:]
		}
	}
	return string(kept)
}

// Lines returns the last n lines kept, or "" when only blank output was
// written.
func (t *TailWriter) Lines(n int) string {
	s := t.String()
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return Tail(s, n)
}
