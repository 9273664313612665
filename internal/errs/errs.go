// Package errs renders failures the user can fix as a short title, what
// happened, and what to do about it.
package errs

import (
	"errors"
	"strings"
)

// UserError is a failure caused by the app or its configuration. Its text
// names the file or setting at fault and says how to fix it.
type UserError struct {
	// Title is one line: what went wrong, naming the file or setting.
	Title string
	// Detail is what was found, for example the offending line or a tool's output.
	Detail string
	// Remedy says what to change.
	Remedy string
	// Err is the underlying error, if any.
	Err error
}

// Error renders the message shown at the end of a failed build.
func (e *UserError) Error() string {
	var b strings.Builder
	b.WriteString(e.Title)
	if e.Detail != "" {
		b.WriteString("\n\n")
		b.WriteString(indent(strings.TrimRight(e.Detail, "\n")))
	}
	if e.Remedy != "" {
		b.WriteString("\n\nTo fix: ")
		b.WriteString(e.Remedy)
	}
	return b.String()
}

// Unwrap gives the underlying error.
func (e *UserError) Unwrap() error { return e.Err }

// New returns a UserError with a title and a remedy.
func New(title, remedy string) *UserError {
	return &UserError{Title: title, Remedy: remedy}
}

// IsUser tells whether err, or an error it wraps, is a UserError.
func IsUser(err error) bool {
	var u *UserError
	return errors.As(err, &u)
}

// Tail returns the last n lines of output, for showing a failed tool's end.
func Tail(output string, n int) string {
	lines := strings.Split(strings.TrimRight(output, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
