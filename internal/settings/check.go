package settings

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
)

// Check validates one build setting, when it is set, the way the
// sub-buildpack that reads it will read it. Each sub-buildpack lists its
// checks; the cpython sub-buildpack, first in every group, runs them all
// before any work, so that a mistake in a setting read late (say
// DISABLE_COLLECTSTATIC=yes) fails the build at once, not after pip ran.
type Check struct {
	// Name is the setting.
	Name string
	// Validate reads the setting for the app in appDir and returns what is
	// wrong with it.
	Validate func(appDir string) error
}

// BoolCheck checks a true/false setting.
func BoolCheck(name string) Check {
	return Check{Name: name, Validate: func(string) error {
		_, err := Bool(name, false)
		return err
	}}
}

// Validate runs every check of a setting that is set and returns one error
// naming each setting that cannot be used, or nil.
func Validate(appDir string, checks []Check) error {
	var failed []error
	for _, check := range checks {
		if strings.TrimSpace(os.Getenv(check.Name)) == "" {
			continue
		}
		if err := check.Validate(appDir); err != nil {
			failed = append(failed, err)
		}
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return failed[0]
	}
	var details []string
	for _, err := range failed {
		details = append(details, "- "+strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	return &errs.UserError{
		Title:  fmt.Sprintf("%d settings cannot be used", len(failed)),
		Detail: strings.Join(details, "\n\n"),
		Remedy: "correct or unset each setting named above",
		Err:    errors.Join(failed...),
	}
}
