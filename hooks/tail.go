package hooks

import (
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
)

// tailSize bounds the memory a hook's output takes while it runs: only
// its end is kept, for the failure message.
const tailSize = 64 << 10

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max     int
	buf     []byte
	dropped bool
}

func newTailBuffer(max int) *tailBuffer {
	return &tailBuffer{max: max}
}

// Write keeps the end of what was written; it never fails.
func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		t.dropped = true
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.dropped = true
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// Lines returns the last n complete lines kept ("" when nothing was
// written). When the start was dropped, the first, cut line is left out.
func (t *tailBuffer) Lines(n int) string {
	s := string(t.buf)
	if t.dropped {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return errs.Tail(s, n)
}
