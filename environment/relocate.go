package environment

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// relocate points the virtual environment at venv to the CPython at home
// (its pyvenv.cfg and its python links), when it was made with a CPython
// elsewhere: a copy for the build only, while the image keeps the cpython
// layer it has (see plan.CPythonHomeEnv). Everything else in the
// environment refers to the environment's own path. It reports whether it
// changed anything.
func relocate(venv, home string) (bool, error) {
	cfgPath := filepath.Join(venv, "pyvenv.cfg")
	content, err := os.ReadFile(cfgPath)
	if err != nil {
		return false, fmt.Errorf("reading the environment's pyvenv.cfg: %w", err)
	}
	lines := strings.Split(string(content), "\n")
	var from string
	for _, line := range lines {
		if key, value, ok := strings.Cut(line, "="); ok && strings.TrimSpace(key) == "home" {
			from = filepath.Dir(strings.TrimSpace(value))
		}
	}
	if from == "" {
		return false, errors.New("the environment's pyvenv.cfg names no home")
	}
	if from == home {
		return false, nil
	}
	for i, line := range lines {
		if key, value, ok := strings.Cut(line, "="); ok {
			lines[i] = key + "=" + strings.ReplaceAll(value, from+string(filepath.Separator), home+string(filepath.Separator))
		}
	}
	if err := os.WriteFile(cfgPath, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		return false, fmt.Errorf("writing the environment's pyvenv.cfg: %w", err)
	}
	entries, err := os.ReadDir(filepath.Join(venv, "bin"))
	if err != nil {
		return false, fmt.Errorf("reading the environment's bin: %w", err)
	}
	for _, entry := range entries {
		link := filepath.Join(venv, "bin", entry.Name())
		target, err := os.Readlink(link)
		if err != nil || !strings.HasPrefix(target, from+string(filepath.Separator)) {
			continue // not a link, or not into the old home
		}
		if err := os.Remove(link); err != nil {
			return false, err
		}
		if err := os.Symlink(home+strings.TrimPrefix(target, from), link); err != nil {
			return false, err
		}
	}
	return true, nil
}
