// Package gunicorn is the start sub-buildpack: it decides at build time how
// the app is started and writes that as the default web process.
package gunicorn

const (
	// DisableRecursiveLookupEnv stops detection from looking for *.py files
	// below the app's root (Oryx's setting).
	DisableRecursiveLookupEnv = "DISABLE_RECURSIVE_LOOKUP"

	// RuntimeTxt is Oryx's version file; its presence alone makes an app Python.
	RuntimeTxt = "runtime.txt"

	// StartCommandEnv sets the web process's command; OryxStartCommandEnv is
	// the Oryx-style name for it. The first that is set wins, and either wins
	// over the Procfile's web entry.
	StartCommandEnv     = "BP_PYTHON_START_COMMAND"
	OryxStartCommandEnv = "PYTHON_STARTUP_COMMAND"

	// Procfile lists processes as `type: command` lines at the app's root.
	Procfile = "Procfile"

	// WebProcess is the default process's type.
	WebProcess = "web"

	// WSGIFile in a package directory marks a Django project, and so does
	// ASGIFile; DjangoDepth is how many directory levels below the root are
	// searched for them.
	WSGIFile    = "wsgi.py"
	ASGIFile    = "asgi.py"
	DjangoDepth = 3

	// DisableASGIEnv turns ASGI detection off (Oryx's setting): every app
	// object is served as WSGI, and a Django asgi.py is not looked at.
	DisableASGIEnv = "DISABLE_FASTAPI_DETECTION"

	// ASGIWorker is the gunicorn worker class that serves ASGI apps.
	ASGIWorker = "uvicorn_worker.UvicornWorker"

	// FactoryName is the app factory gunicorn calls (module:create_app()),
	// as in Flask's tutorial.
	FactoryName = "create_app"

	// PyprojectFile may declare the project's scripts.
	PyprojectFile = "pyproject.toml"

	// ServersLayer holds the servers the app's environment lacks (launch);
	// StartLayer holds the exec.d program (launch).
	ServersLayer = "servers"
	StartLayer   = "start"

	// ExecDPath is the exec.d program inside this buildpack.
	ExecDPath = "bin/execd"
)

// AppModules are the files at the app's root searched, in order, for an
// app object or factory: the four Oryx documents, the two its code also
// tries, then main.py and the other files of Oryx's FastAPI list.
var AppModules = []string{"application.py", "app.py", "index.py", "server.py", "run.py", "wsgi.py", "main.py", "asgi.py", "api.py"}

// OryxModules are the first AppModules: one of them without an app object
// fails the build when nothing else says how to start the app, as Oryx
// would serve it and fail.
var OryxModules = AppModules[:6]

// AppNames are the names an app object may have, preferred first.
var AppNames = []string{"app", "application"}
