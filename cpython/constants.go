// Package cpython is the runtime sub-buildpack: it resolves the Python
// version the app asks for and installs that CPython into a layer.
package cpython

import "github.com/python-cnb/buildpack/internal/settings"

const (
	// LayerName is the layer holding the CPython installation.
	LayerName = "cpython"
	// BuildEnvLayerName is the build-only layer putting that CPython on
	// the build's PATH when later buildpacks need it at build.
	BuildEnvLayerName = "cpython-build"
	// PipLayerName holds the pip that comes with CPython, for the build
	// only: the image carries no installer.
	PipLayerName = "pip"

	// DependencyID names CPython in buildpack.toml's [[metadata.dependencies]].
	DependencyID = "cpython"

	// VersionEnv is the CNB-style version setting; OryxVersionEnv is Oryx's.
	VersionEnv     = "BP_CPYTHON_VERSION"
	OryxVersionEnv = "PYTHON_VERSION"

	// The version files, in order of precedence.
	RuntimeTxt    = "runtime.txt"
	PythonVersion = ".python-version"
	Pipfile       = "Pipfile"
	PipfileLock   = "Pipfile.lock"
	PyprojectToml = "pyproject.toml"
	// PoetryPythonSource names the python constraint of Poetry's
	// [tool.poetry.dependencies] as a version source.
	PoetryPythonSource = PyprojectToml + " [tool.poetry.dependencies] python"

	// PipfileSource names the Pipfile's [requires] as a version source.
	PipfileSource = "Pipfile [requires]"
)

// Checks validate, before any work, the settings this sub-buildpack reads.
var Checks = []settings.Check{versionCheck(VersionEnv), versionCheck(OryxVersionEnv)}

func versionCheck(name string) settings.Check {
	return settings.Check{Name: name, Validate: func(string) error {
		value, _ := settings.First(name)
		_, err := parseRequest(name, value, settingRemedy(name))
		return err
	}}
}
