package cpython

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version is a CPython release number such as 3.12.4.
type Version []int

// ParseVersion reads "3", "3.12" or "3.12.4".
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return nil, fmt.Errorf("%q has more than three parts", s)
	}
	v := make(Version, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" {
			return nil, fmt.Errorf("%q is not a version number", s)
		}
		v[i] = n
	}
	return v, nil
}

func (v Version) String() string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

// Compare orders versions, padding missing parts with zeros.
func (v Version) Compare(o Version) int {
	for i := 0; i < 3; i++ {
		a, b := v.at(i), o.at(i)
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	return 0
}

// HasPrefix tells whether v starts with every part of p (3.12.4 has 3.12).
func (v Version) HasPrefix(p Version) bool {
	if len(p) > len(v) {
		return false
	}
	for i := range p {
		if v[i] != p[i] {
			return false
		}
	}
	return true
}

func (v Version) at(i int) int {
	if i < len(v) {
		return v[i]
	}
	return 0
}

// Constraint is a set of version clauses that must all hold. It covers the
// forms users write: a bare version ("3.12" means any 3.12.x, "3.12.4" means
// exactly that), a wildcard ("3.12.*") and PEP 440 specifiers as found in
// requires-python (">=3.10,<3.13", "~=3.11", "!=3.12.0", "==3.11.*").
type Constraint struct {
	text    string
	clauses []clause
}

type clause struct {
	op       string
	version  Version
	wildcard bool
}

var clausePattern = regexp.MustCompile(`^(~=|===|==|!=|<=|>=|<|>)?\s*v?([0-9]+(?:\.[0-9]+){0,2})(\.\*)?$`)

// ParseConstraint reads a version constraint; see Constraint.
func ParseConstraint(text string) (Constraint, error) {
	c := Constraint{text: strings.TrimSpace(text)}
	if c.text == "" {
		return c, fmt.Errorf("the version is empty")
	}
	for _, raw := range strings.Split(c.text, ",") {
		raw = strings.TrimSpace(raw)
		m := clausePattern.FindStringSubmatch(raw)
		if m == nil {
			return c, fmt.Errorf("%q is not a version or version specifier", raw)
		}
		v, err := ParseVersion(m[2])
		if err != nil {
			return c, err
		}
		op, wildcard := m[1], m[3] != ""
		if wildcard && op != "" && op != "==" && op != "!=" {
			return c, fmt.Errorf("%q: a wildcard only goes with == or !=", raw)
		}
		if op == "" || op == "===" {
			op = "=="
			if len(v) < 3 {
				wildcard = true
			}
		}
		if op == "~=" && len(v) < 2 {
			return c, fmt.Errorf("%q: ~= needs at least two version parts", raw)
		}
		c.clauses = append(c.clauses, clause{op: op, version: v, wildcard: wildcard})
	}
	return c, nil
}

func (c Constraint) String() string { return c.text }

// Check tells whether v satisfies every clause.
func (c Constraint) Check(v Version) bool {
	for _, cl := range c.clauses {
		if !cl.check(v) {
			return false
		}
	}
	return true
}

func (cl clause) check(v Version) bool {
	cmp := v.Compare(cl.version)
	switch cl.op {
	case "==":
		if cl.wildcard {
			return v.HasPrefix(cl.version)
		}
		return cmp == 0
	case "!=":
		if cl.wildcard {
			return !v.HasPrefix(cl.version)
		}
		return cmp != 0
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	case "~=":
		// ~=3.11 means >=3.11, ==3.*; ~=3.11.2 means >=3.11.2, ==3.11.*
		return cmp >= 0 && v.HasPrefix(cl.version[:len(cl.version)-1])
	}
	return false
}
