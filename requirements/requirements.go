// Package requirements finds and reads pip requirements files: it follows
// -r/--requirement and -c/--constraint includes, refuses malformed lines and
// include cycles with messages naming the file and line, and gives a digest
// of everything that affects an install.
package requirements

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
)

const (
	// DefaultFile is the requirements file Oryx looks for at the app's root.
	DefaultFile = "requirements.txt"
	// CustomPathEnv names another requirements file, relative to the app's root.
	CustomPathEnv = "CUSTOM_REQUIREMENTSTXT_PATH"
)

// Set is a requirements file with every file it includes.
type Set struct {
	// Path is the top file, relative to the app's root.
	Path string
	// Files are all files read, top first, relative to the app's root.
	Files []string
	// Requirements counts the requirement lines across all files.
	Requirements int
	// Digest is "sha256:<hex>" over the files' names and contents.
	Digest string
}

// Locate returns the requirements file to install, relative to appDir: the
// one CUSTOM_REQUIREMENTSTXT_PATH names, else requirements.txt at the root,
// else "". A custom path that does not exist is an error naming it.
func Locate(appDir string) (string, error) {
	if custom := strings.TrimSpace(os.Getenv(CustomPathEnv)); custom != "" {
		rel := filepath.Clean(strings.TrimPrefix(custom, "/workspace/"))
		if filepath.IsAbs(rel) {
			if r, err := filepath.Rel(appDir, rel); err == nil && !strings.HasPrefix(r, "..") {
				rel = r
			}
		}
		info, err := os.Stat(filepath.Join(appDir, rel))
		if err != nil || info.IsDir() {
			return "", &errs.UserError{
				Title:  fmt.Sprintf("%s=%s names a requirements file that does not exist in the app", CustomPathEnv, custom),
				Remedy: fmt.Sprintf("set %s to the path of the requirements file relative to the app's root (for example requirements/prod.txt), or unset it", CustomPathEnv),
			}
		}
		return rel, nil
	}
	info, err := os.Stat(filepath.Join(appDir, DefaultFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("checking for %s: %w", DefaultFile, err)
	}
	if info.IsDir() {
		return "", nil
	}
	return DefaultFile, nil
}

// Read reads the requirements file at rel (relative to appDir) and every
// file it includes.
func Read(appDir, rel string) (Set, error) {
	r := reader{appDir: appDir, hash: sha256.New()}
	if err := r.read(rel, nil); err != nil {
		return Set{}, err
	}
	return Set{
		Path:         rel,
		Files:        r.files,
		Requirements: r.requirements,
		Digest:       "sha256:" + hex.EncodeToString(r.hash.Sum(nil)),
	}, nil
}

type reader struct {
	appDir       string
	files        []string
	requirements int
	hash         interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
	}
}

var includePattern = regexp.MustCompile(`^(-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+|)(\S.*)$`)

func (r *reader) read(rel string, chain []string) error {
	for i, seen := range chain {
		if seen == rel {
			cycle := append(append([]string{}, chain[i:]...), rel)
			return &errs.UserError{
				Title:  "The requirements files include each other in a cycle: " + strings.Join(cycle, " -> "),
				Remedy: "remove one of the -r/-c lines that close the cycle",
			}
		}
	}
	for _, done := range r.files {
		if done == rel {
			return nil // included twice without a cycle: read once
		}
	}
	content, err := os.ReadFile(filepath.Join(r.appDir, rel))
	if err != nil {
		return fmt.Errorf("reading %s: %w", rel, err)
	}
	r.files = append(r.files, rel)
	fmt.Fprintf(r.hash, "%s\x00%d\x00", filepath.ToSlash(rel), len(content))
	r.hash.Write(content)

	for _, line := range logicalLines(string(content)) {
		if m := includePattern.FindStringSubmatch(line.text); m != nil {
			target := strings.TrimSpace(m[2])
			if strings.Contains(target, "://") {
				continue // a remote file: pip fetches it; nothing to read here
			}
			included := filepath.Clean(filepath.Join(filepath.Dir(rel), target))
			if _, err := os.Stat(filepath.Join(r.appDir, included)); err != nil {
				return &errs.UserError{
					Title:  fmt.Sprintf("%s line %d includes %s, which does not exist", rel, line.number, target),
					Remedy: fmt.Sprintf("fix the path (it is relative to %s) or remove the line", rel),
				}
			}
			if err := r.read(included, append(chain, rel)); err != nil {
				return err
			}
			continue
		}
		if strings.HasPrefix(line.text, "-") {
			continue // another pip option: --index-url, --find-links, -e, --hash …
		}
		if !validRequirement(line.text) {
			return &errs.UserError{
				Title:  fmt.Sprintf("%s line %d is not a valid requirement: %q", rel, line.number, line.text),
				Remedy: "write one requirement per line, such as flask, flask==3.0.3, flask>=3,<4, flask[async] or name @ https://…/file.whl (pip's requirements file format)",
			}
		}
		r.requirements++
	}
	return nil
}

type logicalLine struct {
	number int
	text   string
}

// logicalLines joins backslash continuations, drops comments and blank
// lines, and keeps the number of the line each logical line starts on.
func logicalLines(content string) []logicalLine {
	var out []logicalLine
	var current strings.Builder
	start := 0
	for i, raw := range strings.Split(strings.ReplaceAll(content, "\r\n", "\n"), "\n") {
		if current.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(raw, "\\") {
			current.WriteString(strings.TrimSuffix(raw, "\\"))
			continue
		}
		current.WriteString(raw)
		text := stripComment(current.String())
		current.Reset()
		if text != "" {
			out = append(out, logicalLine{number: start, text: text})
		}
	}
	if text := stripComment(current.String()); text != "" {
		out = append(out, logicalLine{number: start, text: text})
	}
	return out
}

var commentPattern = regexp.MustCompile(`(^|\s+)#.*$`)

func stripComment(s string) string {
	return strings.TrimSpace(commentPattern.ReplaceAllString(s, ""))
}

var (
	name         = `[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`
	versionSpec  = `(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9_.*+!-]+`
	specList     = versionSpec + `(?:\s*,\s*` + versionSpec + `)*`
	requirement  = regexp.MustCompile(`^` + name + `\s*(?:\[\s*(?:` + name + `(?:\s*,\s*` + name + `)*)?\s*\])?\s*(?:\(\s*` + specList + `\s*\)|` + specList + `|@\s*\S+)?\s*(?:;.*)?(?:\s+--\S.*)?$`)
	archiveOrDir = regexp.MustCompile(`(\.whl|\.tar\.gz|\.tgz|\.zip|\.tar\.bz2)$`)
)

// validRequirement accepts a PEP 508 requirement (name, extras, version
// specifiers, `@ URL`, markers, per-requirement options), a URL, or a path
// to an archive or directory. It is deliberately lenient: pip has the last
// word; this only catches lines pip would certainly refuse.
func validRequirement(line string) bool {
	switch {
	case strings.Contains(line, "://"),
		strings.HasPrefix(line, "."), strings.HasPrefix(line, "/"), strings.HasPrefix(line, "~"),
		strings.HasPrefix(line, "${"),
		archiveOrDir.MatchString(strings.Fields(line)[0]):
		return true
	}
	return requirement.MatchString(line)
}
