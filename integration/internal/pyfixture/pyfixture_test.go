package pyfixture

import (
	"archive/tar"
	"compress/gzip"
	"debug/elf"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/paketo-buildpacks/packit/v2/vacation"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"

	. "github.com/onsi/gomega"
)

// cacheDir is shared by every test run so that repeated runs reuse the
// tarballs: $PYFIXTURE_CACHE, else <tmp>/pyfixture-cache.
func cacheDir() string {
	if dir := os.Getenv("PYFIXTURE_CACHE"); dir != "" {
		return dir
	}
	return filepath.Join(os.TempDir(), "pyfixture-cache")
}

func TestPyfixture(t *testing.T) {
	spec.Run(t, "pyfixture", testPyfixture, spec.Report(report.Terminal{}))
}

func testPyfixture(t *testing.T, context spec.G, it spec.S) {
	var Expect = NewWithT(t).Expect

	for _, version := range testVersions() {
		version := version
		minor := MinorOf(version)
		context("CPython "+version, func() {
			testVersion(t, context, it, version, minor)
		})
	}

	it("assembles the arm64 build, named for aarch64, with an aarch64 interpreter and without the host's headers", func() {
		tarball, _, err := TarballFor(cacheDir(), "3.14.6", "arm64")
		Expect(err).NotTo(HaveOccurred())
		Expect(filepath.Base(tarball)).To(MatchRegexp(`^cpython-3\.14\.6\+\d{8}-aarch64-unknown-linux-gnu-install_only\.tar\.gz$`))
		var machine elf.Machine
		eachEntry(t, tarball, func(h *tar.Header, content io.Reader) {
			Expect(h.Name).NotTo(HavePrefix("python/include/"))
			if h.Name == "python/bin/python3.14" {
				header := make([]byte, 20)
				_, err := io.ReadFull(content, header)
				Expect(err).NotTo(HaveOccurred())
				machine = elf.Machine(binary.LittleEndian.Uint16(header[18:]))
			}
		})
		Expect(machine).To(Equal(elf.EM_AARCH64))
	})

	context("failure cases", func() {
		it("names an architecture the module carries no build for", func() {
			_, _, err := TarballFor(t.TempDir(), "3.14.6", "riscv64")
			Expect(err).To(MatchError(ContainSubstring(`no CPython build for "riscv64"; the module carries amd64 and arm64`)))
		})

		it("names an unknown version and lists the known ones", func() {
			_, _, err := Tarball(t.TempDir(), "3.12.4")
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(`"3.12.4"`))
			for v := range Versions {
				Expect(err.Error()).To(ContainSubstring(v))
			}
		})
	})
}

// testVersions is 3.11.11, or every known version when
// PYFIXTURE_ALL_VERSIONS is set.
// eachEntry calls visit with each entry of the gzipped tarball and its
// content, failing the test on a read error.
func eachEntry(t *testing.T, tarball string, visit func(*tar.Header, io.Reader)) {
	Expect := NewWithT(t).Expect
	f, err := os.Open(tarball)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	zr, err := gzip.NewReader(f)
	Expect(err).NotTo(HaveOccurred())
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		Expect(err).NotTo(HaveOccurred())
		visit(h, tr)
	}
}

func testVersions() []string {
	if os.Getenv("PYFIXTURE_ALL_VERSIONS") != "" {
		return KnownVersions()
	}
	return []string{"3.11.11"}
}

func testVersion(t *testing.T, context spec.G, it spec.S, version, minor string) {
	var Expect = NewWithT(t).Expect

	var (
		tarball string
		sum     string
		dir     string
	)

	it.Before(func() {
		var err error
		tarball, sum, err = Tarball(cacheDir(), version)
		Expect(err).NotTo(HaveOccurred())
		dir = t.TempDir()
	})

	it("is named and checksummed like an upstream install_only asset", func() {
		Expect(filepath.Base(tarball)).To(MatchRegexp(`^cpython-` + regexp.QuoteMeta(version) + `\+\d{8}-x86_64-unknown-linux-gnu-install_only\.tar\.gz$`))
		Expect(sum).To(MatchRegexp(`^[0-9a-f]{64}$`))
		got, err := fileSHA256(tarball)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(sum))

		path2, sum2, err := Tarball(cacheDir(), version)
		Expect(err).NotTo(HaveOccurred())
		Expect(path2).To(Equal(tarball))
		Expect(sum2).To(Equal(sum))
	})

	it("builds byte-identical tarballs when not cached", func() {
		fresh := t.TempDir()
		path1, sum1, err := Tarball(fresh, version)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.Remove(path1)).To(Succeed())
		_, sum2, err := Tarball(fresh, version)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum2).To(Equal(sum1))
		Expect(sum1).To(Equal(sum))

		leftovers, err := filepath.Glob(filepath.Join(fresh, "*", ".*tmp-*"))
		Expect(err).NotTo(HaveOccurred())
		Expect(leftovers).To(BeEmpty())
	})

	it("has a single top-level python/ directory with the expected layout", func() {
		entries := map[string]*tar.Header{}
		eachEntry(t, tarball, func(hdr *tar.Header, _ io.Reader) {
			Expect(hdr.Name == "python/" || strings.HasPrefix(hdr.Name, "python/")).To(BeTrue(), hdr.Name)
			entries[hdr.Name] = hdr
		})
		Expect(entries).To(HaveKey("python/"))
		Expect(entries).To(HaveKey("python/bin/python3"))
		Expect(entries["python/bin/python3"].Typeflag).To(Equal(byte(tar.TypeSymlink)))
		Expect(entries["python/bin/python3"].Linkname).To(Equal("python" + minor))
		Expect(entries).To(HaveKey("python/bin/python" + minor))
		Expect(entries["python/bin/python"+minor].Mode & 0o111).NotTo(BeZero())
		Expect(entries).To(HaveKey("python/lib/libpython" + minor + ".so.1.0"))
		Expect(entries).To(HaveKey("python/lib/python" + minor + "/os.py"))
		Expect(entries).To(HaveKey("python/lib/python" + minor + "/site-packages/"))
		Expect(entries).To(HaveKey("python/lib/python" + minor + "/site-packages/pip/__init__.py"))
		for name := range entries {
			Expect(name).NotTo(HaveSuffix(".gz"))
		}
		if _, ok := HeaderPackages[minor]; ok {
			Expect(entries).To(HaveKey("python/include/python" + minor + "/Python.h"))
			Expect(entries).To(HaveKey("python/include/python" + minor + "/cpython/object.h"))
			Expect(entries).To(HaveKey("python/include/python" + minor + "/pyconfig.h"))
		} else {
			Expect(entries).NotTo(HaveKey("python/include/"))
		}
	})

	context("when extracted", func() {
		var python string

		it.Before(func() {
			f, err := os.Open(tarball)
			Expect(err).NotTo(HaveOccurred())
			defer f.Close()
			// The same extraction packit's postal uses for dependencies.
			Expect(vacation.NewArchive(f).Decompress(dir)).To(Succeed())
			python = filepath.Join(dir, "python", "bin", "python3")
		})

		run := func(name string, args ...string) string {
			cmd := exec.Command(name, args...)
			cmd.Env = cleanEnv()
			out, err := cmd.CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
			return string(out)
		}

		it("runs CPython with ssl, sqlite3 and json", func() {
			Expect(run(python, "-c", "import ssl, sqlite3, json; print('ok')")).To(Equal("ok\n"))
		})

		it("reports its own location as sys.prefix", func() {
			out := run(python, "-c", "import sys; print(sys.prefix); print(sys.version.split()[0])")
			Expect(out).To(Equal(filepath.Join(dir, "python") + "\n" + version + "\n"))
		})

		it("runs pip without PYTHONPATH", func() {
			out := run(python, "-m", "pip", "--version")
			Expect(out).To(MatchRegexp(`^pip \S+ from \S+/python/lib/python` + regexp.QuoteMeta(minor) + `/site-packages/pip \(python ` + regexp.QuoteMeta(minor) + `\)`))
			Expect(out).To(ContainSubstring(dir))
		})

		it("builds and loads a C extension against its headers, when it has them", func() {
			if _, ok := HeaderPackages[minor]; !ok {
				return
			}
			cc, err := exec.LookPath("cc")
			if err != nil {
				t.Skip("no C compiler on this machine")
			}
			include := filepath.Join(dir, "python", "include", "python"+minor)
			pyconfig, err := os.ReadFile(filepath.Join(include, "pyconfig.h"))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(pyconfig)).NotTo(ContainSubstring("#include <x86_64-linux-gnu/"), "the real pyconfig.h, not Debian's multiarch wrapper")

			ext := t.TempDir()
			Expect(os.WriteFile(filepath.Join(ext, "hello.c"), []byte(`#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *greet(PyObject *self, PyObject *args) { return PyUnicode_FromString("hello from C"); }
static PyMethodDef methods[] = {{"greet", greet, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "hello", NULL, -1, methods};
PyMODINIT_FUNC PyInit_hello(void) { return PyModule_Create(&module); }
`), 0o644)).To(Succeed())
			run(cc, "-shared", "-fPIC", "-I", include, "-o", filepath.Join(ext, "hello.so"), filepath.Join(ext, "hello.c"))
			Expect(run(python, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import hello; print(hello.greet())", ext)).To(Equal("hello from C\n"))
		})

		it("makes a venv with --without-pip", func() {
			venv := filepath.Join(t.TempDir(), "venv")
			run(python, "-m", "venv", "--without-pip", venv)
			out := run(filepath.Join(venv, "bin", "python"), "-c", "import sys; print(sys.prefix != sys.base_prefix)")
			Expect(out).To(Equal("True\n"))
		})
	})
}

// cleanEnv is the test's environment without variables that would let the
// extracted CPython find modules or libraries elsewhere.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "LD_LIBRARY_PATH", "VIRTUAL_ENV":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PYTHONNOUSERSITE=1", "PIP_DISABLE_PIP_VERSION_CHECK=1")
}
