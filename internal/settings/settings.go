// Package settings reads the build and launch settings users give as
// environment variables, and refuses values that do not parse with a message
// naming the setting.
package settings

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
)

// Bool reads a true/false setting. Unset or empty gives def. Case is
// ignored; any other value is an error naming the setting.
func Bool(name string, def bool) (bool, error) {
	value, ok := os.LookupEnv(name)
	if !ok || strings.TrimSpace(value) == "" {
		return def, nil
	}
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, &errs.UserError{
		Title:  fmt.Sprintf("%s=%q is not a boolean", name, value),
		Remedy: fmt.Sprintf("set %s to true or false, or unset it (default %t)", name, def),
	}
}

// First returns the value and name of the first of names that is set to a
// non-empty value, so a CNB-style name can take precedence over Oryx's.
func First(names ...string) (value, name string) {
	for _, n := range names {
		if v := strings.TrimSpace(os.Getenv(n)); v != "" {
			return v, n
		}
	}
	return "", ""
}

// TargetArch is the architecture to install for: the lifecycle's
// CNB_TARGET_ARCH, else BP_ARCH, else this binary's.
func TargetArch() string {
	for _, name := range []string{"CNB_TARGET_ARCH", "BP_ARCH"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return runtime.GOARCH
}
