package integration_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

const pipID = "python-cnb/pip"

func testPip(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("installs a Flask app's requirements into a venv layer, reuses it untouched, and rebuilds it clean when a requirement goes", func() {
		image := imageName(t)
		source := app(t, "flask", map[string]string{"requirements.txt": "flask==3.1.*\nsix\n"})

		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Creating the virtual environment (rebuilding layer: no cached layer)"))
		Expect(logs).To(ContainSubstring("Running 'pip install --cache-dir /layers/python-cnb_pip/pip-cache --prefer-binary --no-compile --requirement requirements.txt'"))
		Expect(logs).To(ContainSubstring("Successfully installed"))
		f := facts(t, serve(t, image))
		Expect(f["flask_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/lib/python"))
		Expect(f["virtual_env"]).To(Equal("/layers/python-cnb_pip/venv"))
		Expect(f["uid"]).To(BeEquivalentTo(1000))
		Expect(dockerRun(image, "python", "-c", "import six; print(six.__file__)")).To(ContainSubstring("/layers/python-cnb_pip/venv/"))
		// the image carries no installer and no Tk toolkit
		out, err := dockerRun(image, "/layers/python-cnb_cpython/cpython/bin/python3", "-m", "pip", "--version")
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("No module named pip"))
		out, err = dockerRun(image, "/layers/python-cnb_cpython/cpython/bin/python3", "-c", "import tkinter")
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("No module named"))
		first := layerSHA(t, image, pipID, "venv")

		// nothing needs Python or the environment at build: both layers are
		// kept for launch only, and the lifecycle restores neither
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Reusing layer /layers/python-cnb_cpython/cpython for launch only"))
		Expect(logs).To(ContainSubstring("Reusing layer /layers/python-cnb_pip/venv for launch only"))
		Expect(logs).To(ContainSubstring("pip did not run"))
		Expect(logs).NotTo(ContainSubstring("Running 'pip"))
		Expect(logs).NotTo(ContainSubstring(`Restoring data for "python-cnb/`))
		Expect(layerSHA(t, image, pipID, "venv")).To(Equal(first))
		Expect(facts(t, serve(t, image))["flask_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/lib/python"))

		writeFile(source+"/requirements.txt", "flask==3.1.*\n")
		logs = mustBuild(t, image, source, suite.buildpack)
		// CPython is unchanged: the image keeps its layer, and the build
		// gets a copy of its own, at which the new environment is pointed
		Expect(logs).To(ContainSubstring("Reusing layer /layers/python-cnb_cpython/cpython for launch only"))
		Expect(logs).To(ContainSubstring("Python is needed at build: what a later buildpack builds with it changed"))
		Expect(logs).To(MatchRegexp(`Installing CPython [0-9.]+ for this build only \(the image keeps the layer it has\)`))
		Expect(logs).To(ContainSubstring("Creating the virtual environment (rebuilding layer: requirements.txt changed)"))
		Expect(logs).To(ContainSubstring("Pointed the environment at the image's CPython (/layers/python-cnb_cpython/cpython); this build ran a copy of it"))
		Expect(dockerRun(image, "readlink", "/layers/python-cnb_pip/venv/bin/python")).To(MatchRegexp(`^/layers/python-cnb_cpython/cpython/bin/python3?\n$`))
		out, err = dockerRun(image, "python", "-c", "import six")
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("No module named 'six'"))
		Expect(facts(t, serve(t, image))["flask_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/"))
	})

	it("installs a Django app's requirements", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{"requirements.txt": "django==5.2.*\n"})
		mustBuild(t, image, source, suite.buildpack)
		Expect(dockerRun(image, "django-admin", "--version")).To(HavePrefix("5.2."))
	})

	it("honours CUSTOM_REQUIREMENTSTXT_PATH and links VIRTUALENV_NAME to the environment", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{"reqs/prod.txt": "-r base.txt\n", "reqs/base.txt": "six\n"})
		logs := mustBuild(t, image, source, suite.buildpack,
			"--env", "CUSTOM_REQUIREMENTSTXT_PATH=reqs/prod.txt", "--env", "VIRTUALENV_NAME=antenv")
		Expect(logs).To(ContainSubstring("--requirement reqs/prod.txt"))
		Expect(logs).To(ContainSubstring("Linked antenv in the app to the virtual environment (VIRTUALENV_NAME)"))
		Expect(dockerRun(image, "readlink", "/workspace/antenv")).To(Equal("/layers/python-cnb_pip/venv\n"))
		Expect(dockerRun(image, "/workspace/antenv/bin/python", "-c", "import six; print('ok')")).To(Equal("ok\n"))
	})

	it("installs a setup.py project into the environment", func() {
		image := imageName(t)
		source := app(t, "setuppy", nil)
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Running 'pip install --cache-dir /layers/python-cnb_pip/pip-cache --prefer-binary --no-compile .'"))
		// building the project in place leaves nothing in the app
		Expect(logs).To(ContainSubstring("Removed what building the project left in the app: build, hello_setup.egg-info"))
		listing, err := dockerRun(image, "ls", "-a", "/workspace")
		Expect(err).NotTo(HaveOccurred())
		Expect(listing).NotTo(ContainSubstring("egg-info"))
		Expect(strings.Fields(listing)).NotTo(ContainElement("build"))
		// -I: not from the app dir, so that the app's own hello.py is not the one imported
		Expect(dockerRun(image, "python", "-I", "-c", "import hello, six; print(hello.greet(), hello.__file__)")).
			To(MatchRegexp(`hello from setup.py /layers/python-cnb_pip/venv/lib/python3\.\d+/site-packages/hello.py`))
	})

	it("installs a pyproject project and builds its wheel into dist/", func() {
		image := imageName(t)
		source := app(t, "pyproject", nil)
		logs := mustBuild(t, image, source, suite.buildpack, "--env", "BP_PIP_PACKAGE_WHEEL=true")
		Expect(logs).To(ContainSubstring("Building the project's wheel into dist/ (BP_PIP_PACKAGE_WHEEL)"))
		Expect(dockerRun(image, "python", "-c", "import hello_pyproject as h; print(h.greet())")).To(Equal("hello from pyproject.toml\n"))
		Expect(dockerRun(image, "ls", "/workspace/dist")).To(ContainSubstring("hello_pyproject-1.0-py3-none-any.whl"))
	})

	it("writes a compressed environment into the app and unpacks it at container start", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{"requirements.txt": "six\n"})
		logs := mustBuild(t, image, source, suite.buildpack, "--env", "COMPRESS_VIRTUALENV=tar-gz", "--env", "VIRTUALENV_NAME=antenv")
		Expect(logs).To(ContainSubstring("Compressing the virtual environment into antenv.tar.gz (tar-gz)"))
		Expect(dockerRun(image, "ls", "/workspace")).To(ContainSubstring("antenv.tar.gz"))
		// the environment is not a layer of the image: exec.d unpacks it at start
		Expect(dockerRun(image, "python", "-c", "import six, sys; print(six.__file__, sys.prefix)")).
			To(MatchRegexp(`^/layers/python-cnb_pip/venv/lib/python3\.\d+/site-packages/six.py /layers/python-cnb_pip/venv\n$`))
		Expect(facts(t, serve(t, image))["version"]).To(Equal(suite.versions[0]))
	})

	it("compresses into a zip with BP_PIP_COMPRESS_VIRTUALENV, and runs a pre-build script before pip", func() {
		image := imageName(t)
		source := app(t, "plain", map[string]string{
			"requirements.txt": "six\n",
			"scripts/pre.sh":   "#!/bin/sh\necho from-pre-script > pre.txt\n",
		})
		logs := mustBuild(t, image, source, suite.buildpack,
			"--env", "BP_PIP_COMPRESS_VIRTUALENV=zip", "--env", "PRE_BUILD_SCRIPT_PATH=scripts/pre.sh")
		Expect(logs).To(ContainSubstring("Running pre-build script 'scripts/pre.sh' (PRE_BUILD_SCRIPT_PATH)"))
		Expect(logs).To(ContainSubstring("Compressing the virtual environment into venv.zip (zip)"))
		Expect(dockerRun(image, "cat", "/workspace/pre.txt")).To(Equal("from-pre-script\n"))
		Expect(dockerRun(image, "python", "-c", "import six; print(six.__file__)")).To(HavePrefix("/layers/python-cnb_pip/venv/"))
	})

	it("keeps index credentials out of the log and the image", func() {
		// An extra index that knows nothing: pip asks it, gets 404s, and uses PyPI.
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		var asked atomic.Int32
		server := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			asked.Add(1)
			http.NotFound(w, r)
		})}
		go server.Serve(listener)
		defer server.Close()

		secret := "s3cr3t-t0ken-4417"
		image := imageName(t)
		source := app(t, "plain", map[string]string{"requirements.txt": "six\n"})
		logs := mustBuild(t, image, source, suite.buildpack,
			"--env", fmt.Sprintf("PIP_EXTRA_INDEX_URL=http://builder:%s@%s/simple/", secret, listener.Addr()))
		Expect(asked.Load()).To(BeNumerically(">", 0))
		Expect(logs).To(ContainSubstring("Successfully installed six"))
		Expect(logs).NotTo(ContainSubstring(secret))

		saved := exec.Command("docker", "save", image)
		var exported bytes.Buffer
		stdout, err := saved.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		Expect(saved.Start()).To(Succeed())
		_, err = io.Copy(&exported, stdout)
		Expect(err).NotTo(HaveOccurred())
		Expect(saved.Wait()).To(Succeed())
		Expect(exported.Len()).To(BeNumerically(">", 1<<20))
		Expect(bytes.Contains(exported.Bytes(), []byte(secret))).To(BeFalse(), "the password is in the exported image")
	})

	context("failure cases", func() {
		it("shows pip's own error for a requirement the index does not have, and the fixed build starts clean", func() {
			image := imageName(t)
			source := app(t, "plain", map[string]string{"requirements.txt": "six\nno-such-package-python-cnb-test==1.0\n"})
			logs, err := build(t, image, source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("pip could not install the requirements in requirements.txt"))
			Expect(logs).To(ContainSubstring("ERROR: No matching distribution found for no-such-package-python-cnb-test==1.0"))
			// once as pip printed it, once in the summary that ends the build
			Expect(strings.Count(logs, "ERROR: No matching distribution found for no-such-package-python-cnb-test==1.0")).To(Equal(2))

			writeFile(source+"/requirements.txt", "six\n")
			logs = mustBuild(t, image, source, suite.buildpack)
			Expect(logs).To(ContainSubstring("Creating the virtual environment (rebuilding layer: no cached layer)"))
			Expect(dockerRun(image, "python", "-c", "import six; print('ok')")).To(Equal("ok\n"))
		})

		it("names the file and line of a malformed requirement", func() {
			source := app(t, "plain", map[string]string{"requirements.txt": "six\nflask = = 2\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring(`requirements.txt line 2 is not a valid requirement: "flask = = 2"`))
		})

		it("refuses an unknown compress_virtualenv format and lists the known ones", func() {
			source := app(t, "plain", map[string]string{"requirements.txt": "six\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "COMPRESS_VIRTUALENV=rar")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring(`COMPRESS_VIRTUALENV="rar" is not a known archive format`))
			Expect(logs).To(ContainSubstring("set COMPRESS_VIRTUALENV to tar-gz or zip, or unset it"))
		})

		it("names an include cycle", func() {
			source := app(t, "plain", map[string]string{"requirements.txt": "-r base.txt\n", "base.txt": "-r requirements.txt\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("The requirements files include each other in a cycle: requirements.txt -> base.txt -> requirements.txt"))
		})

		it("names a CUSTOM_REQUIREMENTSTXT_PATH that does not exist", func() {
			source := app(t, "plain", nil)
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "CUSTOM_REQUIREMENTSTXT_PATH=reqs/missing.txt")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("CUSTOM_REQUIREMENTSTXT_PATH=reqs/missing.txt names a requirements file that does not exist in the app"))
		})

		it("says when the index cannot be reached", func() {
			source := app(t, "plain", map[string]string{"requirements.txt": "six\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack,
				"--env", "PIP_INDEX_URL=http://127.0.0.1:1/simple/", "--env", "PIP_RETRIES=0")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("pip could not install the requirements in requirements.txt"))
			Expect(logs).To(ContainSubstring("ERROR: No matching distribution found for six"))
			Expect(logs).To(ContainSubstring("an index the build cannot reach (PIP_INDEX_URL)"))
		})

		it("shows the error of a setup.py that fails", func() {
			source := app(t, "setuppy", map[string]string{"setup.py": "raise SystemExit('setup.py is broken on purpose')\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("pip could not install the app itself (pip install .)"))
			Expect(logs).To(ContainSubstring("setup.py is broken on purpose"))
		})
	})
}
