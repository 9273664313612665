package gunicorn_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

func testStart(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		appDir string
		buffer *bytes.Buffer
		logger scribe.Emitter
	)

	it.Before(func() {
		appDir = t.TempDir()
		buffer = bytes.NewBuffer(nil)
		logger = scribe.NewEmitter(buffer)
		t.Setenv("BP_PYTHON_START_COMMAND", "")
		t.Setenv("PYTHON_STARTUP_COMMAND", "")
	})

	write := func(rel, content string) {
		path := filepath.Join(appDir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}
	choose := func() gunicorn.Start {
		start, err := gunicorn.ChooseStart(appDir, logger)
		Expect(err).NotTo(HaveOccurred())
		return start
	}
	bash := func(processType, command string, isDefault bool) packit.DirectProcess {
		return packit.DirectProcess{Type: processType, Command: []string{"bash", "-c", command}, Default: isDefault}
	}
	flask := "from flask import Flask\napp = Flask(__name__)\n"

	context("a script that runs itself", func() {
		it("runs app.py with python when it has no callable but a __main__ block", func() {
			write("app.py", "import http.server\nif __name__ == \"__main__\":\n    serve()\n")
			Expect(choose()).To(Equal(gunicorn.Start{Processes: []packit.DirectProcess{
				{Type: "web", Command: []string{"python", "app.py"}, Default: true},
			}}))
			Expect(buffer.String()).To(ContainSubstring(`app.py runs itself (if __name__ == "__main__"): the web process runs python app.py`))
		})

		it("runs main.py with python when it runs itself", func() {
			write("main.py", "if '__main__' == __name__:\n    main()\n")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "main.py"}))
		})

		it("prefers a WSGI callable in a later file to a script", func() {
			write("app.py", "if __name__ == '__main__':\n    serve()\n")
			write("server.py", flask)
			Expect(choose().WSGIApp).To(Equal("server:app"))
		})
	})

	context("the user's command", func() {
		it("runs the Procfile's web entry with bash, and its other entries as further processes", func() {
			write("Procfile", "worker: python worker.py\nweb: gunicorn -w 2 app:app --bind 0.0.0.0:$PORT\n")
			write("app.py", flask)
			Expect(choose()).To(Equal(gunicorn.Start{Processes: []packit.DirectProcess{
				bash("web", "gunicorn -w 2 app:app --bind 0.0.0.0:$PORT", true),
				bash("worker", "python worker.py", false),
			}}))
			Expect(buffer.String()).To(ContainSubstring("Using the Procfile's web entry (line 2): gunicorn -w 2 app:app --bind 0.0.0.0:$PORT"))
		})

		it("prefers BP_PYTHON_START_COMMAND to the Procfile's web entry, and says what it ignored", func() {
			t.Setenv("BP_PYTHON_START_COMMAND", "python serve.py")
			t.Setenv("PYTHON_STARTUP_COMMAND", "python other.py")
			write("Procfile", "web: gunicorn app:app\nworker: celery -A tasks worker\n")
			Expect(choose()).To(Equal(gunicorn.Start{Processes: []packit.DirectProcess{
				bash("web", "python serve.py", true),
				bash("worker", "celery -A tasks worker", false),
			}}))
			Expect(buffer.String()).To(ContainSubstring("Using BP_PYTHON_START_COMMAND: python serve.py"))
			Expect(buffer.String()).To(ContainSubstring("PYTHON_STARTUP_COMMAND is ignored: BP_PYTHON_START_COMMAND is set"))
			Expect(buffer.String()).To(ContainSubstring("The Procfile's web entry (line 1) is ignored: BP_PYTHON_START_COMMAND is set"))
		})

		it("accepts a Procfile without a web entry when a start command is set", func() {
			t.Setenv("PYTHON_STARTUP_COMMAND", "startup.sh")
			Expect(os.WriteFile(filepath.Join(appDir, "startup.sh"), []byte("#!/bin/sh\n"), 0o755)).To(Succeed())
			write("Procfile", "worker: python worker.py\n")
			Expect(choose().Processes).To(Equal([]packit.DirectProcess{
				bash("web", "./startup.sh", true),
				bash("worker", "python worker.py", false),
			}))
		})

		it("wins over Django and WSGI modules", func() {
			t.Setenv("BP_PYTHON_START_COMMAND", "python manage.py runserver 0.0.0.0:$PORT")
			write("mysite/wsgi.py", "")
			write("app.py", flask)
			start := choose()
			Expect(start.WSGIApp).To(BeEmpty())
			Expect(start.Processes).To(Equal([]packit.DirectProcess{bash("web", "python manage.py runserver 0.0.0.0:$PORT", true)}))
		})
	})

	context("Django", func() {
		it("serves <package>.wsgi with gunicorn", func() {
			write("manage.py", "")
			write("mysite/wsgi.py", "application = get_wsgi_application()\n")
			write("app.py", flask)
			Expect(choose()).To(Equal(gunicorn.Start{
				Processes: []packit.DirectProcess{{Type: "web", Command: []string{"python", "-m", "gunicorn", "mysite.wsgi"}, Default: true}},
				WSGIApp:   "mysite.wsgi",
			}))
			Expect(buffer.String()).To(ContainSubstring("Found mysite/wsgi.py (Django)"))
		})

		it("changes to the directory holding a deeper package", func() {
			write("src/manage.py", "")
			write("src/mysite/wsgi.py", "")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "--chdir", "src", "mysite.wsgi"}))
		})
	})

	context("WSGI modules", func() {
		it("serves the first module defining app, preferring app to application", func() {
			write("server.py", "application = make()\n")
			write("app.py", "application = make()\napp = application\n")
			Expect(choose()).To(Equal(gunicorn.Start{
				Processes: []packit.DirectProcess{{Type: "web", Command: []string{"python", "-m", "gunicorn", "app:app"}, Default: true}},
				WSGIApp:   "app:app",
			}))
			Expect(buffer.String()).To(ContainSubstring("Found app.py, defining the WSGI callable app"))
		})

		it("serves application when that is what the module defines", func() {
			write("wsgi.py", "application = get_wsgi_application()\n")
			Expect(choose().WSGIApp).To(Equal("wsgi:application"))
		})

		it("follows Oryx's order of files, then run.py and wsgi.py", func() {
			write("wsgi.py", flask)
			write("run.py", flask)
			write("index.py", flask)
			Expect(choose().WSGIApp).To(Equal("index:app"))
			Expect(os.Remove(filepath.Join(appDir, "index.py"))).To(Succeed())
			Expect(choose().WSGIApp).To(Equal("run:app"))
		})

		it("says which files it passed over, and goes on", func() {
			write("application.py", "print('hello')\n")
			write("server.py", flask)
			Expect(choose().WSGIApp).To(Equal("server:app"))
			Expect(buffer.String()).To(ContainSubstring("application.py defines no WSGI callable named app or application at module level"))
		})
	})

	it("sets no process and says what it looked for and how to set one", func() {
		write("main.py", "print('hi')\n")
		Expect(choose()).To(Equal(gunicorn.Start{}))
		Expect(buffer.String()).To(ContainSubstring("No web process: nothing says how to start this app. Looked for, in order:"))
		Expect(buffer.String()).To(ContainSubstring("1. a start command in BP_PYTHON_START_COMMAND or PYTHON_STARTUP_COMMAND: neither is set"))
		Expect(buffer.String()).To(ContainSubstring("2. a Procfile with a web entry: there is no Procfile"))
		Expect(buffer.String()).To(ContainSubstring("3. a directory holding wsgi.py (Django), up to 3 levels below the root: none"))
		Expect(buffer.String()).To(ContainSubstring("4. a module-level WSGI callable app or application in application.py, app.py, index.py, server.py, run.py, wsgi.py: none of these files"))
		Expect(buffer.String()).To(ContainSubstring(`To give the image a web process, set BP_PYTHON_START_COMMAND (pack build --env BP_PYTHON_START_COMMAND="python main.py") or add a Procfile with a line ` + "`web: <command>`."))
	})

	context("failure cases", func() {
		it("refuses a Procfile without a web entry, listing what it has", func() {
			write("Procfile", "worker: python worker.py\nclock: python clock.py\n")
			write("app.py", flask)
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err).To(MatchError("The Procfile has no web entry\n\n  Entries found: worker (line 1), clock (line 2)\n\n" +
				"To fix: add a `web:` line or remove the Procfile, or set BP_PYTHON_START_COMMAND"))
		})

		it("refuses a Procfile with no entries at all", func() {
			write("Procfile", "\n")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(err).To(MatchError(ContainSubstring("The Procfile has no web entry\n\n  It has no entries.")))
		})

		it("refuses app.py without a WSGI callable when nothing else says how to start", func() {
			write("app.py", "import http.server\ndef main():\n    app = http.server.HTTPServer(('', 8000), None)\n")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err).To(MatchError("app.py defines no WSGI callable named app or application\n\n" +
				"  Nothing else says how to start the app: BP_PYTHON_START_COMMAND and PYTHON_STARTUP_COMMAND are not set, there is no Procfile, and no directory holds wsgi.py (Django).\n\n" +
				"To fix: define app = Flask(__name__) (or similar) at module level in app.py, or set BP_PYTHON_START_COMMAND; " +
				`if app.py starts its own server, set BP_PYTHON_START_COMMAND="python app.py" or add a Procfile with the line ` + "`web: python app.py`"))
			Expect(buffer.String()).To(ContainSubstring("app.py defines no WSGI callable named app or application at module level"))
		})

		it("names every module it passed over", func() {
			write("app.py", "")
			write("run.py", "")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(err).To(MatchError(HavePrefix("app.py and run.py define no WSGI callable named app or application\n")))
		})

		it("returns a bad start command setting", func() {
			t.Setenv("BP_PYTHON_START_COMMAND", "start.sh")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(err).To(MatchError(ContainSubstring("BP_PYTHON_START_COMMAND runs the script start.sh, which is not a file in the app")))
		})

		it("returns a malformed Procfile even when a start command is set", func() {
			t.Setenv("BP_PYTHON_START_COMMAND", "python app.py")
			write("Procfile", "web gunicorn app:app\n")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(err).To(MatchError(ContainSubstring("Procfile line 1 is not `type: command`")))
		})

		it("fails when the app's root cannot be read", func() {
			_, err := gunicorn.ChooseStart(filepath.Join(appDir, "missing"), logger)
			Expect(err).To(MatchError(ContainSubstring("looking for wsgi.py")))
		})

		it("fails when a WSGI module cannot be read", func() {
			Expect(os.Mkdir(filepath.Join(appDir, "app.py"), 0o755)).To(Succeed())
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(err).To(MatchError(ContainSubstring("reading app.py: ")))
		})
	})
}
