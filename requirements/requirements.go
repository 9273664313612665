// Package requirements reads what pip reads: requirements files (following
// -r/--requirement and -c/--constraint includes, with the encodings pip
// accepts), the local packages and link directories they name, and the pip
// settings that name files (see settings.go). Malformed lines and include
// cycles are refused with messages naming the file and line, paths that
// lead outside the app are refused before they are read, and everything
// that changes an install is added to a layer's inputs (internal/inputs).
package requirements

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/python-cnb/buildpack/internal/apppath"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/python-cnb/buildpack/internal/textfile"
)

const (
	// DefaultFile is the requirements file Oryx looks for at the app's root.
	DefaultFile = "requirements.txt"
	// CustomPathEnv names another requirements file, relative to the app's root.
	CustomPathEnv = "CUSTOM_REQUIREMENTSTXT_PATH"
)

// Set is a requirements file with every file it includes and every local
// path its lines name.
type Set struct {
	// Path is the top file, relative to the app's root ("" for none).
	Path string
	// Files are all files read, top first, relative to the app's root.
	Files []string
	// Requirements counts the requirement lines across all files.
	Requirements int
	// Local are the app's directories and archives that requirement lines
	// install (./libs/greet, -e ./pkg, file:// URLs) or that --find-links
	// lines name, relative to the app's root. "." is the app itself.
	Local []string

	appDir string
}

// AddTo adds the set's files and local paths to a layer's inputs: a
// change to any of them rebuilds the layer.
func (s Set) AddTo(in *inputs.Set, exclude ...string) {
	for _, rel := range s.Files {
		in.File(rel, filepath.Join(s.appDir, rel))
	}
	for _, rel := range s.Local {
		if rel == "." {
			in.Tree("the app's files", s.appDir, exclude...)
			continue
		}
		in.Tree(rel, filepath.Join(s.appDir, rel))
	}
}

// InstallsApp tells whether a line installs the app itself (".", "-e .").
func (s Set) InstallsApp() bool {
	for _, rel := range s.Local {
		if rel == "." {
			return true
		}
	}
	return false
}

// Locate returns the requirements file to install, relative to appDir: the
// one CUSTOM_REQUIREMENTSTXT_PATH names, else requirements.txt at the root,
// else "". A custom path that does not exist, or leads outside the app, is
// an error naming it.
func Locate(appDir string) (string, error) {
	if custom := strings.TrimSpace(os.Getenv(CustomPathEnv)); custom != "" {
		subject := CustomPathEnv + "=" + custom
		p, err := apppath.Resolve(appDir, custom, subject)
		if err != nil {
			return "", err
		}
		if !p.IsFile() {
			return "", &errs.UserError{
				Title:  fmt.Sprintf("%s names a requirements file that does not exist in the app", subject),
				Remedy: fmt.Sprintf("set %s to the path of the requirements file relative to the app's root (for example requirements/prod.txt), or unset it", CustomPathEnv),
			}
		}
		return p.Rel, nil
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
	r := reader{appDir: appDir}
	if err := r.read(rel, nil); err != nil {
		return Set{}, err
	}
	return Set{Path: rel, Files: r.files, Requirements: r.requirements, Local: r.local, appDir: appDir}, nil
}

// ReadText reads requirements given as text, named name in messages (the
// dependencies of a pyproject.toml, say). Includes are read as in Read.
func ReadText(appDir, name, text string) (Set, error) {
	r := reader{appDir: appDir}
	if err := r.parse(name, text, nil); err != nil {
		return Set{}, err
	}
	return Set{Files: r.files, Requirements: r.requirements, Local: r.local, appDir: appDir}, nil
}

type reader struct {
	appDir       string
	files        []string
	requirements int
	local        []string
}

var (
	includePattern = regexp.MustCompile(`^(-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+|)(\S.*)$`)
	editable       = regexp.MustCompile(`^(?:-e|--editable)(?:\s*=\s*|\s+)(\S+)`)
	findLinks      = regexp.MustCompile(`^(?:-f|--find-links)(?:\s*=\s*|\s+)(\S+)`)
)

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
	content, err := textfile.Read(filepath.Join(r.appDir, rel))
	if err != nil {
		return inputs.Unreadable(rel, err)
	}
	r.files = append(r.files, rel)
	return r.parse(rel, content, chain)
}

func (r *reader) parse(rel, content string, chain []string) error {
	for _, line := range logicalLines(content) {
		where := fmt.Sprintf("%s line %d", rel, line.number)
		if m := includePattern.FindStringSubmatch(line.text); m != nil {
			target := strings.TrimSpace(m[2])
			if strings.Contains(target, "://") {
				continue // a remote file: pip fetches it; nothing to read here
			}
			path := target
			if !filepath.IsAbs(path) {
				path = filepath.Join(filepath.Dir(rel), target)
			}
			p, err := apppath.Resolve(r.appDir, path, where+" ("+m[1]+" "+target+")")
			if err != nil {
				return err
			}
			if !p.IsFile() {
				return &errs.UserError{
					Title:  fmt.Sprintf("%s includes %s, which does not exist", where, target),
					Remedy: fmt.Sprintf("fix the path (it is relative to %s) or remove the line", rel),
				}
			}
			if err := r.read(p.Rel, append(chain, rel)); err != nil {
				return err
			}
			continue
		}
		if m := editable.FindStringSubmatch(line.text); m != nil {
			if err := r.addLocal(m[1], where); err != nil {
				return err
			}
			continue
		}
		if m := findLinks.FindStringSubmatch(line.text); m != nil {
			if err := r.addLocal(m[1], where); err != nil {
				return err
			}
			continue
		}
		if strings.HasPrefix(line.text, "-") {
			continue // another pip option: --index-url, --hash …
		}
		if !validRequirement(line.text) {
			return &errs.UserError{
				Title:  fmt.Sprintf("%s is not a valid requirement: %s", where, textfile.Visible(line.text)),
				Remedy: "write one requirement per line, such as flask, flask==3.0.3, flask>=3,<4, flask[async] or name @ https://…/file.whl (pip's requirements file format)",
			}
		}
		if target := localTarget(line.text); target != "" {
			if err := r.addLocal(target, where); err != nil {
				return err
			}
		}
		r.requirements++
	}
	return nil
}

// addLocal records a local path a line names, when it is one: paths are
// relative to the app's root, where pip runs.
func (r *reader) addLocal(target, where string) error {
	path, ok := localPath(target)
	if !ok {
		return nil
	}
	p, err := apppath.Resolve(r.appDir, path, where)
	if err != nil {
		return err
	}
	if !p.Exists {
		return &errs.UserError{
			Title:  fmt.Sprintf("%s names %s, which is not in the app", where, target),
			Remedy: "fix the path (it is relative to the app's root, where pip runs) or remove the line",
		}
	}
	rel := p.Rel
	for _, seen := range r.local {
		if seen == rel {
			return nil
		}
	}
	r.local = append(r.local, rel)
	return nil
}

// localTarget returns what a requirement line installs when that may be
// a local path: the line itself (./libs/greet, libs/x.whl), the URL after
// "name @", or "".
func localTarget(line string) string {
	first := strings.Fields(line)[0]
	if _, after, ok := strings.Cut(line, "@"); ok && !strings.Contains(first, "://") && !strings.HasPrefix(first, ".") && !strings.HasPrefix(first, "/") {
		return strings.Fields(strings.TrimSpace(after))[0]
	}
	first, _, _ = strings.Cut(first, ";")
	first, _, _ = strings.Cut(first, "#")
	return first
}

// localPath turns a requirement's target into a filesystem path when it is
// one: a file:// URL, or a path that starts with ., / or ~ or holds a
// slash, or names an archive. URLs of other schemes and names are not.
func localPath(target string) (string, bool) {
	if rest, ok := strings.CutPrefix(target, "file:"); ok {
		u, err := url.Parse("file:" + rest)
		if err != nil {
			return "", false
		}
		path := u.Path
		if path == "" {
			path = u.Opaque
		}
		return path, path != ""
	}
	if strings.Contains(target, "://") || strings.HasPrefix(target, "~") || strings.HasPrefix(target, "${") {
		return "", false
	}
	if target == "." || strings.HasPrefix(target, "./") || strings.HasPrefix(target, "../") ||
		strings.HasPrefix(target, "/") || strings.Contains(target, "/") || archiveOrDir.MatchString(target) {
		target, _, _ = strings.Cut(target, "#") // #egg=name
		target, _, _ = strings.Cut(target, "[") // ./pkg[extra]
		return target, true
	}
	return "", false
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
	for i, raw := range strings.Split(content, "\n") {
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
