// Package licenses turns a component's declared license (sbom.Licenses, as
// its metadata states it) into what the SBOM formats can hold: an SPDX
// license expression when the metadata gives a valid one, or Trove
// classifiers that name one SPDX license; else license names. It checks
// identifiers against the SPDX license list (github.com/github/go-spdx).
package licenses

import (
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/python-cnb/buildpack/internal/sbom"
)

// Resolved is a declared license in the formats' terms: an SPDX
// Expression, else IDs (SPDX identifiers) and Names (free text), each
// name with its full Text when the metadata has one.
type Resolved struct {
	Expression string
	IDs        []string
	Names      []Named
}

// Named is a license known only by name.
type Named struct {
	Name string
	Text string
}

// Empty tells whether nothing is declared.
func (r Resolved) Empty() bool {
	return r.Expression == "" && len(r.IDs) == 0 && len(r.Names) == 0
}

// Resolve reads l.
func Resolve(l sbom.Licenses) Resolved {
	if l.Expression != "" {
		if expr, ok := Valid(l.Expression); ok {
			return Resolved{Expression: expr}
		}
		return Resolved{Names: []Named{{Name: l.Expression, Text: l.Expression}}}
	}
	var r Resolved
	for _, classifier := range l.Classifiers {
		if id := classifierID(classifier); id != "" {
			r.IDs = appendUnique(r.IDs, id)
			continue
		}
		name := classifier[strings.LastIndex(classifier, "::")+2:]
		r.Names = append(r.Names, Named{Name: strings.TrimSpace(name), Text: classifier})
	}
	if len(r.IDs) > 0 || len(r.Names) > 0 {
		return r
	}
	text := strings.TrimSpace(l.Text)
	if text == "" {
		return r
	}
	if expr, ok := Valid(text); ok {
		return Resolved{Expression: expr}
	}
	name, _, _ := strings.Cut(text, "\n")
	if len(name) > 120 {
		name = name[:120] + "…"
	}
	return Resolved{Names: []Named{{Name: strings.TrimSpace(name), Text: text}}}
}

// Valid normalizes an SPDX license expression, and tells whether it is one
// whose identifiers are all on the SPDX license list.
func Valid(expr string) (string, bool) {
	if strings.ContainsAny(expr, "\n") || strings.Contains(expr, "LicenseRef-") || strings.Contains(expr, "DocumentRef-") {
		return "", false
	}
	normalized, invalid := spdxexp.ValidateAndNormalizeLicensesWithOptions([]string{strings.TrimSpace(expr)}, spdxexp.ValidateLicensesOptions{})
	if len(invalid) > 0 || len(normalized) != 1 {
		return "", false
	}
	return normalized[0], true
}

// classifierID is the SPDX identifier a Trove license classifier names,
// or "" when it names several (BSD License) or none.
func classifierID(classifier string) string {
	switch strings.TrimSpace(strings.TrimPrefix(classifier, "License ::")) {
	case "OSI Approved :: MIT License":
		return "MIT"
	case "OSI Approved :: MIT No Attribution License (MIT-0)":
		return "MIT-0"
	case "OSI Approved :: Apache Software License":
		return "Apache-2.0"
	case "OSI Approved :: Python Software Foundation License":
		return "PSF-2.0"
	case "OSI Approved :: ISC License (ISCL)":
		return "ISC"
	case "OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)":
		return "MPL-2.0"
	case "OSI Approved :: GNU General Public License v2 (GPLv2)":
		return "GPL-2.0-only"
	case "OSI Approved :: GNU General Public License v2 or later (GPLv2+)":
		return "GPL-2.0-or-later"
	case "OSI Approved :: GNU General Public License v3 (GPLv3)":
		return "GPL-3.0-only"
	case "OSI Approved :: GNU General Public License v3 or later (GPLv3+)":
		return "GPL-3.0-or-later"
	case "OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)":
		return "LGPL-2.0-only"
	case "OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)":
		return "LGPL-2.0-or-later"
	case "OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)":
		return "LGPL-3.0-only"
	case "OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)":
		return "LGPL-3.0-or-later"
	case "OSI Approved :: GNU Affero General Public License v3":
		return "AGPL-3.0-only"
	case "OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)":
		return "AGPL-3.0-or-later"
	case "OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)":
		return "EPL-2.0"
	case "OSI Approved :: The Unlicense (Unlicense)":
		return "Unlicense"
	case "OSI Approved :: zlib/libpng License":
		return "Zlib"
	case "OSI Approved :: Boost Software License 1.0 (BSL-1.0)":
		return "BSL-1.0"
	case "OSI Approved :: Universal Permissive License (UPL)":
		return "UPL-1.0"
	case "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication":
		return "CC0-1.0"
	}
	return ""
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
