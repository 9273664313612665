package gunicorn_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/sclevine/spec"
)

func testAppObject(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		appDir string
	)

	it.Before(func() {
		appDir = t.TempDir()
	})

	write := func(rel, content string) {
		path := filepath.Join(appDir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}
	find := func(rel string) (gunicorn.AppObject, bool) {
		object, ok, err := gunicorn.FindAppObject(appDir, rel)
		Expect(err).NotTo(HaveOccurred())
		return object, ok
	}
	name := func(src string) string {
		write("m.py", src)
		object, ok := find("m.py")
		if !ok {
			return ""
		}
		return object.Name
	}

	context("RunsItself", func() {
		it("finds a top-level __main__ block, either way round, with either quotes", func() {
			Expect(gunicorn.RunsItself([]byte("x = 1\nif __name__ == \"__main__\":\n    main()\n"))).To(BeTrue())
			Expect(gunicorn.RunsItself([]byte("if '__main__' == __name__ :\n    main()\n"))).To(BeTrue())
		})

		it("ignores an indented or missing guard", func() {
			Expect(gunicorn.RunsItself([]byte("def f():\n    if __name__ == '__main__':\n        pass\n"))).To(BeFalse())
			Expect(gunicorn.RunsItself([]byte("print('hi')\n"))).To(BeFalse())
		})
	})

	context("bindings it understands", func() {
		for src, want := range map[string]string{
			"from flask import Flask\napp = Flask(__name__)\n":                         "app",
			"application = get_wsgi_application()\n":                                   "application",
			"app: Flask = Flask(__name__)\n":                                           "app",
			`app: "Flask" = create()` + "\n":                                           "app",
			"app = application = make()\n":                                             "app",
			"server = application = make()\n":                                          "application",
			"app, db = create_app()\n":                                                 "app",
			"(db, app) = create_app()\n":                                               "app",
			"def app(environ, start_response):\n    return [b'hi']\n":                  "app",
			"def application(environ: dict, start_response) -> list:\n    return []\n": "application",
			"async def app(scope, receive, send):\n    pass\n":                         "app",
			"class app:\n    def __init__(self, environ, start_response): ...\n":       "app",
			"from mysite.factory import app\n":                                         "app",
			"from .factory import create, app\n":                                       "app",
			"from factory import (\n    create,\n    app,\n)\n":                        "app",
			"from factory import make_app as application\n":                            "application",
			"import mysite.wsgi as application\n":                                      "application",
			"import os; app = make()\n":                                                "app",
			"app = Flask(\n    __name__,\n    static_folder='s',\n)\n":                 "app",
			"app = \\\n    Flask(__name__)\n":                                          "app",
			"\ufeffapp = Flask(__name__)\r\n":                                          "app",
			"try:\n    from local import app\nexcept ImportError:\n    app = None\n":   "app",
			"if os.environ.get('X'):\n    app = a()\nelse:\n    app = b()\n":           "app",
			"if True:\n\tif True:\n\t\tapplication = make()\n":                         "application",
			"application = make()\napp = application\n":                                "app",
			"def main():\n    pass\napp = make()\n":                                    "app",
			"if __name__ == '__main__':\n    run()\nelse:\n    app = make()\n":         "app",
			"def create_app():\n    app = Flask(__name__)\n    return app\n":           "create_app",
		} {
			it("finds "+want+" in "+src, func() {
				Expect(name(src)).To(Equal(want))
			})
		}
	})

	context("what is not a module-level app object", func() {
		for _, src := range []string{
			"",
			"import app\n",
			"from flask import Flask\nmyapp = Flask(__name__)\n",
			"def make_app():\n    app = Flask(__name__)\n    return app\n",
			"async def create_app():\n    return FastAPI()\n",
			"create_app = make\n",
			"class Server:\n    app = None\n",
			"if __name__ == \"__main__\":\n    app = Flask(__name__)\n    app.run()\n",
			"app.config['X'] = 1\n",
			"app += 1\n",
			"if app == 1:\n    pass\n",
			"app: Flask\n",
			"run(app=make())\n",
			"print(app := make())\n",
			`"""` + "\napp = Flask(__name__)\n" + `"""` + "\n",
			"x = '''\napp = 1\n'''\n",
			"# app = Flask(__name__)\n",
			"s = 'app = 1'\n",
			"s = \"it's \\\" app = 1\"\n",
			"for app in apps:\n    pass\n",
			"from app import make as server\n",
			"import typer\napp = typer.Typer()\n",
			"from celery import Celery\napp = Celery('tasks')\n",
		} {
			it("finds nothing in "+src, func() {
				Expect(name(src)).To(BeEmpty())
			})
		}
	})

	it("prefers app over application, and an object over a factory, wherever they are", func() {
		Expect(name("application = make()\n\napp = other()\n")).To(Equal("app"))
		Expect(name("def create_app():\n    return Flask(__name__)\n\napplication = create_app()\n")).To(Equal("application"))
	})

	it("copes with an unterminated string", func() {
		Expect(name("x = 'open\napp = make()\ny = \"\"\"never closed\n")).To(Equal("app"))
	})

	context("WSGI or ASGI", func() {
		for src, want := range map[string][2]string{
			"from fastapi import FastAPI\napp = FastAPI()\n":                                       {"ASGI", "made by FastAPI(…)"},
			"import fastapi\napp = fastapi.FastAPI(title='x')\n":                                   {"ASGI", "made by fastapi.FastAPI(…)"},
			"from starlette.applications import Starlette\napp = Starlette(routes=[])\n":           {"ASGI", "made by Starlette(…)"},
			"from litestar import Litestar\napp = Litestar([index])\n":                             {"ASGI", "made by Litestar(…)"},
			"from quart import Quart\napp = Quart(__name__)\n":                                     {"ASGI", "made by Quart(…)"},
			"application = get_asgi_application()\n":                                               {"ASGI", "made by get_asgi_application(…)"},
			"import falcon.asgi\napp = falcon.asgi.App()\n":                                        {"ASGI", "made by falcon.asgi.App(…)"},
			"async def app(scope, receive, send):\n    pass\n":                                     {"ASGI", "async def app(…)"},
			"from flask import Flask\napp = Flask(__name__)\n":                                     {"WSGI", "made by Flask(…)"},
			"application = get_wsgi_application()\n":                                               {"WSGI", "made by get_wsgi_application(…)"},
			"import bottle\napp = bottle.Bottle()\n":                                               {"WSGI", "made by bottle.Bottle(…)"},
			"import falcon\napp = falcon.App()\n":                                                  {"WSGI", "made by falcon.App(…)"},
			"def application(environ, start_response):\n    return []\n":                           {"WSGI", "def application(…)"},
			"from fastapi import FastAPI\napp = FastAPI()\napp = Middleware(app)\n":                {"ASGI", "m.py calls FastAPI(…)"},
			"from fastapi import FastAPI\n\ndef build():\n    return FastAPI()\n\napp = build()\n": {"ASGI", "m.py calls FastAPI(…)"},
			"app = make()\n": {"WSGI", ""},
			"from fastapi import FastAPI\nfrom app.main import build\napp = build()\n": {"ASGI", "m.py imports fastapi"},
			"from fastapi import FastAPI\nfrom flask import Flask\napp = combine()\n":  {"WSGI", ""},
			"from fastapi import FastAPI\n\ndef create_app():\n    return FastAPI()\n": {"ASGI", "m.py calls FastAPI(…)"},
			"import flask\n\ndef create_app():\n    return flask.Flask(__name__)\n":    {"WSGI", "m.py calls flask.Flask(…)"},
			"from fastapi import FastAPI\napi = FastAPI()\napp = api\n":                {"ASGI", "made by FastAPI(…)"},
		} {
			it("tells "+want[0]+" in "+src, func() {
				write("m.py", src)
				object, ok := find("m.py")
				Expect(ok).To(BeTrue())
				Expect(string(object.Interface)).To(Equal(want[0]))
				Expect(object.Evidence).To(Equal(want[1]))
			})
		}

		it("follows imports from the app's own modules", func() {
			write("asgi.py", "from project.main import app\n")
			write("project/__init__.py", "")
			write("project/main.py", "from fastapi import FastAPI\nfrom .routes import router\napp = FastAPI()\n")
			object, ok := find("asgi.py")
			Expect(ok).To(BeTrue())
			Expect(object).To(Equal(gunicorn.AppObject{Name: "app", Interface: gunicorn.ASGI, Evidence: "made by FastAPI(…)"}))
		})

		it("follows relative imports in a package and factories imported from the app's modules", func() {
			write("web/__init__.py", "from .factory import create_app\n\napp = create_app()\n")
			write("web/factory.py", "from quart import Quart\n\ndef create_app():\n    return Quart(__name__)\n")
			object, ok := find(filepath.Join("web", "__init__.py"))
			Expect(ok).To(BeTrue())
			Expect(object.Interface).To(Equal(gunicorn.ASGI))
			Expect(object.Evidence).To(Equal(filepath.Join("web", "factory.py") + " calls Quart(…)"))
		})

		it("does not loop on modules importing each other", func() {
			write("a.py", "from b import app\n")
			write("b.py", "from a import app\n")
			object, ok := find("a.py")
			Expect(ok).To(BeTrue())
			Expect(object.Interface).To(Equal(gunicorn.WSGI))
		})

		it("takes an app imported from elsewhere as WSGI unless the module says otherwise", func() {
			write("wsgi.py", "from installed_package import app\n")
			object, ok := find("wsgi.py")
			Expect(ok).To(BeTrue())
			Expect(object).To(Equal(gunicorn.AppObject{Name: "app", Interface: gunicorn.WSGI}))
		})
	})

	it("finds nothing in a file that is not there", func() {
		_, ok := find("missing.py")
		Expect(ok).To(BeFalse())
	})

	context("failure cases", func() {
		it("fails when a module cannot be read", func() {
			Expect(os.Mkdir(filepath.Join(appDir, "app.py"), 0o755)).To(Succeed())
			_, _, err := gunicorn.FindAppObject(appDir, "app.py")
			Expect(err).To(MatchError(ContainSubstring("reading app.py: ")))
		})
	})
}
