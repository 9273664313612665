package gunicorn

import "strings"

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
