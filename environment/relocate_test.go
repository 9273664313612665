package environment_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/sclevine/spec"
)

func testRelocate(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		venv   string
	)

	it.Before(func() {
		venv = t.TempDir()
		Expect(writeFile(venv, "pyvenv.cfg", "home = /build/python/bin\ninclude-system-site-packages = false\nversion = 3.14.6\n"+
			"executable = /build/python/bin/python3.14\ncommand = /build/python/bin/python3 -m venv --without-pip "+venv+"\n")).To(Succeed())
		Expect(os.MkdirAll(filepath.Join(venv, "bin"), 0o755)).To(Succeed())
		Expect(os.Symlink("/build/python/bin/python3", filepath.Join(venv, "bin", "python3"))).To(Succeed())
		Expect(os.Symlink("python3", filepath.Join(venv, "bin", "python"))).To(Succeed())
		Expect(writeFile(venv, "bin/gunicorn", "#!"+venv+"/bin/python\n")).To(Succeed())
	})

	it("points pyvenv.cfg and the python links at the CPython of the image", func() {
		changed, err := environment.Relocate(venv, "/layers/python-cnb_cpython/cpython")
		Expect(err).NotTo(HaveOccurred())
		Expect(changed).To(BeTrue())
		content, err := os.ReadFile(filepath.Join(venv, "pyvenv.cfg"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(content)).To(Equal("home = /layers/python-cnb_cpython/cpython/bin\ninclude-system-site-packages = false\nversion = 3.14.6\n" +
			"executable = /layers/python-cnb_cpython/cpython/bin/python3.14\ncommand = /layers/python-cnb_cpython/cpython/bin/python3 -m venv --without-pip " + venv + "\n"))
		Expect(os.Readlink(filepath.Join(venv, "bin", "python3"))).To(Equal("/layers/python-cnb_cpython/cpython/bin/python3"))
		Expect(os.Readlink(filepath.Join(venv, "bin", "python"))).To(Equal("python3"))
		Expect(os.ReadFile(filepath.Join(venv, "bin", "gunicorn"))).To(Equal([]byte("#!" + venv + "/bin/python\n")))
	})

	it("changes nothing when the environment was made with that CPython", func() {
		changed, err := environment.Relocate(venv, "/build/python")
		Expect(err).NotTo(HaveOccurred())
		Expect(changed).To(BeFalse())
	})

	it("fails on an environment without pyvenv.cfg or home", func() {
		_, err := environment.Relocate(t.TempDir(), "/x")
		Expect(err).To(MatchError(ContainSubstring("reading the environment's pyvenv.cfg")))
		Expect(writeFile(venv, "pyvenv.cfg", "version = 3.14.6\n")).To(Succeed())
		_, err = environment.Relocate(venv, "/x")
		Expect(err).To(MatchError("the environment's pyvenv.cfg names no home"))
	})
}
