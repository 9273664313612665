package gunicorn

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// notApp are directories that never hold the app's own packages.
var notApp = map[string]bool{
	"node_modules": true, "__pycache__": true, "site-packages": true,
	"venv": true, "antenv": true,
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// FindDjango looks for a Django project's wsgi.py the way Oryx does, and
// deeper: breadth first through the app's subdirectories, up to DjangoDepth
// levels below the root, alphabetically within a level, and returns the
// first directory holding wsgi.py, relative to appDir, or "" when there is
// none. That directory's name must be a Python identifier, as gunicorn
// imports it as a package. It skips hidden directories, node_modules,
// caches, site-packages and virtual environments (any directory holding
// pyvenv.cfg), and does not follow symlinks. A wsgi.py at the root itself is
// not a Django project here: it is one of WSGIModules.
func FindDjango(appDir string) (string, error) {
	level, err := subdirectories(appDir, "")
	if err != nil {
		return "", fmt.Errorf("looking for %s: %w", WSGIFile, err)
	}
	for depth := 1; depth <= DjangoDepth && len(level) > 0; depth++ {
		var next []string
		for _, rel := range level {
			if identifier.MatchString(filepath.Base(rel)) && isRegular(filepath.Join(appDir, rel, WSGIFile)) {
				return rel, nil
			}
			if depth < DjangoDepth {
				children, err := subdirectories(appDir, rel)
				if err == nil {
					next = append(next, children...)
				}
			}
		}
		level = next
	}
	return "", nil
}

// subdirectories lists rel's subdirectories that may hold app code, in
// alphabetical order.
func subdirectories(appDir, rel string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(appDir, rel))
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, entry := range entries {
		name := entry.Name()
		if !entry.IsDir() || strings.HasPrefix(name, ".") || notApp[name] {
			continue
		}
		if _, err := os.Lstat(filepath.Join(appDir, rel, name, "pyvenv.cfg")); err == nil {
			continue
		}
		dirs = append(dirs, filepath.Join(rel, name))
	}
	return dirs, nil
}

func isRegular(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
