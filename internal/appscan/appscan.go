// Package appscan answers detection questions about the app's files quickly,
// stopping at the first hit.
package appscan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// skipped are directories that never hold the app's own code.
var skipped = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "node_modules": true,
	"__pycache__": true, ".venv": true, "venv": true, ".tox": true, ".nox": true,
	"site-packages": true, ".mypy_cache": true, ".pytest_cache": true,
}

// FindExt returns the path, relative to root, of a file whose name ends in
// ext (".py"), or "" when there is none. It looks at root first and then, if
// recursive, breadth first through subdirectories, skipping VCS metadata,
// node_modules, caches and virtual environments (any directory holding a
// pyvenv.cfg). Symlinked directories are not followed.
func FindExt(root, ext string, recursive bool) (string, error) {
	queue := []string{""}
	for len(queue) > 0 {
		rel := queue[0]
		queue = queue[1:]
		entries, err := os.ReadDir(filepath.Join(root, rel))
		if err != nil {
			if rel != "" && errors.Is(err, fs.ErrPermission) {
				continue
			}
			return "", fmt.Errorf("scanning %s for *%s files: %w", filepath.Join(root, rel), ext, err)
		}
		var dirs []string
		for _, entry := range entries {
			name := entry.Name()
			if entry.IsDir() {
				if recursive && !skipped[name] {
					dirs = append(dirs, filepath.Join(rel, name))
				}
				continue
			}
			if strings.HasSuffix(name, ext) && len(name) > len(ext) {
				return filepath.Join(rel, name), nil
			}
		}
		for _, dir := range dirs {
			if !isVirtualenv(filepath.Join(root, dir)) {
				queue = append(queue, dir)
			}
		}
	}
	return "", nil
}

// Exists tells whether root/name exists, returning I/O errors other than
// "not found" so that detection does not hide them.
func Exists(root, name string) (bool, error) {
	_, err := os.Stat(filepath.Join(root, name))
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, fmt.Errorf("checking for %s: %w", name, err)
}

func isVirtualenv(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, "pyvenv.cfg"))
	return err == nil
}

// IsEmptyDir tells whether dir has no entries (or does not exist), so that
// an empty cache layer is not handed to the lifecycle.
func IsEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err != nil || len(entries) == 0
}
