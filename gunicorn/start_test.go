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
		t.Setenv("DISABLE_FASTAPI_DETECTION", "")
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
		it("runs app.py with python when it has no app object but a __main__ block", func() {
			write("app.py", "import http.server\nif __name__ == \"__main__\":\n    serve()\n")
			Expect(choose()).To(Equal(gunicorn.Start{Processes: []packit.DirectProcess{
				{Type: "web", Command: []string{"python", "app.py"}, Default: true},
			}, Modules: []string{"app.py"}}))
			Expect(buffer.String()).To(ContainSubstring(`app.py runs itself (if __name__ == "__main__"): the web process runs python app.py`))
		})

		it("runs main.py with python when it runs itself", func() {
			write("main.py", "if '__main__' == __name__:\n    main()\n")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "main.py"}))
		})

		it("prefers an app object in a later file to a script", func() {
			write("app.py", "if __name__ == '__main__':\n    serve()\n")
			write("server.py", flask)
			Expect(choose().Served.Target).To(Equal("server:app"))
		})

		it("serves main.py's app object rather than running it, even when it runs itself", func() {
			write("main.py", flask+"if __name__ == '__main__':\n    app.run()\n")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "main:app"}))
		})
	})

	context("the user's command", func() {
		it("runs the Procfile's web entry with bash, and its other entries as further processes", func() {
			write("Procfile", "worker: python worker.py\nweb: gunicorn -w 2 app:app --bind 0.0.0.0:$PORT\n")
			write("app.py", flask)
			Expect(choose()).To(Equal(gunicorn.Start{Processes: []packit.DirectProcess{
				bash("web", "gunicorn -w 2 app:app --bind 0.0.0.0:$PORT", true),
				bash("worker", "python worker.py", false),
			}, Servers: []string{"gunicorn"}, Gunicorn: []string{"web"}, Modules: []string{"app.py"}}))
			Expect(buffer.String()).To(ContainSubstring("Using the Procfile's web entry (line 2): gunicorn -w 2 app:app --bind 0.0.0.0:$PORT"))
		})

		it("prefers BP_PYTHON_START_COMMAND to the Procfile's web entry, and says what it ignored", func() {
			t.Setenv("BP_PYTHON_START_COMMAND", "python serve.py")
			t.Setenv("PYTHON_STARTUP_COMMAND", "python other.py")
			write("Procfile", "web: gunicorn app:app\nworker: celery -A tasks worker\n")
			Expect(choose().Processes).To(Equal([]packit.DirectProcess{
				bash("web", "python serve.py", true),
				bash("worker", "celery -A tasks worker", false),
			}))
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
			Expect(start.Served).To(BeNil())
			Expect(start.Processes).To(Equal([]packit.DirectProcess{bash("web", "python manage.py runserver 0.0.0.0:$PORT", true)}))
		})
	})

	context("Django", func() {
		it("serves <package>.wsgi with gunicorn", func() {
			write("manage.py", "")
			write("mysite/wsgi.py", "application = get_wsgi_application()\n")
			write("mysite/asgi.py", "application = get_asgi_application()\n")
			write("app.py", flask)
			Expect(choose()).To(Equal(gunicorn.Start{
				Processes: []packit.DirectProcess{{Type: "web", Command: []string{"python", "-m", "gunicorn", "mysite.wsgi"}, Default: true}},
				Served:    &gunicorn.Served{Target: "mysite.wsgi", Interface: gunicorn.WSGI},
				Servers:   []string{"gunicorn"},
				Gunicorn:  []string{"web"},
				Modules:   []string{filepath.Join("mysite", "wsgi.py")},
			}))
			Expect(buffer.String()).To(ContainSubstring("Found mysite/wsgi.py (Django)"))
		})

		it("changes to the directory holding a deeper package", func() {
			write("src/manage.py", "")
			write("src/mysite/wsgi.py", "")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "--chdir", "src", "mysite.wsgi"}))
		})

		it("serves asgi.py with uvicorn-worker when there is no wsgi.py", func() {
			write("mysite/asgi.py", "application = get_asgi_application()\n")
			start := choose()
			Expect(start.Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "-k", "uvicorn_worker.UvicornWorker", "mysite.asgi:application"}))
			Expect(start.Servers).To(Equal([]string{"gunicorn", "uvicorn", "uvicorn-worker"}))
			Expect(start.Modules).To(Equal([]string{filepath.Join("mysite", "asgi.py")}))
			Expect(buffer.String()).To(ContainSubstring("Found mysite/asgi.py (Django), serving ASGI: there is no wsgi.py"))
		})

		it("serves what ASGI_APPLICATION names when the settings set it", func() {
			write("mysite/wsgi.py", "application = get_wsgi_application()\n")
			write("mysite/asgi.py", "application = get_asgi_application()\n")
			write("mysite/settings/base.py", "ASGI_APPLICATION = 'mysite.routing.application'\n")
			write("mysite/routing.py", "application = ProtocolTypeRouter({})\n")
			start := choose()
			Expect(start.Served).To(Equal(&gunicorn.Served{Target: "mysite.routing:application", Interface: gunicorn.ASGI}))
			Expect(start.Modules).To(Equal([]string{filepath.Join("mysite", "routing.py")}))
			Expect(buffer.String()).To(ContainSubstring("serving ASGI: " + filepath.Join("mysite", "settings", "base.py") + " sets ASGI_APPLICATION"))
		})

		it("looks at no asgi.py with DISABLE_FASTAPI_DETECTION=true", func() {
			t.Setenv("DISABLE_FASTAPI_DETECTION", "true")
			write("mysite/asgi.py", "application = get_asgi_application()\n")
			write("mysite/settings.py", "ASGI_APPLICATION = 'mysite.asgi.application'\n")
			write("other/wsgi.py", "application = get_wsgi_application()\n")
			Expect(choose().Served).To(Equal(&gunicorn.Served{Target: "other.wsgi", Interface: gunicorn.WSGI}))
		})
	})

	context("ASGI apps", func() {
		it("serves FastAPI in main.py with gunicorn and uvicorn-worker's worker", func() {
			write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
			Expect(choose()).To(Equal(gunicorn.Start{
				Processes: []packit.DirectProcess{{Type: "web", Command: []string{"python", "-m", "gunicorn", "-k", "uvicorn_worker.UvicornWorker", "main:app"}, Default: true}},
				Served:    &gunicorn.Served{Target: "main:app", Interface: gunicorn.ASGI},
				Servers:   []string{"gunicorn", "uvicorn", "uvicorn-worker"},
				Gunicorn:  []string{"web"},
				Modules:   []string{"main.py"},
			}))
			Expect(buffer.String()).To(ContainSubstring("Found main.py, defining the app object app (ASGI: made by FastAPI(…))"))
		})

		it("looks in asgi.py and api.py after main.py", func() {
			write("api.py", "from litestar import Litestar\napp = Litestar([])\n")
			write("asgi.py", "from quart import Quart\napplication = Quart(__name__)\n")
			write("main.py", "print('a tool')\n")
			Expect(choose().Served.Target).To(Equal("asgi:application"))
		})

		it("leaves the worker class to gunicorn.conf.py when it sets one", func() {
			write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
			write("gunicorn.conf.py", "worker_class = 'uvicorn_worker.UvicornH11Worker'\n")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "main:app"}))
			Expect(buffer.String()).To(ContainSubstring("gunicorn.conf.py sets worker_class: no -k uvicorn_worker.UvicornWorker is added"))
		})

		it("serves it as WSGI, saying so, with DISABLE_FASTAPI_DETECTION=true", func() {
			t.Setenv("DISABLE_FASTAPI_DETECTION", "true")
			write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
			start := choose()
			Expect(start.Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "main:app"}))
			Expect(start.Servers).To(Equal([]string{"gunicorn"}))
			Expect(buffer.String()).To(ContainSubstring("ASGI detection is off (DISABLE_FASTAPI_DETECTION=true): every app is served as WSGI"))
			Expect(buffer.String()).To(ContainSubstring("Found main.py, defining the app object app, which looks like an ASGI app (made by FastAPI(…))"))
			Expect(buffer.String()).To(ContainSubstring("DISABLE_FASTAPI_DETECTION=true: it is served as WSGI, which fails its requests"))
		})
	})

	context("app factories", func() {
		it("calls create_app in a package at the root, as in Flask's tutorial", func() {
			write("flaskr/__init__.py", "from flask import Flask\n\ndef create_app(test_config=None):\n    app = Flask(__name__)\n    return app\n")
			write("tests/__init__.py", "from flaskr import create_app\napp = create_app()\n")
			start := choose()
			Expect(start.Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "flaskr:create_app()"}))
			Expect(start.Modules).To(Equal([]string{filepath.Join("flaskr", "__init__.py")}))
			Expect(buffer.String()).To(ContainSubstring("Found flaskr/__init__.py, defining the app factory create_app (WSGI: flaskr/__init__.py calls Flask(…))"))
		})

		it("calls an ASGI factory with uvicorn-worker's worker", func() {
			write("app.py", "from fastapi import FastAPI\n\ndef create_app():\n    return FastAPI()\n")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "-k", "uvicorn_worker.UvicornWorker", "app:create_app()"}))
		})

		it("serves an app in a module of a package at the root, as FastAPI's bigger applications lay it out", func() {
			write("app/__init__.py", "")
			write("app/routers/__init__.py", "")
			write("app/main.py", "from fastapi import FastAPI\n\nfrom .routers import items\n\napp = FastAPI()\n")
			write("tests/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
			start := choose()
			Expect(start.Processes[0].Command).To(Equal([]string{"python", "-m", "gunicorn", "-k", "uvicorn_worker.UvicornWorker", "app.main:app"}))
			Expect(start.Modules).To(Equal([]string{filepath.Join("app", "main.py")}))
			Expect(buffer.String()).To(ContainSubstring("Found app/main.py, defining the app object app (ASGI: made by FastAPI(…))"))
		})

		it("prefers a file at the root that runs itself to a package's module", func() {
			write("app/__init__.py", "")
			write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
			write("main.py", "import uvicorn\n\nif __name__ == \"__main__\":\n    uvicorn.run(\"app.main:app\", host=\"0.0.0.0\")\n")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "main.py"}))
		})

		it("prefers the modules at the root to packages", func() {
			write("aaa/__init__.py", "def create_app():\n    pass\n")
			write("wsgi.py", "from aaa import create_app\napp = create_app()\n")
			Expect(choose().Served.Target).To(Equal("wsgi:app"))
		})
	})

	context("project scripts", func() {
		pyproject := func(tables string) {
			write("pyproject.toml", "[build-system]\nrequires = [\"setuptools\"]\n\n[project]\nname = \"x\"\n"+tables)
		}

		it("runs the one script the project declares", func() {
			pyproject("[project.scripts]\nserve = \"hello.server:main\"\n")
			write("hello/server.py", "def main(): pass\n")
			write("hello/__init__.py", "")
			Expect(choose()).To(Equal(gunicorn.Start{
				Processes: []packit.DirectProcess{{Type: "web", Command: []string{"serve"}, Default: true}},
				Modules:   []string{filepath.Join("hello", "server.py")},
			}))
			Expect(buffer.String()).To(ContainSubstring("pyproject.toml declares one script in [project.scripts]: the web process runs serve (hello.server:main)"))
		})

		it("runs Poetry's one script, found under src/", func() {
			pyproject("[tool.poetry.scripts]\nweb = { callable = \"app.cli:run\" }\n")
			write("src/app/cli.py", "def run(): pass\n")
			start := choose()
			Expect(start.Processes[0].Command).To(Equal([]string{"web"}))
			Expect(start.Modules).To(Equal([]string{filepath.Join("src", "app", "cli.py")}))
		})

		it("lists several and says how to pick one, then goes on", func() {
			pyproject("[project.scripts]\nserve = \"app:serve\"\nmigrate = \"app:migrate\"\n")
			write("server.py", "if __name__ == '__main__':\n    run()\n")
			Expect(choose().Processes[0].Command).To(Equal([]string{"python", "server.py"}))
			Expect(buffer.String()).To(ContainSubstring("pyproject.toml declares 2 scripts, so none is chosen:"))
			Expect(buffer.String()).To(ContainSubstring("migrate = app:migrate ([project.scripts])"))
			Expect(buffer.String()).To(ContainSubstring("To run one, set BP_PYTHON_START_COMMAND (pack build --env BP_PYTHON_START_COMMAND=migrate)"))
		})

		it("uses none when the project is not installed", func() {
			write("pyproject.toml", "[project]\nname = \"x\"\n[project.scripts]\nserve = \"app:serve\"\n")
			Expect(choose().Processes).To(BeEmpty())
			Expect(buffer.String()).To(ContainSubstring("has no [build-system] table, so the project and its scripts are not installed"))
		})
	})

	context("the servers the user's commands run", func() {
		it("reads every process, and the app's scripts the command runs", func() {
			Expect(os.WriteFile(filepath.Join(appDir, "startup.sh"), []byte("#!/bin/sh\ncd src\nexec gunicorn -k uvicorn.workers.UvicornWorker api:app\n"), 0o755)).To(Succeed())
			write("src/api.py", "app = make()\n")
			t.Setenv("BP_PYTHON_START_COMMAND", "startup.sh")
			write("Procfile", "ws: daphne -b 0.0.0.0 -p $PORT chat.asgi:application\n")
			start := choose()
			Expect(start.Servers).To(Equal([]string{"gunicorn", "uvicorn", "daphne"}))
			Expect(start.Gunicorn).To(Equal([]string{"web"}))
			Expect(start.Modules).To(Equal([]string{filepath.Join("src", "api.py")}))
		})
	})

	context("WSGI modules", func() {
		it("serves the first module defining app, preferring app to application", func() {
			write("server.py", "application = make()\n")
			write("app.py", "application = make()\napp = application\n")
			Expect(choose()).To(Equal(gunicorn.Start{
				Processes: []packit.DirectProcess{{Type: "web", Command: []string{"python", "-m", "gunicorn", "app:app"}, Default: true}},
				Served:    &gunicorn.Served{Target: "app:app", Interface: gunicorn.WSGI},
				Servers:   []string{"gunicorn"},
				Gunicorn:  []string{"web"},
				Modules:   []string{"app.py"},
			}))
			Expect(buffer.String()).To(ContainSubstring("Found app.py, defining the app object app (WSGI: nothing says otherwise)"))
		})

		it("serves application when that is what the module defines", func() {
			write("wsgi.py", "application = get_wsgi_application()\n")
			Expect(choose().Served.Target).To(Equal("wsgi:application"))
		})

		it("follows Oryx's order of files, then run.py, wsgi.py and main.py", func() {
			write("main.py", flask)
			write("wsgi.py", flask)
			write("run.py", flask)
			write("index.py", flask)
			Expect(choose().Served.Target).To(Equal("index:app"))
			Expect(os.Remove(filepath.Join(appDir, "index.py"))).To(Succeed())
			Expect(choose().Served.Target).To(Equal("run:app"))
			Expect(os.Remove(filepath.Join(appDir, "run.py"))).To(Succeed())
			Expect(os.Remove(filepath.Join(appDir, "wsgi.py"))).To(Succeed())
			Expect(choose().Served.Target).To(Equal("main:app"))
		})

		it("says which files it passed over, and goes on", func() {
			write("application.py", "print('hello')\n")
			write("server.py", flask)
			Expect(choose().Served.Target).To(Equal("server:app"))
			Expect(buffer.String()).To(ContainSubstring("application.py defines no app object named app or application, and no create_app factory, at module level"))
		})

		it("passes over a Typer command line named app", func() {
			write("main.py", "import typer\napp = typer.Typer()\n")
			Expect(choose().Processes).To(BeEmpty())
		})
	})

	it("sets no process and says what it looked for and how to set one", func() {
		write("main.py", "print('hi')\n")
		Expect(choose()).To(Equal(gunicorn.Start{}))
		Expect(buffer.String()).To(ContainSubstring("No web process: nothing says how to start this app. Looked for, in order:"))
		Expect(buffer.String()).To(ContainSubstring("1. a start command in BP_PYTHON_START_COMMAND or PYTHON_STARTUP_COMMAND: neither is set"))
		Expect(buffer.String()).To(ContainSubstring("2. a Procfile with a web entry: there is no Procfile"))
		Expect(buffer.String()).To(ContainSubstring("3. a directory holding wsgi.py or asgi.py (Django), up to 3 levels below the root: none"))
		Expect(buffer.String()).To(ContainSubstring("4. an app object app or application, or a create_app factory, at module level in application.py, app.py, index.py, server.py, run.py, wsgi.py, main.py, asgi.py, api.py, or in a package's __init__.py at the root: none"))
		Expect(buffer.String()).To(ContainSubstring("7. an app object or factory in one of those files inside a package at the root (app/main.py): none"))
		Expect(buffer.String()).To(ContainSubstring("5. one script in pyproject.toml's [project.scripts] or [tool.poetry.scripts]: none"))
		Expect(buffer.String()).To(ContainSubstring(`6. one of the files in 4 that runs itself (if __name__ == "__main__"): none`))
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

		it("refuses app.py without an app object when nothing else says how to start", func() {
			write("app.py", "import http.server\ndef main():\n    app = http.server.HTTPServer(('', 8000), None)\n")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err).To(MatchError("app.py defines no app object named app or application and no create_app factory\n\n" +
				"  Nothing else says how to start the app: BP_PYTHON_START_COMMAND and PYTHON_STARTUP_COMMAND are not set, there is no Procfile, and no directory holds wsgi.py or asgi.py (Django).\n\n" +
				"To fix: define app = Flask(__name__) or app = FastAPI() (or similar) at module level in app.py, or set BP_PYTHON_START_COMMAND; " +
				`if app.py starts its own server, set BP_PYTHON_START_COMMAND="python app.py" or add a Procfile with the line ` + "`web: python app.py`"))
			Expect(buffer.String()).To(ContainSubstring("app.py defines no app object named app or application, and no create_app factory, at module level"))
		})

		it("names every one of Oryx's modules it passed over, and not main.py", func() {
			write("app.py", "")
			write("run.py", "")
			write("main.py", "")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(err).To(MatchError(HavePrefix("app.py and run.py define no app object named app or application and no create_app factory\n")))
		})

		it("refuses a DISABLE_FASTAPI_DETECTION that is not a boolean", func() {
			t.Setenv("DISABLE_FASTAPI_DETECTION", "yes")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(err).To(MatchError(ContainSubstring(`DISABLE_FASTAPI_DETECTION="yes" is not a boolean`)))
		})

		it("refuses a pyproject.toml that is not TOML when it is looked at", func() {
			write("pyproject.toml", "[project\n")
			_, err := gunicorn.ChooseStart(appDir, logger)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err).To(MatchError(HavePrefix("pyproject.toml is not valid TOML\n")))
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
