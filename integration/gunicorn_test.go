package integration_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

const gunicornID = "python-cnb/gunicorn"

func testGunicorn(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect     = NewWithT(t).Expect
		Eventually = NewWithT(t).Eventually
	)

	it("serves a Flask app.py with a pinned gunicorn, one worker, logs to stdout, and sizes workers to the container's CPU limit", func() {
		image := imageName(t)
		source := app(t, "flask", nil)
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Found app.py, defining the app object app (WSGI: made by flask.Flask(…))"))
		Expect(logs).To(ContainSubstring("Installing gunicorn==27.0.1: the app's dependencies do not provide them"))
		Expect(logs).To(ContainSubstring("web (default): python -m gunicorn app:app"))

		port, id := start(t, image)
		f := facts(t, port)
		Expect(f["uid"]).To(BeEquivalentTo(1000))
		Eventually(func() string { return logsOf(t, id) }, 10*time.Second).Should(ContainSubstring(`"GET / HTTP/1.1" 200`))
		Expect(regexp.MustCompile(`Booting worker`).FindAllString(logsOf(t, id), -1)).To(HaveLen(1))

		// settings read at launch: docker run -e changes them without a rebuild
		port, id = start(t, image, "--cpus", "1", "-e", "PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true")
		get(t, port)
		Eventually(func() int { return strings.Count(logsOf(t, id), "Booting worker") }, 20*time.Second).Should(Equal(3))
		Expect(logsOf(t, id)).To(ContainSubstring("3 gunicorn workers for 1 CPU"))

		// a read-only root, and an arbitrary uid: gunicorn needs a writable
		// place for its workers' heartbeat files and its control socket
		for _, args := range [][]string{{"--read-only"}, {"--read-only", "--user", "1234:0"}} {
			port, id := start(t, image, args...)
			Expect(facts(t, port)["uid"]).NotTo(BeNil())
			Expect(logsOf(t, id)).NotTo(ContainSubstring("Control server error"))
		}

		first := layerSHA(t, image, gunicornID, "servers")
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Reusing layer /layers/python-cnb_gunicorn/servers for launch only"))
		Expect(layerSHA(t, image, gunicornID, "servers")).To(Equal(first))
	})

	it("serves a Django project with gunicorn and its collected static files with WhiteNoise, then through asgi.py when the settings ask", func() {
		image := imageName(t)
		source := app(t, "django", nil)
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Found mysite/wsgi.py (Django)"))
		Expect(logs).To(ContainSubstring("Running 'python manage.py collectstatic --noinput'"))
		Expect(logs).To(ContainSubstring("web (default): python -m gunicorn mysite.wsgi"))

		port := serve(t, image)
		Expect(get(t, port)).To(ContainSubstring("hello from django"))
		Expect(getPath(t, port, "/static/site.css")).To(ContainSubstring("python-cnb static file"))
		Expect(dockerRun(image, "ls", "/workspace/staticfiles")).To(ContainSubstring("site.css"))

		// ASGI: the settings name the asgi.py application
		settings, err := os.ReadFile(filepath.Join(source, "mysite", "settings.py"))
		Expect(err).NotTo(HaveOccurred())
		Expect(writeFile(filepath.Join(source, "mysite", "settings.py"), string(settings)+"\nASGI_APPLICATION = \"mysite.asgi.application\"\n")).To(Succeed())
		Expect(writeFile(filepath.Join(source, "mysite", "asgi.py"), "import os\n\nfrom django.core.asgi import get_asgi_application\n\n"+
			"os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n\napplication = get_asgi_application()\n")).To(Succeed())
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Found mysite/asgi.py (Django), serving ASGI: mysite/settings.py sets ASGI_APPLICATION"))
		Expect(logs).To(ContainSubstring("web (default): python -m gunicorn -k uvicorn_worker.UvicornWorker mysite.asgi:application"))
		port, id := start(t, image)
		Expect(get(t, port)).To(ContainSubstring("hello from django"))
		Expect(getPath(t, port, "/static/site.css")).To(ContainSubstring("python-cnb static file"))
		Expect(logsOf(t, id)).To(ContainSubstring("Using worker: uvicorn_worker.UvicornWorker"))
	})

	it("skips collectstatic with DISABLE_COLLECTSTATIC=true and says so", func() {
		image := imageName(t)
		source := app(t, "django", nil)
		logs := mustBuild(t, image, source, suite.buildpack, "--env", "DISABLE_COLLECTSTATIC=true")
		Expect(logs).To(ContainSubstring("DISABLE_COLLECTSTATIC=true"))
		Expect(logs).NotTo(ContainSubstring("Running 'python manage.py collectstatic --noinput'"))
		out, err := dockerRun(image, "ls", "/workspace/staticfiles")
		Expect(err).To(HaveOccurred(), out)
	})

	it("serves an application.py exposing `application`, and uses the app's own gunicorn", func() {
		image := imageName(t)
		source := app(t, "wsgiapp", map[string]string{"requirements.txt": "gunicorn\n"})
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Found application.py, defining the app object application (WSGI: def application(…))"))
		Expect(logs).To(MatchRegexp(`Using gunicorn [0-9.]+ from the app's dependencies`))
		Expect(get(t, serve(t, image))).To(Equal("hello from application.py as uid 1000\n"))
	})

	it("runs the Procfile's web entry instead, with $PORT, and its other entries as processes", func() {
		image := imageName(t)
		source := app(t, "flask", map[string]string{"Procfile": "web: python app.py\nworker: python -c 'print(1)'\n"})
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Using the Procfile's web entry (line 1): python app.py"))
		Expect(logs).NotTo(ContainSubstring("Installing gunicorn"))
		f := facts(t, serve(t, image))
		Expect(f["flask_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/"))
		Expect(runProcess(image, "worker")).To(Equal("1\n"))
	})

	it("takes worker, thread and timeout settings from docker run -e, and Oryx's PYTHON_STARTUP_COMMAND at build", func() {
		image := imageName(t)
		mustBuild(t, image, app(t, "wsgiapp", nil), suite.buildpack)
		port, id := start(t, image,
			"-e", "PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true", "-e", "PYTHON_GUNICORN_CUSTOM_WORKER_NUM=2",
			"-e", "PYTHON_GUNICORN_CUSTOM_THREAD_NUM=3", "-e", "PYTHON_GUNICORN_TIMEOUT=30")
		get(t, port)
		Eventually(func() int { return strings.Count(logsOf(t, id), "Booting worker") }, 20*time.Second).Should(Equal(2))
		Expect(logsOf(t, id)).To(ContainSubstring("Using worker: gthread"))

		image = imageName(t)
		logs := mustBuild(t, image, app(t, "flask", nil), suite.buildpack, "--env", "PYTHON_STARTUP_COMMAND=python app.py")
		Expect(logs).To(ContainSubstring("Using PYTHON_STARTUP_COMMAND: python app.py"))
		Expect(logs).NotTo(ContainSubstring("Installing gunicorn"))
		Expect(facts(t, serve(t, image))["flask_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/"))
	})

	context("failure cases", func() {
		it("fails collectstatic with Django's own error when the settings do not import, and says how to skip it", func() {
			source := app(t, "django", nil)
			settings, err := os.ReadFile(filepath.Join(source, "mysite", "settings.py"))
			Expect(err).NotTo(HaveOccurred())
			writeFile(filepath.Join(source, "mysite", "settings.py"), string(settings)+"\nimport module_that_is_not_installed\n")
			logs, err := build(t, imageName(t), source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("No module named 'module_that_is_not_installed'"))
			Expect(logs).To(ContainSubstring("DISABLE_COLLECTSTATIC=true"))
		})

		it("refuses a Procfile without a web entry", func() {
			source := app(t, "flask", map[string]string{"Procfile": "worker: python worker.py\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("The Procfile has no web entry"))
			Expect(logs).To(ContainSubstring("Entries found: worker (line 1)"))
		})

		it("refuses a start script that is not executable", func() {
			source := app(t, "flask", map[string]string{"start.sh": "#!/bin/sh\nexec python app.py\n"})
			Expect(os.Chmod(filepath.Join(source, "start.sh"), 0o644)).To(Succeed())
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "BP_PYTHON_START_COMMAND=start.sh")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("which is not executable"))
			Expect(logs).To(ContainSubstring("chmod +x start.sh"))
		})

		it("refuses an app.py with no WSGI callable and no way to start", func() {
			source := app(t, "plain", map[string]string{"app.py": "import os\nprint(os.getcwd())\n"})
			logs, err := build(t, imageName(t), source, suite.buildpack)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("app.py defines no app object named app or application and no create_app factory"))
		})

		it("stops the container with the setting's name when the worker count is not a number", func() {
			image := imageName(t)
			mustBuild(t, image, app(t, "wsgiapp", nil), suite.buildpack)
			out, err := dockerRunEnv(image, []string{"PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true", "PYTHON_GUNICORN_CUSTOM_WORKER_NUM=four"})
			Expect(err).To(HaveOccurred())
			Expect(out).To(ContainSubstring(`PYTHON_GUNICORN_CUSTOM_WORKER_NUM="four" is not a whole number of at least 1`))
		})
	})
}
