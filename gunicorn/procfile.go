package gunicorn

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/textfile"
)

// ProcfileEntry is one `type: command` line of a Procfile.
type ProcfileEntry struct {
	Type    string
	Command string
	Line    int
}

var procfileLine = regexp.MustCompile(`^([A-Za-z0-9._-]+):\s*(\S.*)$`)

// ReadProcfile parses the Procfile at the app's root; found is false when
// there is none. Blank lines and lines starting with # are skipped. A line
// that is not `type: command`, or a type given twice, is an error naming the
// line.
func ReadProcfile(appDir string) (entries []ProcfileEntry, found bool, err error) {
	// as written by editors on any system: a byte-order mark, UTF-16, CRLF
	content, err := textfile.Read(filepath.Join(appDir, Procfile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the %s: %w", Procfile, err)
	}
	seen := map[string]int{}
	for i, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		number := i + 1
		match := procfileLine.FindStringSubmatch(line)
		if match == nil {
			return nil, true, &errs.UserError{
				Title:  fmt.Sprintf("%s line %d is not `type: command`", Procfile, number),
				Detail: line,
				Remedy: "write each process as `type: command`, for example `web: gunicorn app:app`, or start the line with # to make it a comment",
			}
		}
		if first, ok := seen[match[1]]; ok {
			return nil, true, &errs.UserError{
				Title:  fmt.Sprintf("%s defines the process type %s twice, on lines %d and %d", Procfile, match[1], first, number),
				Remedy: "keep one of the two lines",
			}
		}
		seen[match[1]] = number
		entries = append(entries, ProcfileEntry{Type: match[1], Command: strings.TrimSpace(match[2]), Line: number})
	}
	return entries, true, nil
}
