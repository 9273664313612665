// Package gunicorn is the start sub-buildpack: it decides at build time how
// the app is started and writes that as the default web process.
package gunicorn

const (
	// DisableRecursiveLookupEnv stops detection from looking for *.py files
	// below the app's root (Oryx's setting).
	DisableRecursiveLookupEnv = "DISABLE_RECURSIVE_LOOKUP"

	// RuntimeTxt is Oryx's version file; its presence alone makes an app Python.
	RuntimeTxt = "runtime.txt"
)

// ScriptCandidates are the files run with python when nothing else says how
// to start the app, in order.
var ScriptCandidates = []string{"app.py", "main.py"}
