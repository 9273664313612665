package integration_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

const cpythonID = "python-cnb/cpython"

func testCPython(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("builds a plain app with the newest CPython, serves it as the CNB user, and reuses the layer on rebuild", func() {
		image := imageName(t)
		source := app(t, "plain", nil)

		logs := mustBuild(t, image, source, suite.buildpack)
		newest := suite.versions[0]
		Expect(logs).To(ContainSubstring("Selected CPython " + newest + " (default (newest supported)"))
		Expect(logs).To(ContainSubstring("Installing CPython " + newest + " (rebuilding layer: no cached layer)"))
		Expect(logs).To(MatchRegexp(`Completed in \d`))
		Expect(logs).To(ContainSubstring("web (default): python app.py"))

		f := facts(t, serve(t, image))
		Expect(f["version"]).To(Equal(newest))
		Expect(f["uid"]).To(BeEquivalentTo(1000))
		Expect(f["unbuffered"]).To(Equal("1"))
		Expect(f["executable"]).To(HavePrefix("/layers/python-cnb_cpython/cpython/bin/python"))
		first := layerSHA(t, image, cpythonID, "cpython")
		Expect(first).To(HavePrefix("sha256:"))

		// the standard library's bytecode is unchecked-hash: valid although
		// the lifecycle reset every file's modification time
		out, err := dockerRun(image, "python", "-c", "import json; print(open(json.__cached__, 'rb').read(8)[4])")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("1\n"))

		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Reusing layer /layers/python-cnb_cpython/cpython for launch only"))
		Expect(logs).NotTo(ContainSubstring("Installing CPython"))
		Expect(logs).NotTo(ContainSubstring(`Restoring data for "python-cnb/`))
		Expect(layerSHA(t, image, cpythonID, "cpython")).To(Equal(first))
		Expect(facts(t, serve(t, image))["version"]).To(Equal(newest))

		// a WSGI app now: gunicorn must be installed, so CPython is needed at
		// build again, although the last build kept it for launch only
		content, err := os.ReadFile(filepath.Join(suite.root, "integration", "testdata", "wsgiapp", "application.py"))
		Expect(err).NotTo(HaveOccurred())
		writeFile(filepath.Join(source, "application.py"), string(content))
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Python is needed at build: what a later buildpack builds with it changed"))
		Expect(logs).To(MatchRegexp(`Installing CPython [0-9.]+ for this build only \(the image keeps the layer it has\)`))
		Expect(logs).To(ContainSubstring("Installing gunicorn==27.0.1"))
		Expect(get(t, serve(t, image))).To(ContainSubstring("hello from application.py"))

		// nothing compiled into the app dir at build time
		out, err = dockerRun(image, "find", "/workspace", "-name", "__pycache__")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(BeEmpty())
	})

	it("takes the version from runtime.txt, over .python-version, and says which won", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{
			"runtime.txt":     " python-3.11\n",
			".python-version": "3.13\n",
		})
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring(`Selected CPython 3.11.11 (from runtime.txt: "3.11")`))
		Expect(logs).To(ContainSubstring(`Warning: .python-version asks for "3.13", but runtime.txt takes precedence`))
		Expect(facts(t, serve(t, image))["version"]).To(Equal("3.11.11"))
	})

	it("takes the version from Oryx's PYTHON_VERSION over runtime.txt", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{"runtime.txt": "python-3.11.11"})
		logs := mustBuild(t, image, source, suite.buildpack, "--env", "PYTHON_VERSION=3.10")
		Expect(logs).To(ContainSubstring(`Selected CPython 3.10.16 (from PYTHON_VERSION: "3.10")`))
		Expect(logs).To(ContainSubstring(`Warning: runtime.txt asks for "3.11.11", but PYTHON_VERSION takes precedence`))
		Expect(dockerRun(image, "python", "--version")).To(ContainSubstring("Python 3.10.16"))
	})

	it("takes the version from .python-version", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{".python-version": "# pinned\n3.13\n"})
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring(`Selected CPython 3.13.1 (from .python-version: "3.13")`))
	})

	it("takes the version from requires-python in pyproject.toml", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{
			"pyproject.toml": "[project]\nname = \"facts\"\nversion = \"1.0\"\nrequires-python = \">=3.10,<3.12\"\n",
		})
		logs := mustBuild(t, image, source, suite.buildpack, "--env", "BP_CPYTHON_VERSION=")
		Expect(logs).To(ContainSubstring(`Selected CPython 3.11.11 (from pyproject.toml requires-python: ">=3.10,<3.12")`))
	})

	it("builds offline from the CPython vendored in the buildpack", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{"runtime.txt": "python-3.13"})
		logs := mustBuild(t, image, source, suite.offline)
		Expect(logs).To(ContainSubstring("Used the copy vendored in this buildpack"))
		Expect(facts(t, serve(t, image))["version"]).To(Equal("3.13.1"))
	})

	context("failure cases", func() {
		it("refuses a version it does not provide and lists the ones it does", func() {
			source := app(t, "plain", map[string]string{"runtime.txt": "python-3.8\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("runtime.txt asks for Python 3.8, which this buildpack does not provide"))
			Expect(logs).To(ContainSubstring("Supported versions: " + suite.versions[0] + ", "))
			Expect(logs).To(ContainSubstring("To fix: write a supported version in runtime.txt, for example python-3.14"))
		})

		it("finds no Python app when the only *.py file is below the root and DISABLE_RECURSIVE_LOOKUP=true", func() {
			source := t.TempDir()
			writeFile(filepath.Join(source, "src", "server.py"), "print('hi')\n")
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "DISABLE_RECURSIVE_LOOKUP=true")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("No buildpack groups passed detection"))

			// the same app is a Python app when the lookup is recursive
			logs = mustBuild(t, imageName(t), source, suite.buildpack)
			Expect(logs).To(ContainSubstring("Python CNB: CPython"))
		})

		it("refuses a malformed runtime.txt and shows the expected form", func() {
			source := app(t, "plain", map[string]string{"runtime.txt": "python 3.11\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("runtime.txt is malformed: it must hold one line such as python-3.13"))
			Expect(logs).To(ContainSubstring(`runtime.txt contains: "python 3.11"`))
		})

		it("fails on a truncated file from the mirror, and the next build installs afresh", func() {
			mirror := t.TempDir()
			name := filepath.Base(fixtureName("3.11.11"))
			full, err := os.ReadFile(filepath.Join(suite.files, name))
			Expect(err).NotTo(HaveOccurred())
			Expect(os.WriteFile(filepath.Join(mirror, name), full[:len(full)/2], 0o644)).To(Succeed())
			Expect(os.Chmod(mirror, 0o755)).To(Succeed())

			image := imageName(t)
			source := app(t, "plain", map[string]string{"runtime.txt": "python-3.11"})
			logs, err := build(t, image, source, suite.buildpack,
				"--volume", mirror+":/mirror:ro", "--env", "BP_DEPENDENCY_MIRROR=file:///mirror")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("The CPython 3.11.11 archive from " + suite.serverURL + "/" + name + " (through the mirror in BP_DEPENDENCY_MIRROR) does not match its checksum"))
			Expect(logs).To(ContainSubstring("To fix: if you use a dependency mirror, replace its copy"))

			logs = mustBuild(t, image, source, suite.buildpack)
			Expect(logs).To(ContainSubstring("Installing CPython 3.11.11 (rebuilding layer: no cached layer)"))
			Expect(facts(t, serve(t, image))["version"]).To(Equal("3.11.11"))
		})

		it("fails with the URI and a remedy when the download site is unreachable", func() {
			source := app(t, "plain", nil)
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "BP_CPYTHON_VERSION="+suite.unreachable)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("Could not download CPython " + suite.unreachable))
			Expect(logs).To(ContainSubstring("downloading http://127.0.0.1:1/cpython-3.12.0.tar.gz"))
			Expect(logs).To(ContainSubstring("connection refused"))
			Expect(logs).To(ContainSubstring("point BP_DEPENDENCY_MIRROR at a mirror that has it"))
		})
	})
}
