package collectstatic

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
)

// traceback starts the report of an uncaught Python exception.
const traceback = "Traceback (most recent call last):"

// frame starts each frame of a traceback.
const frame = `File "`

// markerLine is a line of the ^ and ~ marks with which Python 3.11 and later
// underline the failing expression of a traceback's frame.
var markerLine = regexp.MustCompile(`^\s*[\^~][\^~\s]*$`)

// DjangoError picks Django's own error out of a command's output for a
// failure message: from the last traceback to the end, or the whole output
// when there is none (a CommandError or SystemCheckError is printed without
// one), and of that at most the last errorLines lines, so the final
// exception line is always there. The lines of ^ and ~ marks under the
// frames before the last are left out, to make room for more frames; the
// log has the whole output.
func DjangoError(output string) string {
	if i := strings.LastIndex(output, traceback); i >= 0 {
		output = output[i:]
	}
	lines := strings.Split(strings.TrimSpace(output), "\n")
	last := -1
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), frame) {
			last = i
		}
	}
	var kept []string
	for i, line := range lines {
		if i > last || !markerLine.MatchString(line) {
			kept = append(kept, line)
		}
	}
	return errs.Tail(strings.Join(kept, "\n"), errorLines)
}

// Tail keeps the end of what a command prints, at most max bytes of it, for
// the failure message, while the whole output streams to the log.
type Tail struct {
	max int
	buf []byte
	// dropped tells whether older output was dropped from buf, and
	// atLine whether buf then starts at the beginning of a line.
	dropped, atLine bool
}

// NewTail returns a Tail keeping at most max bytes.
func NewTail(max int) *Tail {
	return &Tail{max: max}
}

// Write keeps p, dropping the oldest bytes beyond twice the bound (String
// trims to the bound), so long outputs are not copied on every write.
func (t *Tail) Write(p []byte) (int, error) {
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
func (t *Tail) String() string {
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
