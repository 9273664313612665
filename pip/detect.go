package pip

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/environment"
)

// Detect passes when pip installs the app's dependencies (see
// environment.Choose): a requirements file, setup.py, or a pyproject.toml
// with [project] or [build-system] and no lock file of another manager.
func Detect() packit.DetectFunc {
	return environment.Detect(Manager)
}
