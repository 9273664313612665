package collectstatic

import (
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
