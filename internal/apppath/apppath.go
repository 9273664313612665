// Package apppath resolves the paths that settings and the app's own files
// name (a requirements file, a constraints file, a local package, a
// script), and keeps them inside the app: a path that leads outside it,
// after symlinks and "..", is refused before anything reads it, so that a
// setting cannot make the build read, digest or print a file of the build
// image or the platform (a secret, say).
package apppath

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/python-cnb/buildpack/internal/errs"
)

// Path is a path inside the app.
type Path struct {
	// Abs is the absolute path with symlinks resolved (as far as it exists).
	Abs string
	// Rel is Abs relative to the app's root, with forward slashes.
	Rel string
	// Exists tells whether something is there.
	Exists bool
}

// Resolve resolves value, a path relative to appDir or absolute, and
// returns it when it stays inside the app. subject names where the path
// came from for the error message, such as "CUSTOM_REQUIREMENTSTXT_PATH=x"
// or "requirements.txt line 3". A path that does not exist is not an
// error (Exists is false); one that leads outside the app is, and nothing
// is read from it.
func Resolve(appDir, value, subject string) (Path, error) {
	root, err := filepath.EvalSymlinks(appDir)
	if err != nil {
		return Path{}, fmt.Errorf("resolving the app directory %s: %w", appDir, err)
	}
	path := value
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	resolved, exists, err := evalExisting(filepath.Clean(path))
	if err != nil {
		return Path{}, fmt.Errorf("resolving %s: %w", subject, err)
	}
	rel, err := filepath.Rel(root, resolved)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return Path{}, outside(subject, value, resolved, root)
	}
	return Path{Abs: resolved, Rel: filepath.ToSlash(rel), Exists: exists}, nil
}

// outside is the error for a path that leads outside the app.
func outside(subject, value, resolved, root string) error {
	return &errs.UserError{
		Title: fmt.Sprintf("%s points outside the app: %s", subject, value),
		Detail: fmt.Sprintf("it resolves to %s, which is not inside the app directory %s; the build reads only files "+
			"inside the app, and refuses a path that leads elsewhere (through .. or a symlink) without reading it", resolved, root),
		Remedy: "keep the file inside the app and name it by its path relative to the app's root",
	}
}

// evalExisting resolves the symlinks of the longest part of path that
// exists and appends the rest, so that a path to a file not yet there is
// still checked against where its directories lead.
func evalExisting(path string) (string, bool, error) {
	resolved, err := filepath.EvalSymlinks(path)
	if err == nil {
		return resolved, true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return "", false, err
	}
	parent, base := filepath.Dir(path), filepath.Base(path)
	if parent == path {
		return path, false, nil
	}
	resolvedParent, _, err := evalExisting(parent)
	if err != nil {
		return "", false, err
	}
	return filepath.Join(resolvedParent, base), false, nil
}

// IsFile tells whether p is a regular file.
func (p Path) IsFile() bool {
	info, err := os.Stat(p.Abs)
	return err == nil && info.Mode().IsRegular()
}

// IsDir tells whether p is a directory.
func (p Path) IsDir() bool {
	info, err := os.Stat(p.Abs)
	return err == nil && info.IsDir()
}
