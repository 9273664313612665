package cpython

import (
	"io/fs"
	"os"
	"path/filepath"
)

// trimmed are the parts of a CPython installation, as globs under its
// root, that apps and their packages do not use: the standard library's
// test suite, IDLE and the turtle demos, and the static libpython for
// linking new programs (extensions and embedders link the shared one).
// They are a large share of an installation, which every build exports.
var trimmed = []string{
	"lib/python3.*/test",
	"lib/python3.*/idlelib",
	"lib/python3.*/turtledemo",
	"lib/python3.*/config-*/libpython3*.a",
}

// Trim removes the trimmed parts from the installation at root and returns
// how many bytes they held.
func Trim(root string) (int64, error) {
	var removed int64
	for _, pattern := range trimmed {
		matches, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return removed, err
		}
		for _, match := range matches {
			removed += size(match)
			if err := os.RemoveAll(match); err != nil {
				return removed, err
			}
		}
	}
	return removed, nil
}

func size(path string) int64 {
	var total int64
	_ = filepath.WalkDir(path, func(_ string, entry fs.DirEntry, err error) error {
		if err == nil && entry.Type().IsRegular() {
			if info, err := entry.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}
