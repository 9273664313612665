package nativebuild_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/nativebuild"
	"github.com/sclevine/spec"
)

// The files in testdata are pip's real output (pip 24.3.1, and pip 26.3 for
// the -pip26 ones; uv 0.13.9 for the uv- one) installing into a CPython 3.11
// in this project's build image, or in images that lacked what each case is
// about.
func testDiagnose(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	read := func(name string) string {
		content, err := os.ReadFile(filepath.Join("testdata", name))
		Expect(err).NotTo(HaveOccurred())
		return string(content)
	}

	for _, c := range []struct {
		file, title, evidence string
		fixes                 []string
	}{
		{"psycopg2-no-pg-config.txt", "psycopg2 could not be built from source: pg_config is missing",
			"Error: pg_config executable not found.",
			[]string{"1. require psycopg2-binary (or psycopg[binary]) instead of psycopg2", "(Debian: libpq-dev)", "(Debian: libpq5)"}},
		{"psycopg2-no-pg-config-pip26.txt", "psycopg2 could not be built from source: pg_config is missing",
			"ERROR: Failed to build 'psycopg2' when getting requirements to build wheel",
			[]string{"psycopg2-binary", "(Debian: libpq-dev)"}},
		{"mysqlclient-no-pkg-config.txt", "mysqlclient could not be built from source: pkg-config is missing",
			"/bin/sh: 1: pkg-config: not found",
			[]string{"require PyMySQL (a pure-Python MySQL and MariaDB driver) instead of mysqlclient", "has pkg-config (Debian: pkg-config)"}},
		{"mysqlclient-no-mysql-config.txt", "mysqlclient could not be built from source: mysql_config is missing",
			"/bin/sh: 1: mysql_config: not found",
			[]string{"PyMySQL", "has mysql_config (Debian: default-libmysqlclient-dev) and whose run image has the library it links (Debian: libmariadb3)"}},
		{"python-ldap-no-clang.txt", "python-ldap could not be built from source: the build image has no C compiler (clang)",
			"error: [Errno 2] No such file or directory: 'clang'",
			[]string{"1. require a version of python-ldap that publishes a binary wheel (manylinux) for this CPython version", "has a C compiler (Debian: build-essential)"}},
		{"python-ldap-no-cc.txt", "python-ldap could not be built from source: the build image has no C compiler (cc)",
			"ERROR: Failed building wheel for python-ldap",
			[]string{"has a C compiler (Debian: build-essential)"}},
		{"python-ldap-missing-header.txt", "python-ldap could not be built from source: the header lber.h is missing",
			"Modules/common.h:15:10: fatal error: lber.h: No such file or directory",
			[]string{"2. choose a CPython version for which python-ldap publishes binary wheels (BP_CPYTHON_VERSION, runtime.txt or .python-version)",
				"3. build with a builder whose build image has lber.h (Debian: libldap-dev) and whose run image has the library it links (Debian: libldap-2.5-0)"}},
		{"python-ldap-missing-header-pip26.txt", "python-ldap could not be built from source: the header lber.h is missing",
			"fatal error: lber.h: No such file or directory", []string{"libldap-dev"}},
		{"psycopg2-no-python-h.txt", "psycopg2 could not be built from source: CPython's headers (Python.h) are missing",
			"./psycopg/psycopg.h:35:10: fatal error: Python.h: No such file or directory",
			[]string{"psycopg2-binary", "install a CPython archive that has include/"}},
		{"missing-library.txt", "snappylink could not be built from source: the library -lsnappy (libsnappy.so) is missing",
			"/usr/bin/ld: cannot find -lsnappy: No such file or directory",
			[]string{"has libsnappy.so (Debian: libsnappy-dev)"}},
		{"uv-psycopg2-no-pg-config.txt", "psycopg2 could not be built from source: pg_config is missing",
			"Error: pg_config executable not found.",
			[]string{"psycopg2-binary", "(Debian: libpq-dev)"}},
		{"pycairo-missing-dependency.txt", "pycairo could not be built from source: pkg-config finds no cairo",
			`../cairo/meson.build:31:12: ERROR: Dependency "cairo" not found (tried pkg-config)`,
			[]string{"has the pkg-config module cairo (Debian: libcairo2-dev)"}},
	} {
		c := c
		it("explains "+c.file, func() {
			err := nativebuild.Diagnose(read(c.file))
			Expect(err).NotTo(BeNil())
			Expect(err.Title).To(Equal(c.title))
			Expect(err.Detail).To(ContainSubstring(c.evidence))
			Expect(err.Detail).To(HavePrefix("No binary wheel of "))
			Expect(err.Remedy).To(HavePrefix("one of\n  1. "))
			for _, fix := range c.fixes {
				Expect(err.Remedy).To(ContainSubstring(fix))
			}
		})
	}

	it("explains a VCS requirement without git", func() {
		err := nativebuild.Diagnose(read("git-missing.txt"))
		Expect(err).NotTo(BeNil())
		Expect(err.Title).To(Equal("mylib is a VCS requirement (git+…), and the build image has no git"))
		Expect(err.Detail).To(Equal("ERROR: Cannot find command 'git' - do you have 'git' installed and in your PATH?"))
		Expect(err.Remedy).To(ContainSubstring("has git (Debian: git)"))
	})

	it("says nothing about failures that are not native builds", func() {
		Expect(nativebuild.Diagnose(read("no-such-version.txt"))).To(BeNil())
		Expect(nativebuild.Diagnose("")).To(BeNil())
	})

	context("output pip did not produce in the captured runs", func() {
		it("takes the package from pip's closing lines when the Collecting line was cut off", func() {
			err := nativebuild.Diagnose("      gcc: fatal error: yaml.h: No such file or directory\n  ERROR: Failed building wheel for PyYAML\nFailed to build PyYAML\n")
			Expect(err.Title).To(Equal("PyYAML could not be built from source: the header yaml.h is missing"))
			Expect(err.Remedy).To(ContainSubstring("(Debian: libyaml-dev)"))
		})

		it("says a package when it cannot tell which", func() {
			Expect(nativebuild.Diagnose("fatal error: zlib.h: No such file or directory\n").Title).To(HavePrefix("a package could not be built"))
		})

		it("tells how to find an unknown header's package", func() {
			err := nativebuild.Diagnose("Collecting weird==1.0\n  fatal error: weird/thing.h: No such file or directory\n")
			Expect(err.Remedy).To(ContainSubstring("has weird/thing.h (the Debian package that provides it: apt-file search weird/thing.h)"))
		})

		it("recognises older and cross-compiler spellings of a missing compiler", func() {
			for line, compiler := range map[string]string{
				"unable to execute 'gcc': No such file or directory":                      "gcc",
				"error: command 'x86_64-linux-gnu-gcc' failed: No such file or directory": "x86_64-linux-gnu-gcc",
				"error: command '/usr/bin/g++' failed: No such file or directory":         "/usr/bin/g++",
			} {
				err := nativebuild.Diagnose("Collecting pkg\n" + line + "\n")
				Expect(err).NotTo(BeNil(), line)
				Expect(err.Title).To(Equal("pkg could not be built from source: the build image has no C compiler ("+compiler+")"), line)
			}
		})

		it("recognises pkg-config's and pkgconf's wording of a missing module", func() {
			for _, line := range []string{
				"Package libffi was not found in the pkg-config search path.",
				"Package 'libffi', required by 'virtual:world', not found",
			} {
				err := nativebuild.Diagnose("Collecting cffi\n" + line + "\n")
				Expect(err).NotTo(BeNil(), line)
				Expect(err.Title).To(Equal("cffi could not be built from source: pkg-config finds no libffi"), line)
				Expect(err.Remedy).To(ContainSubstring("(Debian: libffi-dev)"))
			}
		})

		it("trusts pip's closing lines over the last package collected", func() {
			output := "Collecting flask\n  building\nerror: command 'clang' failed: No such file or directory\nERROR: Failed building wheel for markupsafe\n"
			Expect(nativebuild.Diagnose(output).Title).To(HavePrefix("markupsafe could not be built"))
		})

		it("names the package being built, not the last one collected", func() {
			output := "Collecting a==1\nCollecting b==2\nBuilding wheel for a (pyproject.toml): started\n  fatal error: ffi.h: No such file or directory\n"
			Expect(nativebuild.Diagnose(output).Title).To(HavePrefix("a could not be built"))
		})
	})
}
