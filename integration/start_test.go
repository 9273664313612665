package integration_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

// serversLayer is where the start command sub-buildpack installs the
// servers an app lacks.
const serversLayer = "/layers/python-cnb_gunicorn/servers/"

func testStart(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect     = NewWithT(t).Expect
		Eventually = NewWithT(t).Eventually
	)

	it("serves FastAPI in main.py with gunicorn and uvicorn-worker it installs, on a read-only root and as an arbitrary user, and fails a rebuild on a syntax error", func() {
		image := imageName(t)
		source := app(t, "fastapi", nil)
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Found main.py, defining the app object app (ASGI: made by FastAPI(…))"))
		Expect(logs).To(ContainSubstring("Compiling main.py, which the processes import first"))
		Expect(logs).To(ContainSubstring("Installing gunicorn==27.0.1, uvicorn==0.54.0, uvicorn-worker==0.4.0: the app's dependencies do not provide them"))
		Expect(logs).To(ContainSubstring("web (default): python -m gunicorn -k uvicorn_worker.UvicornWorker main:app"))

		port, id := start(t, image)
		f := facts(t, port)
		Expect(f["asgi"]).To(BeTrue())
		Expect(f["gunicorn"]).To(BeTrue())
		Expect(f["uid"]).To(BeEquivalentTo(1000))
		Expect(f["uvicorn_file"]).To(HavePrefix(serversLayer + "site-packages/uvicorn/"))
		Expect(logsOf(t, id)).To(ContainSubstring("Using worker: uvicorn_worker.UvicornWorker"))

		// multi-workers apply to the ASGI app as to WSGI: 2 × 1 CPU + 1
		port, id = start(t, image, "--cpus", "1", "-e", "PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true")
		get(t, port)
		Eventually(func() int { return strings.Count(logsOf(t, id), "Booting worker") }, 30*time.Second).Should(Equal(3))
		Eventually(func() int { return strings.Count(logsOf(t, id), "Application startup complete") }, 30*time.Second).Should(Equal(3))

		// platform constraints: a read-only root (with and without a tmpfs at
		// /tmp) and an OpenShift-style arbitrary uid in group 0
		for _, args := range [][]string{{"--read-only"}, {"--read-only", "--tmpfs", "/tmp"}, {"--user", "1234:0"}, {"--read-only", "--user", "1234:0"}} {
			port, id := start(t, image, args...)
			f := facts(t, port)
			Expect(f["asgi"]).To(BeTrue(), strings.Join(args, " "))
			container := logsOf(t, id)
			Expect(container).NotTo(ContainSubstring("Permission denied"), strings.Join(args, " "))
			Expect(container).NotTo(ContainSubstring("Control server error"), strings.Join(args, " "))
			Expect(container).NotTo(ContainSubstring("No usable temporary directory"), strings.Join(args, " "))
		}

		// nothing changed: no Python at build, the servers layer kept for launch only
		first := layerSHA(t, image, gunicornID, "servers")
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("nothing needs Python in this build"))
		Expect(logs).To(ContainSubstring("Reusing layer " + serversLayer[:len(serversLayer)-1] + " for launch only"))
		Expect(layerSHA(t, image, gunicornID, "servers")).To(Equal(first))

		// a syntax error in the module the web process imports fails the build
		Expect(writeFile(filepath.Join(source, "main.py"), "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get(\"/\")\ndef index()\n    return {}\n")).To(Succeed())
		logs, err := build(t, image, source, suite.buildpack)
		Expect(err).To(HaveOccurred())
		Expect(logs).To(ContainSubstring("main.py, line 6: SyntaxError: expected ':'"))
		Expect(logs).To(ContainSubstring("correct main.py: the app's process imports it when the container starts"))
	})

	it("serves FastAPI in app.py with the app's own uvicorn, older than uvicorn-worker 0.4.0 needs, and as WSGI with DISABLE_FASTAPI_DETECTION=true", func() {
		image := imageName(t)
		source := app(t, "fastapi", map[string]string{"requirements.txt": "fastapi\nuvicorn==0.30.6\n"})
		Expect(os.Rename(filepath.Join(source, "main.py"), filepath.Join(source, "app.py"))).To(Succeed())
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Found app.py, defining the app object app (ASGI: made by FastAPI(…))"))
		Expect(logs).To(ContainSubstring("Using uvicorn 0.30.6 from the app's dependencies"))
		Expect(logs).To(ContainSubstring("Installing uvicorn-worker==0.3.0 rather than 0.4.0, which needs newer versions of what the app's dependencies hold (gunicorn 21.0.0, uvicorn 0.36.0)"))
		Expect(logs).To(ContainSubstring("Installing gunicorn==27.0.1, uvicorn-worker==0.3.0: the app's dependencies do not provide them"))
		f := facts(t, serve(t, image))
		Expect(f["asgi"]).To(BeTrue())
		Expect(f["uvicorn_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/"))
		// pip resolved uvicorn-worker's dependencies against the app's packages and
		// left out those the app has, so that none shadows the app's own copy
		out, err := dockerRun(image, "ls", serversLayer+"site-packages")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(strings.Fields(out)).To(ContainElements("gunicorn", "uvicorn_worker"))
		for _, provided := range []string{"uvicorn", "click", "h11"} {
			Expect(strings.Fields(out)).NotTo(ContainElement(provided))
			Expect(strings.Fields(out)).NotTo(ContainElement(HavePrefix(provided + "-")))
		}

		// ASGI detection off, as Oryx before Python 3.14: the key changes, so
		// Python is there to rebuild the servers layer without uvicorn-worker
		logs = mustBuild(t, image, source, suite.buildpack, "--env", "DISABLE_FASTAPI_DETECTION=true")
		Expect(logs).To(ContainSubstring("ASGI detection is off (DISABLE_FASTAPI_DETECTION=true)"))
		Expect(logs).To(ContainSubstring("Found app.py, defining the app object app, which looks like an ASGI app (made by FastAPI(…))"))
		Expect(logs).To(ContainSubstring("Installing gunicorn==27.0.1: the app's dependencies do not provide them"))
		Expect(logs).To(ContainSubstring("web (default): python -m gunicorn app:app"))
		Expect(statusOf(t, serve(t, image), "/")).To(Equal(http.StatusInternalServerError))
	})

	it("installs the servers a Procfile names for each process, uvicorn for web and hypercorn for another, honouring a relative PIP_CONSTRAINT", func() {
		image := imageName(t)
		// pip reads the constraints file from the app's directory, for the app's
		// install and the servers' alike
		source := app(t, "starlette", map[string]string{"constraints.txt": "click==8.1.8\n"})
		logs := mustBuild(t, image, source, suite.buildpack, "--env", "PIP_CONSTRAINT=constraints.txt")
		Expect(logs).To(ContainSubstring("Using the Procfile's web entry (line 1): uvicorn main:app --host 0.0.0.0 --port $PORT"))
		Expect(logs).To(ContainSubstring("Installing uvicorn==0.54.0, hypercorn==0.18.0: the app's dependencies do not provide them"))
		Expect(get(t, serve(t, image))).To(Equal("hello from starlette on uvicorn\n"))
		Expect(get(t, serve(t, image, "--read-only", "--entrypoint", "/cnb/process/alt"))).To(Equal("hello from starlette on hypercorn\n"))
		out, err := dockerRun(image, "bash", "-c", "command -v uvicorn hypercorn")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal(serversLayer + "bin/uvicorn\n" + serversLayer + "bin/hypercorn\n"))
		out, err = dockerRun(image, "ls", serversLayer+"site-packages")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(strings.Fields(out)).To(ContainElement("click-8.1.8.dist-info"))
	})

	it("serves a Flask app factory in a package, and says why a compressed environment cannot start on a read-only root", func() {
		image := imageName(t)
		logs := mustBuild(t, image, app(t, "flask-factory", nil), suite.buildpack, "--env", "COMPRESS_VIRTUALENV=tar-gz")
		Expect(logs).To(ContainSubstring("Found flaskr/__init__.py, defining the app factory create_app (WSGI: flaskr/__init__.py calls Flask(…))"))
		Expect(logs).To(ContainSubstring("web (default): python -m gunicorn flaskr:create_app()"))
		Expect(get(t, serve(t, image))).To(Equal("hello from the flaskr factory\n"))

		out, err := dockerRunEnv(image, nil, "--read-only")
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("the virtual environment is absent and could not be unpacked into /layers/python-cnb_pip/venv: the root filesystem is read-only"))
		Expect(out).To(ContainSubstring("unset COMPRESS_VIRTUALENV"))
	})

	it("serves FastAPI from app/main.py, the layout of FastAPI's bigger applications", func() {
		image := imageName(t)
		source := app(t, "fastapi", map[string]string{"app/__init__.py": ""})
		Expect(os.Rename(filepath.Join(source, "main.py"), filepath.Join(source, "app", "main.py"))).To(Succeed())
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Found app/main.py, defining the app object app (ASGI: made by FastAPI(…))"))
		Expect(logs).To(ContainSubstring("web (default): python -m gunicorn -k uvicorn_worker.UvicornWorker app.main:app"))
		Expect(get(t, serve(t, image))).To(ContainSubstring(`"asgi":true`))
	})

	it("runs the one script a pyproject project declares", func() {
		image := imageName(t)
		logs := mustBuild(t, image, app(t, "pyproject-script", nil), suite.buildpack)
		Expect(logs).To(ContainSubstring("pyproject.toml declares one script in [project.scripts]: the web process runs hello-server (hello_server:main)"))
		Expect(logs).To(ContainSubstring("web (default): hello-server"))
		Expect(get(t, serve(t, image, "--read-only", "--user", "1234:0"))).To(Equal("hello from the project's script\n"))
	})
}

// statusOf requests path until the app answers at all (for up to 30 s) and
// returns the status code.
func statusOf(t *testing.T, port int, path string) int {
	t.Helper()
	status, _ := request(t, port, path, func(int) bool { return true })
	return status
}
