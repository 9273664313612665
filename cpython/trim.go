package cpython

import (
	"io/fs"
	"os"
	"path/filepath"
)

// trimmed are the parts of a CPython installation, as globs under its
// root, that apps and their packages do not use: the standard library's
// test suite and its test extension modules, IDLE, the turtle demos, the
// Tk toolkit (tkinter and the Tcl/Tk libraries: a desktop GUI, which a
// container has no display for), and the static libpython for linking new
// programs (extensions and embedders link the shared one). They are a
// large share of an installation, which every build exports.
var trimmed = []string{
	"lib/python3.*/test",
	"lib/python3.*/idlelib",
	"lib/python3.*/turtledemo",
	"lib/python3.*/tkinter",
	"lib/python3.*/lib-dynload/_tkinter.*.so",
	"lib/python3.*/lib-dynload/_test*.so",
	"lib/python3.*/lib-dynload/_ctypes_test.*.so",
	"lib/python3.*/lib-dynload/xxlimited*.so",
	"lib/libtcl*",
	"lib/libtk*",
	"lib/tcl[0-9]*",
	"lib/tk[0-9]*",
	"lib/itcl[0-9]*",
	"lib/thread[0-9]*",
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
