// Package inputs records what a layer is made from, as named digests: the
// files of the app it reads (a requirements file, a lock file, a constraints
// file a setting names), the trees of local packages it installs, the
// settings that change it and the tools that make it. A cached layer is
// reused only when every input is unchanged, and Changes says in words which
// one changed ("constraints.txt changed", "PIP_INDEX_URL was set"), never
// with a setting's value, which may hold credentials. Every installer keys
// its layers this way, so the rules are written once.
package inputs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/layermeta"
)

// The kinds of input; each is worded its own way in Changes.
const (
	kindFile    = "file"
	kindTree    = "tree"
	kindSetting = "setting"
	kindValue   = "value"
)

// Set is a layer's inputs. Its zero value is empty and ready to use.
type Set struct {
	entries map[string]func() (string, error)
}

func (s *Set) add(kind, label string, value func() (string, error)) {
	if s.entries == nil {
		s.entries = map[string]func() (string, error){}
	}
	s.entries[kind+":"+label] = value
}

// File adds the content of the file at path, named label (its path in the
// app, such as requirements/base.txt). A file that cannot be read makes
// Map fail with a message naming label.
func (s *Set) File(label, path string) {
	s.add(kindFile, label, func() (string, error) {
		sum, err := appscan.FileDigest(path)
		if err != nil {
			return "", Unreadable(label, err)
		}
		return sum, nil
	})
}

// Content adds text read already (a file's content, a generated list).
func (s *Set) Content(label, content string) {
	s.add(kindFile, label, func() (string, error) { return digest(content), nil })
}

// Tree adds every file under dir, named label, skipping what
// appscan.Digest skips and the top-level entries in exclude. It is read
// when the set is, so a set that is never read costs nothing.
func (s *Set) Tree(label, dir string, exclude ...string) {
	s.add(kindTree, label, func() (string, error) {
		sum, err := appscan.Digest(dir, exclude...)
		if err != nil {
			return "", Unreadable(label, err)
		}
		return sum, nil
	})
}

// Setting adds the value of the environment variable name, as a digest,
// when it is set to something.
func (s *Set) Setting(name string) {
	if value := os.Getenv(name); value != "" {
		s.add(kindSetting, name, func() (string, error) { return digest(value), nil })
	}
}

// SettingsWithPrefix adds, as Setting does, every environment variable
// whose name starts with prefix (a tool's own settings, such as UV_), but
// for the names in except (the ones the buildpack sets itself).
func (s *Set) SettingsWithPrefix(prefix string, except ...string) {
	skip := map[string]bool{}
	for _, name := range except {
		skip[name] = true
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, prefix) && !skip[name] {
			s.Setting(name)
		}
	}
}

// Value adds a value that is no secret (a version, a checksum, a choice)
// and is shown in Changes.
func (s *Set) Value(label, value string) {
	s.add(kindValue, label, func() (string, error) { return value, nil })
}

// Merge adds every input of other.
func (s *Set) Merge(other Set) {
	for key, value := range other.entries {
		if s.entries == nil {
			s.entries = map[string]func() (string, error){}
		}
		s.entries[key] = value
	}
}

// Map reads every input and returns them by name, as layer metadata holds
// them.
func (s Set) Map() (map[string]string, error) {
	out := make(map[string]string, len(s.entries))
	for _, key := range s.keys() {
		value, err := s.entries[key]()
		if err != nil {
			return nil, err
		}
		out[key] = value
	}
	return out, nil
}

// Digest reads every input and returns one digest of them all, for a
// build plan key.
func (s Set) Digest() (string, error) {
	m, err := s.Map()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, key := range s.keys() {
		fmt.Fprintf(h, "%s\x00%s\x00", key, m[key])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

func (s Set) keys() []string {
	keys := make([]string, 0, len(s.entries))
	for key := range s.entries {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}

// Key is a layer's reuse key as its metadata stores it.
type Key struct {
	// Format is how the buildpack lays the layer out; a change rebuilds it.
	Format string `toml:"format"`
	// Inputs are Set.Map's digests.
	Inputs map[string]string `toml:"inputs"`
}

// KeyOf reads the set into a Key.
func (s Set) KeyOf(format string) (Key, error) {
	m, err := s.Map()
	if err != nil {
		return Key{}, err
	}
	return Key{Format: format, Inputs: m}, nil
}

// Changes compares the key stored in a cached layer's metadata with the
// key wanted now and says, input by input, what changed. No change means
// the layer can be reused.
func Changes(cached map[string]interface{}, wanted Key) ([]string, error) {
	if len(cached) == 0 {
		return []string{"no cached layer"}, nil
	}
	var old Key
	if err := layermeta.Decode(cached, &old); err != nil {
		return nil, err
	}
	if old.Format != wanted.Format {
		return []string{"it was made by another version of this buildpack"}, nil
	}
	var reasons []string
	for _, key := range slices.Sorted(maps.Keys(wanted.Inputs)) {
		before, had := old.Inputs[key]
		if after := wanted.Inputs[key]; !had || before != after {
			reasons = append(reasons, describe(key, before, after, had, true))
		}
	}
	for _, key := range slices.Sorted(maps.Keys(old.Inputs)) {
		if _, has := wanted.Inputs[key]; !has {
			reasons = append(reasons, describe(key, old.Inputs[key], "", true, false))
		}
	}
	return reasons, nil
}

func describe(key, before, after string, had, has bool) string {
	kind, label, _ := strings.Cut(key, ":")
	switch {
	case kind == kindSetting && !had:
		return label + " was set"
	case kind == kindSetting && !has:
		return label + " was unset"
	case kind == kindValue && had && has:
		return fmt.Sprintf("%s changed from %s to %s", label, before, after)
	case kind == kindValue && !had:
		return fmt.Sprintf("%s is now %s", label, after)
	case !had:
		return label + " is new"
	case !has:
		return label + " is no longer used"
	case kind == kindTree:
		return "the files in " + label + " changed"
	}
	return label + " changed"
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Unreadable turns a failure to read an input into a message naming it
// and, for a file without read permission, the fix.
func Unreadable(label string, err error) error {
	var pathErr *fs.PathError
	if errors.Is(err, fs.ErrPermission) && errors.As(err, &pathErr) {
		return &errs.UserError{
			Title:  fmt.Sprintf("The build cannot read %s: permission denied", pathErr.Path),
			Detail: fmt.Sprintf("it is part of %s, which the build reads to decide whether to reinstall", label),
			Remedy: fmt.Sprintf("give the file read permission (chmod a+r %s) and commit that, or remove it from the app", filepath.Base(pathErr.Path)),
			Err:    err,
		}
	}
	return fmt.Errorf("reading %s: %w", label, err)
}
