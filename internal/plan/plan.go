// Package plan holds the names that the sub-buildpacks share: build plan
// entries and buildpack ids. They are never re-typed as literals elsewhere.
package plan

const (
	// CPython is the build plan entry the runtime sub-buildpack provides.
	CPython = "cpython"

	// SitePackages is the build plan entry the installers provide.
	SitePackages = "site-packages"

	// CondaEnvironment is the build plan entry the conda sub-buildpack provides.
	CondaEnvironment = "conda-environment"
)

// Buildpack ids, as written in each sub-buildpack's buildpack.toml.
const (
	CPythonID       = "python-cnb/cpython"
	PipID           = "python-cnb/pip"
	UVID            = "python-cnb/uv"
	PoetryID        = "python-cnb/poetry"
	PipenvID        = "python-cnb/pipenv"
	CondaID         = "python-cnb/conda"
	CollectstaticID = "python-cnb/collectstatic"
	GunicornID      = "python-cnb/gunicorn"
	PreBuildID      = "python-cnb/pre-build"
	PostBuildID     = "python-cnb/post-build"
)

// VersionSourceKey is the metadata key a requirement of CPython uses to say
// where its version constraint came from (Paketo's convention).
const VersionSourceKey = "version-source"
