// Package testsetup holds what the unit tests of several packages do to set
// up a case: write an app's files, and start with settings unset.
package testsetup

import (
	"os"
	"path/filepath"
	"testing"
)

// WriteFile writes content to dir/name, creating parent directories.
func WriteFile(dir, name, content string) error {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// UnsetEnv unsets names for the duration of the test.
func UnsetEnv(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		t.Setenv(name, "")
		if err := os.Unsetenv(name); err != nil {
			t.Fatal(err)
		}
	}
}
