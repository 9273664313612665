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

	// WSGIFile in a package directory marks a Django project; DjangoDepth is
	// how many directory levels below the root are searched for it.
	WSGIFile    = "wsgi.py"
	DjangoDepth = 3

	// GunicornVersion is installed when the app's dependencies do not
	// provide gunicorn.
	GunicornVersion = "27.0.1"

	// GunicornLayer holds that gunicorn (launch, cache); StartLayer holds the
	// exec.d program (launch).
	GunicornLayer = "gunicorn"
	StartLayer    = "start"

	// ExecDPath is the exec.d program inside this buildpack.
	ExecDPath = "bin/execd"
)

// WSGIModules are the files searched, in order, for a module-level WSGI
// callable: the four Oryx documents, then the ones its code also tries.
var WSGIModules = []string{"application.py", "app.py", "index.py", "server.py", "run.py", "wsgi.py"}

// WSGICallables are the names a WSGI callable may have, preferred first.
var WSGICallables = []string{"app", "application"}

// ScriptModules are further files run with python when they run themselves
// (`if __name__ == "__main__":`) and nothing above says how to start the app.
var ScriptModules = []string{"main.py"}
