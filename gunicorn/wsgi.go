package gunicorn

import (
	"regexp"
	"strings"
)

// DefinedCallable returns the first of WSGICallables that the Python source
// binds at module level, or "" when it binds none. It reads the source and
// never runs it. Module level includes the bodies of if, try, with, for and
// while blocks, but not functions, classes or an `if __name__ == "__main__":`
// block, which do not run when gunicorn imports the module. The bindings
// understood are:
//
//	app = ...  /  app: Flask = ...  /  app = application = ...  /  app, db = ...
//	def app(environ, start_response):   (not async def: that is ASGI)
//	class app:
//	from module import app  /  from module import make as app  /  import module as app
func DefinedCallable(src []byte) string {
	bound := map[string]bool{}
	type block struct {
		indent int
		hidden bool // a function, class or __main__ block
	}
	var stack []block
	for _, line := range logicalLines(string(src)) {
		for len(stack) > 0 && stack[len(stack)-1].indent >= line.indent {
			stack = stack[:len(stack)-1]
		}
		hidden := len(stack) > 0 && stack[len(stack)-1].hidden
		for _, statement := range strings.Split(line.text, ";") {
			statement = strings.TrimSpace(statement)
			if !hidden {
				for _, name := range bindings(statement) {
					bound[name] = true
				}
			}
		}
		if strings.HasSuffix(line.text, ":") {
			stack = append(stack, block{indent: line.indent, hidden: hidden || hidesBody(line.text)})
		}
	}
	for _, name := range WSGICallables {
		if bound[name] {
			return name
		}
	}
	return ""
}

var (
	defStatement    = regexp.MustCompile(`^(?:def|class)\s+([A-Za-z_]\w*)`)
	fromStatement   = regexp.MustCompile(`^from\s+\S+\s+import\s+(.+)$`)
	importStatement = regexp.MustCompile(`^import\s+(.+)$`)
	mainGuard       = regexp.MustCompile(`^if\s+(?:__name__\s*==\s*""|""\s*==\s*__name__)\s*:$`)
	scopeHeader     = regexp.MustCompile(`^(?:async\s+def|def|class)\b`)
	keyword         = regexp.MustCompile(`^(?:if|elif|while|for|with|assert|return|del|raise|print|global|nonlocal|lambda|yield|await|async)\b`)
)

// hidesBody tells whether a block header's body does not run on import.
func hidesBody(header string) bool {
	return scopeHeader.MatchString(header) || mainGuard.MatchString(header)
}

// bindings returns the names a simple statement binds.
func bindings(statement string) []string {
	if match := defStatement.FindStringSubmatch(statement); match != nil {
		return []string{match[1]}
	}
	if match := fromStatement.FindStringSubmatch(statement); match != nil {
		return importedNames(strings.Trim(match[1], "() "), false)
	}
	if match := importStatement.FindStringSubmatch(statement); match != nil {
		return importedNames(match[1], true)
	}
	if keyword.MatchString(statement) {
		return nil
	}
	return assignedNames(statement)
}

// importedNames returns the names an import list binds: the alias, or for
// `from` imports the name itself. A plain `import pkg` binds a module, which
// is never a WSGI callable.
func importedNames(list string, aliasOnly bool) []string {
	var names []string
	for _, item := range strings.Split(list, ",") {
		fields := strings.Fields(item)
		switch {
		case len(fields) == 3 && fields[1] == "as":
			names = append(names, fields[2])
		case len(fields) == 1 && !aliasOnly:
			names = append(names, fields[0])
		}
	}
	return names
}

// assignedNames returns the names on the left of each top-level `=` of an
// assignment, chained or annotated; `==`, `<=`, `+=`, `:=` and keyword
// arguments inside brackets are not assignments.
func assignedNames(statement string) []string {
	var names []string
	depth, start := 0, 0
	for i := 0; i < len(statement); i++ {
		switch c := statement[i]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth = max(depth-1, 0)
		case '=':
			if depth > 0 {
				continue
			}
			if i+1 < len(statement) && statement[i+1] == '=' {
				i++
				continue
			}
			if i > 0 && strings.ContainsRune("=!<>:+-*/%&|^@~", rune(statement[i-1])) {
				return names
			}
			target := statement[start:i]
			if start == 0 {
				target, _, _ = strings.Cut(target, ":") // an annotation
			}
			names = append(names, targetNames(target)...)
			start = i + 1
		}
	}
	return names
}

// targetNames returns the plain names of an assignment target such as
// `app`, `app, db` or `(app, *rest)`; attributes and subscripts bind none.
func targetNames(target string) []string {
	var names []string
	for _, part := range strings.Split(strings.Trim(strings.TrimSpace(target), "()[]"), ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "*")
		if identifier.MatchString(part) {
			names = append(names, part)
		}
	}
	return names
}

type logicalLine struct {
	indent int
	text   string
}

// logicalLines splits Python source into logical lines: physical lines
// joined across brackets and backslash continuations, with comments
// removed, every string literal reduced to "" and the indentation measured
// (a tab advancing to the next multiple of 8). Blank lines are dropped.
func logicalLines(src string) []logicalLine {
	var (
		lines       []logicalLine
		text        strings.Builder
		indent      int
		depth       int
		atLineStart = true
	)
	flush := func() {
		if s := strings.TrimSpace(text.String()); s != "" {
			lines = append(lines, logicalLine{indent: indent, text: s})
		}
		text.Reset()
		atLineStart = true
	}
	src = strings.TrimPrefix(src, "\ufeff")
	for i := 0; i < len(src); i++ {
		c := src[i]
		if atLineStart {
			switch c {
			case ' ':
				indent++
				continue
			case '\t':
				indent = (indent/8 + 1) * 8
				continue
			case '\f', '\r':
				continue
			}
			atLineStart = false
		}
		switch {
		case c == '#':
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i = skipString(src, i)
			text.WriteString(`""`)
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i++
			text.WriteByte(' ')
		case c == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			i += 2
			text.WriteByte(' ')
		case c == '\n':
			if depth > 0 {
				text.WriteByte(' ')
				continue
			}
			flush()
			indent = 0
		case c == '\r':
		default:
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth = max(depth-1, 0)
			}
			text.WriteByte(c)
		}
	}
	flush()
	return lines
}

// skipString returns the index of the last byte of the string literal
// opening at src[start]. A single-quoted string ends at its line's end if
// it is not closed.
func skipString(src string, start int) int {
	quote := src[start]
	triple := strings.HasPrefix(src[start:], strings.Repeat(string(quote), 3))
	i := start + 1
	if triple {
		i = start + 3
	}
	for ; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '\n':
			if !triple {
				return i - 1
			}
		case quote:
			if !triple {
				return i
			}
			if strings.HasPrefix(src[i:], strings.Repeat(string(quote), 3)) {
				return i + 2
			}
		}
	}
	return len(src) - 1
}

var selfRunGuard = regexp.MustCompile(`(?m)^if\s+(__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__)\s*:`)

// RunsItself tells whether a module has a top-level
// `if __name__ == "__main__":` block, so that running it with python does
// something (typically starting its own server).
func RunsItself(src []byte) bool {
	return selfRunGuard.Match(src)
}
