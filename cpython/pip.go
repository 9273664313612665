package cpython

import (
	"fmt"
	"os"
	"path/filepath"
)

// pipPth is the file in CPython's site-packages that makes the pip of the
// pip layer importable: at build, where that layer is there; in the
// image it names a directory that is not, and Python ignores it.
const pipPth = "python-cnb-build-pip.pth"

// splitPip moves the pip that comes with the CPython installation at root
// into dir, so that the image carries no installer (the app's environment
// is made at build, and pip in the image would install into CPython
// itself), and leaves the .pth file that makes it importable at build.
// It returns how many bytes moved; an installation without pip is left as
// it is.
func splitPip(root, dir string) (int64, error) {
	sites, err := filepath.Glob(filepath.Join(root, "lib", "python3.*", "site-packages"))
	if err != nil || len(sites) > 1 {
		return 0, fmt.Errorf("the CPython installation has %d site-packages directories", len(sites))
	}
	if len(sites) == 0 {
		return 0, nil
	}
	parts, err := filepath.Glob(filepath.Join(sites[0], "pip*"))
	if err != nil || len(parts) == 0 {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	var moved int64
	for _, part := range parts {
		moved += size(part)
		if err := os.Rename(part, filepath.Join(dir, filepath.Base(part))); err != nil {
			return moved, fmt.Errorf("moving pip out of CPython: %w", err)
		}
	}
	scripts, _ := filepath.Glob(filepath.Join(root, "bin", "pip*"))
	for _, script := range scripts {
		if err := os.Remove(script); err != nil {
			return moved, err
		}
	}
	return moved, os.WriteFile(filepath.Join(sites[0], pipPth), []byte(dir+"\n"), 0o644)
}
