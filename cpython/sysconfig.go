package cpython

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// python-build-standalone's build configuration (the sysconfig data that
// setuptools, meson-python and python3-config read to compile extensions)
// describes the machine that built it: clang, LLVM's ar at /tools/llvm,
// clang-only flags, and the prefix /install. On a Debian image none of these
// exist, so `pip install` of an sdist with C code fails with "No such file
// or directory: 'clang'". RewriteSysconfig points them at the system's
// compiler (cc and c++, gcc on Debian) and at the installation's own path,
// as uv does when it installs these builds.

// sysconfigFiles are the files holding the configuration, as globs under the
// installation's root: the module sysconfig imports, and (from 3.14) the
// same variables as JSON for tools that do not run Python.
var sysconfigFiles = []string{
	"lib/python3*/_sysconfigdata_*.py",
	"lib/python3*/_sysconfig_vars_*.json",
}

// compilerWords are whole words of a configuration value that name the
// build machine's tools, and what the system calls them.
var compilerWords = map[string]string{
	"clang":                   "cc",
	"clang++":                 "c++",
	"/tools/llvm/bin/llvm-ar": "ar",
	"llvm-ar":                 "ar",
}

// crossCompiler matches the cross compilers that builds for other
// architectures name, such as /usr/bin/aarch64-linux-gnu-gcc.
var crossCompiler = regexp.MustCompile(`^/usr/bin/[a-z0-9_]+-linux-gnu[a-z]*-(gcc|g\+\+|clang|clang\+\+)$`)

// buildPrefix is where python-build-standalone installs while it builds.
const buildPrefix = "/install"

// RewriteSysconfig rewrites the build configuration of the CPython installed
// at root for the system compiler and for root as its prefix, and returns how
// many values changed. The compiled bytecode of a rewritten module is
// removed, so that it is compiled again from the new source.
func RewriteSysconfig(root string) (int, error) {
	values, err := rewriteEach(root, sysconfigFiles, func(file string, content []byte) ([]byte, int, error) {
		out, n, err := rewriteConfig(content, func(value string) string { return rewriteValue(value, root) })
		if err != nil || n == 0 || !strings.HasSuffix(file, ".py") {
			return out, n, err
		}
		stem := strings.TrimSuffix(filepath.Base(file), ".py")
		stale, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "__pycache__", stem+".*.pyc"))
		for _, pyc := range stale {
			if err := os.Remove(pyc); err != nil {
				return nil, 0, err
			}
		}
		return out, n, nil
	})
	if err != nil {
		return values, err
	}
	prefixes, err := rewriteEach(root, []string{"lib/pkgconfig/*.pc"}, rewritePkgConfig)
	return values + prefixes, err
}

// rewriteEach runs rewrite on each regular file matching patterns under
// root, writes back the files it changed, and returns the number of changes.
func rewriteEach(root string, patterns []string, rewrite func(file string, content []byte) ([]byte, int, error)) (int, error) {
	changed := 0
	for _, pattern := range patterns {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return changed, err
		}
		for _, file := range files {
			info, err := os.Lstat(file)
			if err != nil {
				return changed, err
			}
			if !info.Mode().IsRegular() {
				continue
			}
			content, err := os.ReadFile(file)
			if err != nil {
				return changed, err
			}
			out, n, err := rewrite(file, content)
			if err != nil {
				return changed, fmt.Errorf("rewriting %s for the system compiler: %w", file, err)
			}
			if n == 0 {
				continue
			}
			if err := writeFileAtomic(file, out, info.Mode().Perm()); err != nil {
				return changed, err
			}
			changed += n
		}
	}
	return changed, nil
}

// rewriteValue rewrites one configuration value word by word, keeping the
// whitespace between words.
func rewriteValue(value, prefix string) string {
	var b strings.Builder
	rest := value
	for rest != "" {
		space := len(rest) - len(strings.TrimLeft(rest, " \t\n"))
		sep := rest[:space]
		rest = rest[space:]
		end := strings.IndexAny(rest, " \t\n")
		if end < 0 {
			end = len(rest)
		}
		word := rest[:end]
		rest = rest[end:]
		switch replaced, keep := rewriteWord(word, prefix); {
		case !keep:
			// a dropped word takes the whitespace before it along
		default:
			b.WriteString(sep)
			b.WriteString(replaced)
		}
	}
	return b.String()
}

// rewriteWord returns the word to write instead of word, and false when
// the word is to be dropped.
func rewriteWord(word, prefix string) (string, bool) {
	if to, ok := compilerWords[word]; ok {
		return to, true
	}
	if m := crossCompiler.FindStringSubmatch(word); m != nil {
		if strings.Contains(m[1], "++") {
			return "c++", true
		}
		return "cc", true
	}
	switch {
	case word == buildPrefix:
		return prefix, true
	case strings.HasPrefix(word, buildPrefix+"/"):
		return filepath.Join(prefix, word[len(buildPrefix)+1:]), true
	// clang's profile-guided optimisation flags, which gcc refuses
	case strings.HasPrefix(word, "-fprofile-instr-use="), word == "-fprofile-instr-generate":
		return "", false
	case word == "-flto=thin":
		return "-flto", true
	}
	return word, true
}

// rewritePkgConfig points the prefix of a pkg-config file of the
// installation (lib/pkgconfig/python-3.X.pc, in builds older than 2024) at
// the file's own location when it is still /install.
func rewritePkgConfig(_ string, content []byte) ([]byte, int, error) {
	lines := strings.Split(string(content), "\n")
	n := 0
	for i, line := range lines {
		if name, value, ok := strings.Cut(line, "="); ok && value == buildPrefix && isWord(name) {
			lines[i] = name + "=${pcfiledir}/../.."
			n++
		}
	}
	return []byte(strings.Join(lines, "\n")), n, nil
}

func isWord(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return s != ""
}

func writeFileAtomic(file string, content []byte, mode os.FileMode) error {
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, content, mode); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// rewriteConfig applies rewrite to every string value of the flat mapping
// that a _sysconfigdata_ module (build_time_vars = {...}, Python literals,
// including pprint's adjacent or parenthesised string parts) or a
// _sysconfig_vars JSON file holds, and returns the content with the changed
// values written as one double-quoted literal each (valid in both
// languages), everything else as it was, and how many values changed.
func rewriteConfig(content []byte, rewrite func(string) string) ([]byte, int, error) {
	s := &scanner{src: content}
	open := bytes.IndexByte(content, '{')
	if open < 0 {
		return nil, 0, errors.New("no { in the file")
	}
	s.pos = open + 1
	var out bytes.Buffer
	last, changed := 0, 0
	for {
		s.skipSpace()
		if s.peek() == '}' {
			break
		}
		if _, err := s.strings(); err != nil {
			return nil, 0, fmt.Errorf("reading a key: %w", err)
		}
		s.skipSpace()
		if s.peek() != ':' {
			return nil, 0, s.errorf("expected ':'")
		}
		s.pos++
		s.skipSpace()
		start := s.pos
		switch c := s.peek(); {
		case c == '"' || c == '\'' || c == '(':
			value, err := s.strings()
			if err != nil {
				return nil, 0, fmt.Errorf("reading a value: %w", err)
			}
			if next := rewrite(value); next != value {
				out.Write(content[last:start])
				out.WriteString(quote(next))
				last = s.pos
				changed++
			}
		case c == '-' || c >= '0' && c <= '9':
			s.pos++
			for c := s.peek(); c >= '0' && c <= '9'; c = s.peek() {
				s.pos++
			}
		default:
			return nil, 0, s.errorf("unexpected value")
		}
		s.skipSpace()
		if s.peek() == ',' {
			s.pos++
		}
	}
	out.Write(content[last:])
	return out.Bytes(), changed, nil
}

// scanner reads the Python literals of a sysconfig data file.
type scanner struct {
	src []byte
	pos int
}

func (s *scanner) peek() byte {
	if s.pos >= len(s.src) {
		return 0
	}
	return s.src[s.pos]
}

func (s *scanner) errorf(format string, args ...interface{}) error {
	line := 1 + bytes.Count(s.src[:min(s.pos, len(s.src))], []byte("\n"))
	return fmt.Errorf("line %d: "+format, append([]interface{}{line}, args...)...)
}

// skipSpace skips whitespace and comments.
func (s *scanner) skipSpace() {
	for s.pos < len(s.src) {
		switch c := s.src[s.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			s.pos++
		case c == '#':
			for s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.pos++
			}
		default:
			return
		}
	}
}

// strings reads one or more adjacent string literals, optionally in
// parentheses, and returns their concatenated value.
func (s *scanner) strings() (string, error) {
	paren := s.peek() == '('
	if paren {
		s.pos++
		s.skipSpace()
	}
	var b strings.Builder
	for n := 0; ; n++ {
		c := s.peek()
		if c != '"' && c != '\'' {
			if n == 0 {
				return "", s.errorf("expected a string")
			}
			break
		}
		part, err := s.literal()
		if err != nil {
			return "", err
		}
		b.WriteString(part)
		save := s.pos
		s.skipSpace()
		if c := s.peek(); c != '"' && c != '\'' {
			if !paren {
				s.pos = save
			}
			break
		}
	}
	if paren {
		s.skipSpace()
		if s.peek() != ')' {
			return "", s.errorf("expected ')'")
		}
		s.pos++
	}
	return b.String(), nil
}

// literal reads one single- or double-quoted string literal.
func (s *scanner) literal() (string, error) {
	quoteChar := s.src[s.pos]
	s.pos++
	var b strings.Builder
	for {
		if s.pos >= len(s.src) || s.src[s.pos] == '\n' {
			return "", s.errorf("unterminated string")
		}
		c := s.src[s.pos]
		switch {
		case c == quoteChar:
			s.pos++
			return b.String(), nil
		case c == '\\':
			if s.pos+1 >= len(s.src) {
				return "", s.errorf("unterminated string")
			}
			n, err := s.escape(&b)
			if err != nil {
				return "", err
			}
			s.pos += n
		default:
			b.WriteByte(c)
			s.pos++
		}
	}
}

// simpleEscapes are Python's one-character escapes (JSON's, but for \/,
// which Python's json module never writes).
var simpleEscapes = map[byte]string{'\\': `\`, '\'': `'`, '"': `"`, 'n': "\n", 't': "\t", 'r': "\r",
	'a': "\a", 'b': "\b", 'f': "\f", 'v': "\v", '\n': ""}

// escape decodes the escape sequence at s.pos into b and returns its
// length. Unknown escapes keep their backslash, as in Python.
func (s *scanner) escape(b *strings.Builder) (int, error) {
	c := s.src[s.pos+1]
	if v, ok := simpleEscapes[c]; ok {
		b.WriteString(v)
		return 2, nil
	}
	if c >= '0' && c <= '7' {
		n, r := 1, rune(0)
		for ; n <= 3 && s.pos+n < len(s.src) && s.src[s.pos+n] >= '0' && s.src[s.pos+n] <= '7'; n++ {
			r = r*8 + rune(s.src[s.pos+n]-'0')
		}
		b.WriteRune(r)
		return n, nil
	}
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if digits == 0 {
		b.WriteByte('\\')
		return 1, nil
	}
	if s.pos+2+digits > len(s.src) {
		return 0, s.errorf("short \\%c escape", c)
	}
	r, err := strconv.ParseUint(string(s.src[s.pos+2:s.pos+2+digits]), 16, 32)
	if err != nil {
		return 0, s.errorf("bad \\%c escape", c)
	}
	b.WriteRune(rune(r))
	return 2 + digits, nil
}

// quote writes value as a double-quoted literal that Python and JSON both
// read back as value.
func quote(value string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range value {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
