package cpython_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/sclevine/spec"
)

// sysconfigData is an excerpt of python-build-standalone 3.11.11's
// lib/python3.11/_sysconfigdata__linux_x86_64-linux-gnu.py, one key per line.
const sysconfigData = `# system configuration generated and used by the sysconfig module
build_time_vars = {
    "ABIFLAGS": "",
    "AR": "/tools/llvm/bin/llvm-ar",
    "ARFLAGS": "rcs",
    "BLDSHARED": "clang -pthread -shared  -Wl,--exclude-libs,ALL",
    "CC": "clang -pthread",
    "CFLAGS": "-Wsign-compare -Wunreachable-code -DNDEBUG -g -fwrapv -O3 -Wall  -fPIC  ",
    "CONFIG_ARGS": "'--build=x86_64-unknown-linux-gnu' '--prefix=/install' 'CC=clang'",
    "CXX": "clang++ -pthread",
    "HAVE_FORK": 1,
    "INCLUDEPY": "/install/include/python3.11",
    "INSTALL": "/usr/bin/install -c",
    "LDCXXSHARED": "clang++ -pthread -shared",
    "LDSHARED": "clang -pthread -shared  -Wl,--exclude-libs,ALL",
    "LIBDIR": "/install/lib",
    "LINKCC": "clang -pthread",
    "LLVM_PROF_FILE": "LLVM_PROFILE_FILE=\"code-%p.profclangr\"",
    "PY_CFLAGS_NODIST": "-flto=thin -g -std=c11 -fprofile-instr-use=code.profclangd -I./Include/internal",
    "SIZEOF_WCHAR_T": 4,
    "prefix": "/install"
}
`

// pprintData is the layout Python's own build writes (pprint): single
// quotes, and long values split into adjacent literals in parentheses.
const pprintData = `# system configuration generated and used by the sysconfig module
build_time_vars = {'AR': '/tools/llvm/bin/llvm-ar',
 'CC': 'clang -pthread',
 'CONFIG_ARGS': ("'--build=x86_64-pc-linux-gnu' "
                 "'--prefix=/install'"),
 'LDSHARED': ('clang -pthread -shared '
              '-Wl,--exclude-libs,ALL'),
 'MULTIARCH': 'x86_64-linux-gnu',
 'TAB': 'a\tb\\c\x41\'',
 'WITH_DOC_STRINGS': 1}
`

func testSysconfig(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	var (
		root   string
		module string
	)

	it.Before(func() {
		root = t.TempDir()
		module = filepath.Join(root, "lib", "python3.11", "_sysconfigdata__linux_x86_64-linux-gnu.py")
	})

	// load runs the module with the host's Python, as sysconfig imports it,
	// and returns build_time_vars.
	load := func(path string) map[string]interface{} {
		python, err := exec.LookPath("python3")
		if err != nil {
			t.Skip("no python3 on this machine to read the rewritten module with")
		}
		out, err := exec.Command(python, "-I", "-c",
			"import json, runpy, sys; print(json.dumps(runpy.run_path(sys.argv[1])['build_time_vars']))", path).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		var vars map[string]interface{}
		Expect(json.Unmarshal(out, &vars)).To(Succeed())
		return vars
	}

	it("points the compilers and ar at the system's, the prefix at the installation, and drops clang-only flags", func() {
		Expect(writeFile(filepath.Dir(module), filepath.Base(module), sysconfigData)).To(Succeed())
		Expect(writeFile(root, "lib/python3.11/__pycache__/_sysconfigdata__linux_x86_64-linux-gnu.cpython-311.pyc", "old")).To(Succeed())
		Expect(writeFile(root, "lib/python3.11/__pycache__/os.cpython-311.pyc", "keep")).To(Succeed())

		changed, err := cpython.RewriteSysconfig(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(changed).To(Equal(11))

		vars := load(module)
		Expect(vars).To(HaveKeyWithValue("AR", "ar"))
		Expect(vars).To(HaveKeyWithValue("CC", "cc -pthread"))
		Expect(vars).To(HaveKeyWithValue("CXX", "c++ -pthread"))
		Expect(vars).To(HaveKeyWithValue("LINKCC", "cc -pthread"))
		Expect(vars).To(HaveKeyWithValue("LDSHARED", "cc -pthread -shared  -Wl,--exclude-libs,ALL"))
		Expect(vars).To(HaveKeyWithValue("BLDSHARED", "cc -pthread -shared  -Wl,--exclude-libs,ALL"))
		Expect(vars).To(HaveKeyWithValue("LDCXXSHARED", "c++ -pthread -shared"))
		Expect(vars).To(HaveKeyWithValue("INCLUDEPY", filepath.Join(root, "include", "python3.11")))
		Expect(vars).To(HaveKeyWithValue("LIBDIR", filepath.Join(root, "lib")))
		Expect(vars).To(HaveKeyWithValue("prefix", root))
		Expect(vars).To(HaveKeyWithValue("PY_CFLAGS_NODIST", "-flto -g -std=c11 -I./Include/internal"))
		// untouched: words that only contain a name, other tools, escapes, numbers
		Expect(vars).To(HaveKeyWithValue("CONFIG_ARGS", "'--build=x86_64-unknown-linux-gnu' '--prefix=/install' 'CC=clang'"))
		Expect(vars).To(HaveKeyWithValue("INSTALL", "/usr/bin/install -c"))
		Expect(vars).To(HaveKeyWithValue("CFLAGS", "-Wsign-compare -Wunreachable-code -DNDEBUG -g -fwrapv -O3 -Wall  -fPIC  "))
		Expect(vars).To(HaveKeyWithValue("LLVM_PROF_FILE", `LLVM_PROFILE_FILE="code-%p.profclangr"`))
		Expect(vars).To(HaveKeyWithValue("HAVE_FORK", BeEquivalentTo(1)))
		Expect(vars).To(HaveLen(19))

		// the stale bytecode of the module goes, so that it is compiled from the new source
		Expect(filepath.Join(root, "lib/python3.11/__pycache__/_sysconfigdata__linux_x86_64-linux-gnu.cpython-311.pyc")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(root, "lib/python3.11/__pycache__/os.cpython-311.pyc")).To(BeARegularFile())

		// lines of values that did not change are as they were
		content, err := os.ReadFile(module)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(content)).To(ContainSubstring("    \"CFLAGS\": \"-Wsign-compare -Wunreachable-code -DNDEBUG -g -fwrapv -O3 -Wall  -fPIC  \",\n    \"CONFIG_ARGS\""))
		Expect(string(content)).To(HavePrefix("# system configuration generated and used by the sysconfig module\nbuild_time_vars = {\n"))

		changed, err = cpython.RewriteSysconfig(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(changed).To(BeZero(), "a second rewrite changes nothing")
	})

	it("reads pprint's layout: single quotes, escapes, and adjacent literals in parentheses", func() {
		Expect(writeFile(filepath.Dir(module), filepath.Base(module), pprintData)).To(Succeed())
		changed, err := cpython.RewriteSysconfig(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(changed).To(Equal(3))
		vars := load(module)
		Expect(vars).To(HaveKeyWithValue("AR", "ar"))
		Expect(vars).To(HaveKeyWithValue("CC", "cc -pthread"))
		Expect(vars).To(HaveKeyWithValue("LDSHARED", "cc -pthread -shared -Wl,--exclude-libs,ALL"))
		Expect(vars).To(HaveKeyWithValue("CONFIG_ARGS", "'--build=x86_64-pc-linux-gnu' '--prefix=/install'"))
		Expect(vars).To(HaveKeyWithValue("TAB", "a\tb\\cA'"))
		Expect(vars).To(HaveKeyWithValue("WITH_DOC_STRINGS", BeEquivalentTo(1)))
	})

	it("rewrites a cross-compiled build's compilers", func() {
		Expect(writeFile(filepath.Dir(module), filepath.Base(module), `build_time_vars = {
    "CC": "/usr/bin/aarch64-linux-gnu-gcc -pthread",
    "CXX": "/usr/bin/aarch64-linux-gnu-g++ -pthread",
}
`)).To(Succeed())
		_, err := cpython.RewriteSysconfig(root)
		Expect(err).NotTo(HaveOccurred())
		vars := load(module)
		Expect(vars).To(Equal(map[string]interface{}{"CC": "cc -pthread", "CXX": "c++ -pthread"}))
	})

	it("rewrites the JSON copy of the variables (3.14) and the pkg-config files", func() {
		Expect(writeFile(root, "lib/python3.14/_sysconfig_vars__linux_x86_64-linux-gnu.json",
			"{\n  \"CC\": \"clang -pthread\",\n  \"Py_ENABLE_SHARED\": 1,\n  \"prefix\": \"/install\"\n}\n")).To(Succeed())
		Expect(writeFile(root, "lib/pkgconfig/python-3.14.pc", "prefix=/install\nexec_prefix=${prefix}\nlibdir=${exec_prefix}/lib\n")).To(Succeed())
		changed, err := cpython.RewriteSysconfig(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(changed).To(Equal(3))

		content, err := os.ReadFile(filepath.Join(root, "lib/python3.14/_sysconfig_vars__linux_x86_64-linux-gnu.json"))
		Expect(err).NotTo(HaveOccurred())
		var vars map[string]interface{}
		Expect(json.Unmarshal(content, &vars)).To(Succeed())
		Expect(vars).To(Equal(map[string]interface{}{"CC": "cc -pthread", "Py_ENABLE_SHARED": 1.0, "prefix": root}))

		pc, err := os.ReadFile(filepath.Join(root, "lib/pkgconfig/python-3.14.pc"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(pc)).To(Equal("prefix=${pcfiledir}/../..\nexec_prefix=${prefix}\nlibdir=${exec_prefix}/lib\n"))
	})

	it("does nothing to an installation without sysconfig data", func() {
		Expect(writeFile(root, "bin/python3", "")).To(Succeed())
		changed, err := cpython.RewriteSysconfig(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(changed).To(BeZero())
	})

	context("failure cases", func() {
		it("names the file it cannot read, and leaves it as it was", func() {
			bad := "build_time_vars = {\n    \"CC\": \"clang -pthread,\n}\n"
			Expect(writeFile(filepath.Dir(module), filepath.Base(module), bad)).To(Succeed())
			_, err := cpython.RewriteSysconfig(root)
			Expect(err).To(MatchError(ContainSubstring(module)))
			Expect(err).To(MatchError(ContainSubstring("line 2: unterminated string")))
			content, err := os.ReadFile(module)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(content)).To(Equal(bad))
		})

		it("refuses a value that is neither a string nor a number", func() {
			Expect(writeFile(filepath.Dir(module), filepath.Base(module), "build_time_vars = {\"CC\": None}\n")).To(Succeed())
			_, err := cpython.RewriteSysconfig(root)
			Expect(err).To(MatchError(ContainSubstring("line 1: unexpected value")))
		})
	})
}
