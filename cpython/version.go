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

// Constraint is a set of version clauses that must all hold, or several
// such sets of which one must hold. It covers the forms users write: a bare
// version ("3.12" means any 3.12.x, "3.12.4" means exactly that), a
// wildcard ("3.12.*"), PEP 440 specifiers as found in requires-python
// (">=3.10,<3.13", "~=3.11", "!=3.12.0", "==3.11.*"), and Poetry's
// constraints ("^3.10", "~3.11", ">=3.9 <3.13", "^3.9 || ^3.12").
type Constraint struct {
	text string
	// alternatives: one of them must hold, each clause of it
	alternatives [][]clause
}

type clause struct {
	op       string
	version  Version
	wildcard bool
}

var (
	clausePattern    = regexp.MustCompile(`(~=|===|==|!=|<=|>=|<|>|\^|~)?\s*v?([0-9]+(?:\.[0-9]+){0,2})(\.\*)?`)
	separatorPattern = regexp.MustCompile(`^[\s,]*$`)
)

// ParseConstraint reads a version constraint; see Constraint.
func ParseConstraint(text string) (Constraint, error) {
	c := Constraint{text: strings.TrimSpace(text)}
	if c.text == "" {
		return c, fmt.Errorf("the version is empty")
	}
	for _, alternative := range strings.Split(c.text, "||") {
		clauses, err := parseClauses(strings.TrimSpace(alternative))
		if err != nil {
			return c, err
		}
		c.alternatives = append(c.alternatives, clauses)
	}
	return c, nil
}

// parseClauses reads clauses separated by commas or spaces.
func parseClauses(text string) ([]clause, error) {
	var clauses []clause
	matches := clausePattern.FindAllStringSubmatchIndex(text, -1)
	last := 0
	for _, m := range matches {
		if err := checkSeparator(text, last, m[0], len(clauses) > 0); err != nil {
			return nil, err
		}
		last = m[1]
		raw := text[m[0]:m[1]]
		op, wildcard := "", m[6] >= 0
		if m[2] >= 0 {
			op = text[m[2]:m[3]]
		}
		v, err := ParseVersion(text[m[4]:m[5]])
		if err != nil {
			return nil, err
		}
		if wildcard && op != "" && op != "==" && op != "!=" {
			return nil, fmt.Errorf("%q: a wildcard only goes with == or !=", raw)
		}
		switch op {
		case "", "===":
			op = "=="
			if len(v) < 3 {
				wildcard = true
			}
		case "~=":
			if len(v) < 2 {
				return nil, fmt.Errorf("%q: ~= needs at least two version parts", raw)
			}
		case "^", "~":
			// Poetry: ^3.10 is >=3.10,<4; ~3.11 is >=3.11,<3.12 (~3 is >=3,<4)
			upper := Version{v.at(0) + 1}
			if op == "~" && len(v) >= 2 {
				upper = Version{v.at(0), v.at(1) + 1}
			}
			clauses = append(clauses, clause{op: ">=", version: v}, clause{op: "<", version: upper})
			continue
		}
		clauses = append(clauses, clause{op: op, version: v, wildcard: wildcard})
	}
	if len(clauses) == 0 {
		return nil, fmt.Errorf("%q is not a version or version specifier", text)
	}
	if err := checkSeparator(text, last, len(text), false); err != nil {
		return nil, err
	}
	return clauses, nil
}

// checkSeparator checks the text between two clauses (between tells that
// there is a clause on each side): spaces and one comma at most, and no
// comma at either end, which would leave an empty clause.
func checkSeparator(text string, from, to int, between bool) error {
	gap := text[from:to]
	if !separatorPattern.MatchString(gap) {
		return fmt.Errorf("%q is not a version or version specifier", text)
	}
	commas := strings.Count(gap, ",")
	if between && gap == "" || !between && commas > 0 || commas > 1 {
		return fmt.Errorf("%q is not a version or version specifier", "")
	}
	return nil
}

func (c Constraint) String() string { return c.text }

// Check tells whether v satisfies every clause of one of the alternatives.
func (c Constraint) Check(v Version) bool {
	for _, clauses := range c.alternatives {
		holds := true
		for _, cl := range clauses {
			holds = holds && cl.check(v)
		}
		if holds {
			return true
		}
	}
	return false
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
