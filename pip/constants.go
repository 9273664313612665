// Package pip is the pip sub-buildpack: it installs a requirements file, a
// setup.py or pyproject project, or the dependencies of a pyproject.toml,
// into the app's environment with pip (see package environment, which makes
// and reuses the environment).
package pip

import "github.com/python-cnb/buildpack/internal/settings"

const (
	// PackageWheelEnv builds the project's wheel into dist/.
	PackageWheelEnv = "BP_PIP_PACKAGE_WHEEL"
	// FastBuildEnv installs the requirements file with `uv pip install`,
	// falling back to pip when uv fails (Oryx's setting).
	FastBuildEnv = "PYTHON_FAST_BUILD_ENABLED"
	// UVDependency is uv's entry in buildpack.toml, for FastBuildEnv.
	UVDependency = "uv"
)

// Checks validate, before any work, the settings this sub-buildpack reads.
var Checks = []settings.Check{settings.BoolCheck(PackageWheelEnv), settings.BoolCheck(FastBuildEnv)}
