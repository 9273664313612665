// Package pip is the pip sub-buildpack: it creates a virtual environment in
// a layer and installs the app's requirements (and the app itself when it is
// a setup.py or pyproject project) into it with pip.
package pip

const (
	// VenvLayer holds the virtual environment (launch; build and cache when
	// something uses it at build).
	VenvLayer = "venv"
	// PackagesLayer (build only) sets plan.PackagesEnv for later
	// sub-buildpacks.
	PackagesLayer = "packages"
	// CacheLayer holds pip's download and wheel cache (cache only).
	CacheLayer = "pip-cache"

	// VirtualenvNameEnv is Oryx's setting: the app dir gets a link of that
	// name pointing at the environment.
	VirtualenvNameEnv = "VIRTUALENV_NAME"
	// PackageWheelEnv builds the project's wheel into dist/.
	PackageWheelEnv = "BP_PIP_PACKAGE_WHEEL"

	// CompressEnv and OryxCompressEnv ask for the environment to be written
	// into the app as one archive (tar-gz or zip) that is unpacked at
	// container start, as Oryx's compress_virtualenv does.
	CompressEnv     = "BP_PIP_COMPRESS_VIRTUALENV"
	OryxCompressEnv = "COMPRESS_VIRTUALENV"
	// UnpackLayer carries, when the environment is compressed, the exec.d
	// program that unpacks it at launch and the launch environment.
	UnpackLayer = "venv-unpack"
	// ArchiveEnv tells the unpacking program where the archive is.
	ArchiveEnv = "PYTHON_CNB_VENV_ARCHIVE"

	// BindingType is the service binding type whose pip.conf (and netrc)
	// configure pip without putting credentials into the environment.
	BindingType = "pip"
)

// settingsThatMatter are the pip environment variables that change what an
// install produces; a change to any of them rebuilds the environment.
var settingsThatMatter = []string{
	"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX",
	"PIP_TRUSTED_HOST", "PIP_PRE", "PIP_ONLY_BINARY", "PIP_NO_BINARY",
	"PIP_CONSTRAINT", "PIP_REQUIRE_HASHES", "PIP_NO_DEPS", "PIP_UPGRADE_STRATEGY",
	"PIP_CONFIG_FILE",
}
