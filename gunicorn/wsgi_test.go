package gunicorn_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/sclevine/spec"
)

func testWSGI(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	callable := func(src string) string { return gunicorn.DefinedCallable([]byte(src)) }

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
		} {
			it("finds "+want+" in "+src, func() {
				Expect(callable(src)).To(Equal(want))
			})
		}
	})

	context("what is not a module-level WSGI callable", func() {
		for _, src := range []string{
			"",
			"import app\n",
			"from flask import Flask\nmyapp = Flask(__name__)\n",
			"def create_app():\n    app = Flask(__name__)\n    return app\n",
			"class Server:\n    app = None\n",
			"if __name__ == \"__main__\":\n    app = Flask(__name__)\n    app.run()\n",
			"async def app(scope, receive, send):\n    pass\n",
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
		} {
			it("finds nothing in "+src, func() {
				Expect(callable(src)).To(BeEmpty())
			})
		}
	})

	it("prefers app over application wherever they are", func() {
		Expect(callable("application = make()\n\napp = other()\n")).To(Equal("app"))
	})

	it("copes with an unterminated string", func() {
		Expect(callable("x = 'open\napp = make()\ny = \"\"\"never closed\n")).To(Equal("app"))
	})
}
