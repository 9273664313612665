package integration_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

// utf16File is content as Windows PowerShell's `>` writes it: UTF-16LE
// with a byte order mark and CRLF line ends.
func utf16File(content string) string {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(strings.ReplaceAll(content, "\n", "\r\n"))) {
		out = append(out, byte(u), byte(u>>8))
	}
	return string(out)
}

// shadowing are app files named like standard modules that leave a marker
// in the app directory when something imports them.
func shadowing() map[string]string {
	files := map[string]string{}
	for _, name := range []string{"logging", "queue", "typing", "site"} {
		files[name+".py"] = "open('imported-" + name + "', 'w').close()\n"
	}
	return files
}

func testCorrectness(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("rebuilds when a local package or a file a pip setting names changes, saying which", func() {
		image := imageName(t)
		source := app(t, "managed", map[string]string{
			"requirements.txt": "./libs/greet\nsix\n",
			"constraints.txt":  "six==1.16.0\n",
		})
		greetPackage(t, source, "hello from greet 1")
		env := []string{"--env", "PIP_CONSTRAINT=constraints.txt"}
		mustBuild(t, image, source, suite.buildpack, env...)
		m := managedFacts(t, image)
		Expect(*m.Greet).To(Equal("hello from greet 1"))
		Expect(m.Packages).To(ContainElement("six==1.16.0"))

		greetPackage(t, source, "hello from greet 2")
		logs := mustBuild(t, image, source, suite.buildpack, env...)
		Expect(logs).To(ContainSubstring("Creating the virtual environment (rebuilding layer: the files in libs/greet changed)"))
		Expect(*managedFacts(t, image).Greet).To(Equal("hello from greet 2"))

		Expect(writeFile(filepath.Join(source, "constraints.txt"), "six==1.17.0\n")).To(Succeed())
		logs = mustBuild(t, image, source, suite.buildpack, env...)
		Expect(logs).To(ContainSubstring("Creating the virtual environment (rebuilding layer: constraints.txt changed)"))
		Expect(managedFacts(t, image).Packages).To(ContainElement("six==1.17.0"))
	})

	it("runs none of the app's files named like standard modules, reads files with byte order marks, and warns about a version file it cannot read", func() {
		image := imageName(t)
		files := shadowing()
		files["requirements.txt"] = utf16File("six\n")
		files["runtime.txt"] = "\ufeffpython-3.13\n"
		files[".python-version"] = "my-project-env\n"
		source := app(t, "managed", files)
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring(`Warning: .python-version is ignored, as runtime.txt takes precedence: .python-version asks for "my-project-env", which is not a CPython version`))
		Expect(logs).To(ContainSubstring("Selected CPython 3.13.1 (from runtime.txt"))
		Expect(logs).NotTo(ContainSubstring("did not compile"))

		listing, err := dockerRun(image, "ls", "-a", "/workspace")
		Expect(err).NotTo(HaveOccurred())
		Expect(listing).NotTo(ContainSubstring("imported-"))
		Expect(listing).NotTo(ContainSubstring("__pycache__"))
		// the environment's and the standard library's bytecode are complete
		out, err := dockerRun(image, "python", "-I", "-c",
			"import importlib.util, pathlib, six, json; f = lambda p: pathlib.Path(importlib.util.cache_from_source(p)).read_bytes()[4]; print(f(six.__file__), f(json.__file__))")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("1 1\n")) // unchecked-hash
	})

	it("checks every setting before any work, refusing a path outside the app without reading it", func() {
		source := app(t, "managed", map[string]string{"requirements.txt": "six\n", "manage.py": ""})
		secret := "s3cr3t-t0k3n-9921"
		logs, err := build(t, imageName(t), source, suite.buildpack,
			"--env", "API_TOKEN="+secret,
			"--env", "CUSTOM_REQUIREMENTSTXT_PATH=../platform/env/API_TOKEN",
			"--env", "DISABLE_COLLECTSTATIC=yes")
		Expect(err).To(HaveOccurred())
		Expect(logs).To(ContainSubstring("2 settings cannot be used"))
		Expect(logs).To(ContainSubstring("CUSTOM_REQUIREMENTSTXT_PATH=../platform/env/API_TOKEN points outside the app"))
		Expect(logs).To(ContainSubstring(`DISABLE_COLLECTSTATIC="yes" is not a boolean`))
		Expect(logs).NotTo(ContainSubstring(secret))
		Expect(logs).NotTo(ContainSubstring("Resolving CPython version"))
		Expect(logs).NotTo(ContainSubstring("Running 'pip"))
	})

	it("removes exactly the images and cache volumes a script made (scripts/lib.sh's remove_images_and_caches)", func() {
		stamp := fmt.Sprint(time.Now().UnixNano())
		// pack spells the words Windows reserves apart: "con" in console as "c_o_n"
		ours := []string{
			"pack-cache-python-cnb-test_cleanup-" + stamp + "_latest-0123abcd.build",
			"pack-cache-python-cnb-test_c_o_nsole-" + stamp + "_latest-0123abcd.launch",
		}
		others := []string{
			"pack-cache-localhost_5000_other-" + stamp + "_latest-0123abcd.build",
			"pack-cache-python-cnb-test_cleanup-" + stamp + "-other_latest-0123abcd.build",
		}
		for _, volume := range append(others, ours...) {
			Expect(exec.Command("docker", "volume", "create", volume).Run()).To(Succeed())
		}
		defer exec.Command("docker", append([]string{"volume", "rm", "-f"}, others...)...).Run()
		_, err := libsh("remove_images_and_caches python-cnb-test/cleanup-" + stamp + " python-cnb-test/console-" + stamp)
		Expect(err).NotTo(HaveOccurred())
		out, err := exec.Command("docker", "volume", "ls", "-q", "--filter", "name="+stamp).Output()
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Fields(string(out))).To(ConsistOf(others))
	})

	it("names a file of the project the build cannot read, and how to fix it", func() {
		source := app(t, "setuppy", nil)
		secret := filepath.Join(source, "notes.txt")
		Expect(os.WriteFile(secret, []byte("private\n"), 0o000)).To(Succeed())
		logs, err := build(t, imageName(t), source, suite.buildpack)
		Expect(err).To(HaveOccurred())
		Expect(logs).To(ContainSubstring("The build cannot read /workspace/notes.txt: permission denied"))
		Expect(logs).To(ContainSubstring("chmod a+r notes.txt"))
	})
}
