package cpython_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/sclevine/spec"
)

func testTrim(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("removes the test suite, IDLE, the turtle demos, the Tk toolkit and the static libpython, and nothing else", func() {
		root := t.TempDir()
		for name, content := range map[string]string{
			"lib/python3.12/test/test_os.py":                                          "12345",
			"lib/python3.12/idlelib/run.py":                                           "123",
			"lib/python3.12/turtledemo/clock.py":                                      "1",
			"lib/python3.12/config-3.12-x86_64-linux-gnu/libpython3.12.a":             "1234567890",
			"lib/python3.12/config-3.12-x86_64-linux-gnu/Makefile":                    "keep",
			"lib/python3.12/json/__init__.py":                                         "keep",
			"lib/python3.12/tkinter/__init__.py":                                      "12",
			"lib/python3.12/lib-dynload/_tkinter.cpython-312-x86_64-linux-gnu.so":     "1",
			"lib/python3.12/lib-dynload/_testcapi.cpython-312-x86_64-linux-gnu.so":    "1",
			"lib/python3.12/lib-dynload/_ctypes_test.cpython-312-x86_64-linux-gnu.so": "1",
			"lib/python3.12/lib-dynload/_ctypes.cpython-312-x86_64-linux-gnu.so":      "keep",
			"lib/python3.12/lib-dynload/xxlimited_35.cpython-312-x86_64-linux-gnu.so": "1",
			"lib/libtcl9.0.so":                                  "1",
			"lib/libtcl9tk9.0.so":                               "1",
			"lib/tcl8.6/init.tcl":                               "1",
			"lib/tk8.6/tk.tcl":                                  "1",
			"lib/itcl4.3.5/itcl.tcl":                            "1",
			"lib/thread3.0.4/thread.tcl":                        "1",
			"lib/python3.12/site-packages/pkg/test/__init__.py": "keep",
			"lib/libpython3.12.so.1.0":                          "keep",
		} {
			Expect(writeFile(root, name, content)).To(Succeed())
		}
		removed, err := cpython.Trim(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(Equal(int64(31)))
		for _, gone := range []string{"lib/python3.12/test", "lib/python3.12/idlelib", "lib/python3.12/turtledemo",
			"lib/python3.12/config-3.12-x86_64-linux-gnu/libpython3.12.a", "lib/python3.12/tkinter",
			"lib/python3.12/lib-dynload/_tkinter.cpython-312-x86_64-linux-gnu.so", "lib/python3.12/lib-dynload/_testcapi.cpython-312-x86_64-linux-gnu.so",
			"lib/python3.12/lib-dynload/_ctypes_test.cpython-312-x86_64-linux-gnu.so", "lib/python3.12/lib-dynload/xxlimited_35.cpython-312-x86_64-linux-gnu.so",
			"lib/libtcl9.0.so", "lib/libtcl9tk9.0.so", "lib/tcl8.6", "lib/tk8.6", "lib/itcl4.3.5", "lib/thread3.0.4"} {
			Expect(filepath.Join(root, gone)).NotTo(BeAnExistingFile())
		}
		for _, kept := range []string{"lib/python3.12/config-3.12-x86_64-linux-gnu/Makefile", "lib/python3.12/json/__init__.py",
			"lib/python3.12/lib-dynload/_ctypes.cpython-312-x86_64-linux-gnu.so",
			"lib/python3.12/site-packages/pkg/test/__init__.py", "lib/libpython3.12.so.1.0"} {
			Expect(filepath.Join(root, kept)).To(BeARegularFile())
		}
	})

	it("does nothing to an installation without those parts", func() {
		root := t.TempDir()
		Expect(writeFile(root, "bin/python3", "")).To(Succeed())
		removed, err := cpython.Trim(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(BeZero())
		_, err = os.Stat(filepath.Join(root, "bin", "python3"))
		Expect(err).NotTo(HaveOccurred())
	})
}
