// Package conda is the conda sub-buildpack: it creates a conda environment
// from the app's environment.yml (or, for a notebook-only repository, a
// default one) with py-rattler, then installs the pip requirements into it,
// as Oryx's conda flow does.
package conda

const (
	// ID is this sub-buildpack's id in buildpack.toml.
	ID = "python-cnb/conda"

	// EnvLayer holds the conda environment (build, launch, cache).
	EnvLayer = "conda-env"
	// PkgsLayer holds py-rattler's package and repodata cache (cache only).
	PkgsLayer = "conda-pkgs"
	// RattlerLayer holds the unpacked py-rattler wheel (cache only: used by
	// this buildpack's build and nothing else).
	RattlerLayer = "rattler"

	// DependencyID names py-rattler in buildpack.toml's [[metadata.dependencies]].
	DependencyID = "py-rattler"
	// PypiScheme marks a dependency URI resolved with `pip download`, which
	// honours the build's pip settings (PIP_INDEX_URL, a mirror…).
	PypiScheme = "pypi:"

	// ChannelAliasEnv is the base URL for channels named in the environment
	// file (conda's channel_alias).
	ChannelAliasEnv = "BP_CONDA_CHANNEL_ALIAS"
	// DefaultChannelAlias is conda's default channel alias.
	DefaultChannelAlias = "https://conda.anaconda.org/"
	// DefaultChannel is used when the environment file names none; conda's
	// "defaults" is read from it too.
	DefaultChannel = "conda-forge"

	// PrefixEnv is the variable conda's activation sets to the environment.
	PrefixEnv = "CONDA_PREFIX"
)

// EnvFiles are the environment files looked for at the app's root, in
// order of precedence.
var EnvFiles = []string{"environment.yml", "environment.yaml"}

// NotebookExt marks a Jupyter notebook.
const NotebookExt = ".ipynb"
