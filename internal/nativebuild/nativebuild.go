// Package nativebuild explains why pip could not build a package from
// source: it reads pip's output, finds what the build lacked (a C compiler,
// CPython's headers, a header, a library, a *-config program, a pkg-config
// module, git) and which package needed it, and says what the ways out are.
package nativebuild

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
)

// kind is what sort of thing the build lacked.
type kind int

const (
	compiler kind = iota
	pythonHeaders
	header
	library
	program
	pkgConfigModule
	git
)

// clue is a line of build output that shows a missing piece: the piece is
// the pattern's first group, or fixed when it has none.
type clue struct {
	kind    kind
	pattern *regexp.Regexp
	fixed   string
}

// clues are tried in order on every line; the first line that matches one
// is the cause (later errors are usually its consequences).
var clues = []clue{
	{kind: pythonHeaders, pattern: regexp.MustCompile(`fatal error: (Python\.h): No such file or directory`)},
	{kind: header, pattern: regexp.MustCompile(`fatal error: ([\w./+-]+\.h(?:pp)?): No such file or directory`)},
	{kind: library, pattern: regexp.MustCompile(`cannot find -l([\w.+-]+)`)},
	{kind: compiler, pattern: regexp.MustCompile(`No such file or directory: '((?:[\w./-]*[/-])?(?:cc|gcc|clang|c\+\+|g\+\+|clang\+\+))'`)},
	{kind: compiler, pattern: regexp.MustCompile(`(?:command|unable to execute) '((?:[\w./-]*[/-])?(?:cc|gcc|clang|c\+\+|g\+\+|clang\+\+))'(?: failed)?: No such file or directory`)},
	{kind: program, pattern: regexp.MustCompile(`(pg_config) executable not found`)},
	{kind: program, pattern: regexp.MustCompile(`(?:^|\s)([\w.-]+[_-]config|pkg-config): (?:command )?not found`)},
	{kind: program, pattern: regexp.MustCompile(`OSError: ([\w.-]+[_-]config) not found`)},
	{kind: program, pattern: regexp.MustCompile(`Could not run ([\w.-]+-config)`)},
	{kind: pkgConfigModule, pattern: regexp.MustCompile(`Dependency "([\w.+-]+)" not found`)},
	{kind: pkgConfigModule, pattern: regexp.MustCompile(`Package ([\w.+-]+) was not found in the pkg-config search path`)},
	{kind: pkgConfigModule, pattern: regexp.MustCompile(`Package '([\w.+-]+)', required by .*, not found`)},
	{kind: pkgConfigModule, pattern: regexp.MustCompile(`Can not find valid pkg-config name`), fixed: "mysqlclient"},
	{kind: git, pattern: regexp.MustCompile(`Cannot find command 'git'`), fixed: "git"},
}

// debian names the Debian (bookworm) development package that provides a
// missing piece, and the package holding the library it links at run time.
type debian struct{ dev, runtime string }

// known maps missing pieces, by kind, to Debian packages; pieces not listed
// get advice to look the file up.
var known = map[kind]map[string]debian{
	program: {
		"pg_config":      {"libpq-dev", "libpq5"},
		"mysql_config":   {"default-libmysqlclient-dev", "libmariadb3"},
		"mariadb_config": {"default-libmysqlclient-dev", "libmariadb3"},
		"pkg-config":     {"pkg-config", ""},
		"curl-config":    {"libcurl4-openssl-dev", "libcurl4"},
		"xml2-config":    {"libxml2-dev", "libxml2"},
		"xslt-config":    {"libxslt1-dev", "libxslt1.1"},
		"odbc_config":    {"unixodbc-dev", "libodbc2"},
		"gdal-config":    {"libgdal-dev", "libgdal32"},
	},
	header: {
		"libpq-fe.h":          {"libpq-dev", "libpq5"},
		"mysql.h":             {"default-libmysqlclient-dev", "libmariadb3"},
		"mysql/mysql.h":       {"default-libmysqlclient-dev", "libmariadb3"},
		"sql.h":               {"unixodbc-dev", "libodbc2"},
		"sqlext.h":            {"unixodbc-dev", "libodbc2"},
		"expat.h":             {"libexpat1-dev", "libexpat1"},
		"ffi.h":               {"libffi-dev", "libffi8"},
		"openssl/ssl.h":       {"libssl-dev", "libssl3"},
		"openssl/opensslv.h":  {"libssl-dev", "libssl3"},
		"zlib.h":              {"zlib1g-dev", "zlib1g"},
		"lber.h":              {"libldap-dev", "libldap-2.5-0"},
		"ldap.h":              {"libldap-dev", "libldap-2.5-0"},
		"sasl/sasl.h":         {"libsasl2-dev", "libsasl2-2"},
		"krb5.h":              {"libkrb5-dev", "libkrb5-3"},
		"gssapi/gssapi.h":     {"libkrb5-dev", "libgssapi-krb5-2"},
		"libxml/xmlversion.h": {"libxml2-dev", "libxml2"},
		"cairo.h":             {"libcairo2-dev", "libcairo2"},
		"jpeglib.h":           {"libjpeg-dev", "libjpeg62-turbo"},
		"portaudio.h":         {"portaudio19-dev", "libportaudio2"},
		"snappy-c.h":          {"libsnappy-dev", "libsnappy1v5"},
		"yaml.h":              {"libyaml-dev", "libyaml-0-2"},
		"bzlib.h":             {"libbz2-dev", "libbz2-1.0"},
		"lzma.h":              {"liblzma-dev", "liblzma5"},
		"sqlite3.h":           {"libsqlite3-dev", "libsqlite3-0"},
		"gmp.h":               {"libgmp-dev", "libgmp10"},
		"graphviz/cgraph.h":   {"libgraphviz-dev", "libcgraph6"},
	},
	library: {
		"pq":          {"libpq-dev", "libpq5"},
		"mysqlclient": {"default-libmysqlclient-dev", "libmariadb3"},
		"mariadb":     {"default-libmysqlclient-dev", "libmariadb3"},
		"odbc":        {"unixodbc-dev", "libodbc2"},
		"ssl":         {"libssl-dev", "libssl3"},
		"crypto":      {"libssl-dev", "libssl3"},
		"ffi":         {"libffi-dev", "libffi8"},
		"z":           {"zlib1g-dev", "zlib1g"},
		"ldap":        {"libldap-dev", "libldap-2.5-0"},
		"lber":        {"libldap-dev", "libldap-2.5-0"},
		"sasl2":       {"libsasl2-dev", "libsasl2-2"},
		"snappy":      {"libsnappy-dev", "libsnappy1v5"},
		"xml2":        {"libxml2-dev", "libxml2"},
		"xslt":        {"libxslt1-dev", "libxslt1.1"},
		"jpeg":        {"libjpeg-dev", "libjpeg62-turbo"},
		"yaml":        {"libyaml-dev", "libyaml-0-2"},
	},
	pkgConfigModule: {
		"mysqlclient":               {"default-libmysqlclient-dev", "libmariadb3"},
		"mariadb":                   {"default-libmysqlclient-dev", "libmariadb3"},
		"libmariadb":                {"default-libmysqlclient-dev", "libmariadb3"},
		"libpq":                     {"libpq-dev", "libpq5"},
		"libffi":                    {"libffi-dev", "libffi8"},
		"openssl":                   {"libssl-dev", "libssl3"},
		"libxml-2.0":                {"libxml2-dev", "libxml2"},
		"cairo":                     {"libcairo2-dev", "libcairo2"},
		"odbc":                      {"unixodbc-dev", "libodbc2"},
		"yaml-0.1":                  {"libyaml-dev", "libyaml-0-2"},
		"gobject-introspection-1.0": {"libgirepository1.0-dev", "libgirepository-1.0-1"},
	},
	compiler: {"": {"build-essential", ""}},
	git:      {"git": {"git", ""}},
}

// binaryAlternatives are packages published as wheels that replace a
// package that has to be compiled.
var binaryAlternatives = map[string]string{
	"psycopg2":    "psycopg2-binary (or psycopg[binary])",
	"mysqlclient": "PyMySQL (a pure-Python MySQL and MariaDB driver)",
}

// Package names in pip's and uv's output: the requirement being collected
// or built (uv says it failed before it shows the build's output), and
// pip's closing failure lines.
var (
	progress = []*regexp.Regexp{
		regexp.MustCompile(`^\s*Collecting ([A-Za-z0-9][A-Za-z0-9._-]*)`),
		regexp.MustCompile(`^\s*(?:Building wheel for|Running setup\.py install for|Running setup\.py develop for) ([A-Za-z0-9][A-Za-z0-9._-]*)`),
		regexp.MustCompile(`^\s*Building ([A-Za-z0-9][A-Za-z0-9._-]*)(?:==| @ )`),
		regexp.MustCompile("Failed to build `([A-Za-z0-9][A-Za-z0-9._-]*?)(?:[=@ ].*)?`"),
	}
	failed = []*regexp.Regexp{
		regexp.MustCompile(`Failed to build '([A-Za-z0-9][A-Za-z0-9._-]*)'`),
		regexp.MustCompile(`Failed building wheel for ([A-Za-z0-9][A-Za-z0-9._-]*)`),
		regexp.MustCompile(`^Failed to build ([A-Za-z0-9][A-Za-z0-9._-]*)$`),
	}
)

// Diagnose returns the failure pip's output shows when a package could not
// be built from source for want of something the build image lacks, or nil
// when the output shows no such failure.
func Diagnose(output string) *errs.UserError {
	lines := strings.Split(output, "\n")
	current, at, found := "", -1, clue{}
	var missing string
	for i, line := range lines {
		for _, re := range progress {
			if m := re.FindStringSubmatch(line); m != nil {
				current = m[1]
				break
			}
		}
		for _, c := range clues {
			if m := c.pattern.FindStringSubmatch(line); m != nil {
				at, found, missing = i, c, c.fixed
				if missing == "" {
					missing = m[1]
				}
				break
			}
		}
		if at >= 0 {
			break
		}
	}
	if at < 0 {
		return nil
	}
	// pip's closing lines name the package for sure; the package being
	// collected or built when the error showed is the next best.
	pkg := failedPackage(lines[at:])
	if pkg == "" {
		pkg = current
	}
	if pkg == "" {
		pkg = "a package"
	}
	return explain(pkg, found.kind, missing, evidence(lines, at))
}

// failedPackage is the first package pip's failure lines name, or "".
func failedPackage(lines []string) string {
	for _, line := range lines {
		for _, re := range failed {
			if m := re.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// evidence is the line that shows the missing piece and pip's own error
// lines after it.
func evidence(lines []string, at int) string {
	shown := []string{strings.TrimSpace(lines[at])}
	for _, line := range lines[at+1:] {
		if strings.HasPrefix(line, "ERROR:") || strings.HasPrefix(strings.TrimSpace(line), "ERROR: Failed") {
			shown = append(shown, strings.TrimSpace(line))
		}
	}
	if len(shown) > 6 {
		shown = shown[:6]
	}
	return strings.Join(shown, "\n")
}

func explain(pkg string, k kind, missing, evidence string) *errs.UserError {
	deb, isKnown := known[k][missing]
	if k == compiler {
		deb, isKnown = known[compiler][""], true
	}
	var title, why string
	switch k {
	case compiler:
		title = fmt.Sprintf("%s could not be built from source: the build image has no C compiler (%s)", pkg, missing)
		why = "it has C code to compile"
	case pythonHeaders:
		title = fmt.Sprintf("%s could not be built from source: CPython's headers (Python.h) are missing", pkg)
		why = "its C code includes Python.h, which this CPython installation lacks (its archive had no include/)"
	case header:
		title = fmt.Sprintf("%s could not be built from source: the header %s is missing", pkg, missing)
		why = "its C code includes " + missing
	case library:
		title = fmt.Sprintf("%s could not be built from source: the library -l%s (lib%s.so) is missing", pkg, missing, missing)
		why = "it links against lib" + missing
	case program:
		title = fmt.Sprintf("%s could not be built from source: %s is missing", pkg, missing)
		why = "its build runs " + missing + " to find the library it uses"
	case pkgConfigModule:
		title = fmt.Sprintf("%s could not be built from source: pkg-config finds no %s", pkg, missing)
		why = "its build asks pkg-config for " + missing + ", which the build image does not have"
	case git:
		return &errs.UserError{
			Title:  fmt.Sprintf("%s is a VCS requirement (git+…), and the build image has no git", pkg),
			Detail: evidence,
			Remedy: "build with a builder whose build image has git (Debian: git), or require a released version of " + pkg + " from an index, or a wheel or archive URL, instead of git+",
		}
	}
	detail := fmt.Sprintf("No binary wheel of %s matched this CPython and platform, so it was built from source, and %s.\n%s", pkg, why, evidence)

	fixes := []string{}
	if alternative, ok := binaryAlternatives[strings.ToLower(pkg)]; ok {
		fixes = append(fixes, fmt.Sprintf("require %s instead of %s: it is published as binary wheels", alternative, pkg))
	} else {
		fixes = append(fixes, fmt.Sprintf("require a version of %s that publishes a binary wheel (manylinux) for this CPython version", pkg))
	}
	if k == pythonHeaders {
		fixes = append(fixes, "install a CPython archive that has include/ (python-build-standalone's install_only archives do; check the copy a dependency mirror serves), or choose another CPython version (BP_CPYTHON_VERSION, runtime.txt or .python-version)")
	} else {
		fixes = append(fixes, fmt.Sprintf("choose a CPython version for which %s publishes binary wheels (BP_CPYTHON_VERSION, runtime.txt or .python-version)", pkg))
		fixes = append(fixes, builderFix(k, missing, deb, isKnown))
	}
	var remedy strings.Builder
	remedy.WriteString("one of")
	for i, fix := range fixes {
		fmt.Fprintf(&remedy, "\n  %d. %s", i+1, fix)
	}
	return &errs.UserError{Title: title, Detail: detail, Remedy: remedy.String()}
}

func builderFix(k kind, missing string, deb debian, isKnown bool) string {
	what := missing
	switch k {
	case compiler:
		what = "a C compiler"
	case library:
		what = "lib" + missing + ".so"
	case pkgConfigModule:
		what = "the pkg-config module " + missing
	}
	if !isKnown {
		return fmt.Sprintf("build with a builder whose build image has %s (the Debian package that provides it: apt-file search %s) and whose run image has the library it links", what, missing)
	}
	fix := fmt.Sprintf("build with a builder whose build image has %s (Debian: %s)", what, deb.dev)
	if deb.runtime != "" {
		fix += fmt.Sprintf(" and whose run image has the library it links (Debian: %s)", deb.runtime)
	}
	return fix
}
