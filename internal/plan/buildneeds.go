package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/paketo-buildpacks/packit/v2"
)

// BuildKey is the requirement metadata a sub-buildpack adds next to
// "build": true when it needs the required layer at build only to rebuild
// its own launch-only layers, and those layers depend on nothing but the
// key's value and the provider's own version. The provider stores the keys
// it saw; when neither they nor the provider's layer changed, every such
// sub-buildpack will reuse its layers without running anything, so the
// provider keeps its layer for launch only: the lifecycle then restores
// nothing and re-exports nothing. A "build": true requirement without a key
// needs the layer at build every time.
const BuildKey = "build-key"

// CPythonIdentityEnv is set at build, to the CPython version and archive
// checksum, whenever the cpython layer is there at build. Unset, it means
// the layer was kept for launch only (see BuildKey).
const CPythonIdentityEnv = "PYTHON_CNB_CPYTHON"

// CPythonHomeEnv is set at build, with CPythonIdentityEnv, to where the
// image has CPython. The CPython on the build's PATH may be a copy for the
// build only (when the image keeps the cpython layer it has): then what
// refers to CPython by its path, such as a virtual environment's
// pyvenv.cfg, must name this one.
const CPythonHomeEnv = "PYTHON_CNB_CPYTHON_HOME"

// PackagesEnv is set at build by the pip sub-buildpack to the distributions
// in the app's environment, as space-separated name==version, so that later
// sub-buildpacks need not import from an environment that may be kept for
// launch only.
const PackagesEnv = "PYTHON_CNB_PACKAGES"

// BuildUse is what a provider's plan entries say about use at build.
type BuildUse struct {
	// Always is true when some requirer needs the layer at every build.
	Always bool
	// Keys are the requirers' BuildKey values, sorted.
	Keys []string
}

// BuildNeeds reads the "build" and BuildKey metadata of a provider's entries.
func BuildNeeds(entries []packit.BuildpackPlanEntry) BuildUse {
	var use BuildUse
	for _, entry := range entries {
		if build, _ := entry.Metadata["build"].(bool); !build {
			continue
		}
		key, _ := entry.Metadata[BuildKey].(string)
		if key == "" {
			use.Always = true
			continue
		}
		use.Keys = append(use.Keys, key)
	}
	sort.Strings(use.Keys)
	return use
}

// Any tells whether some requirer uses the layer at build.
func (u BuildUse) Any() bool {
	return u.Always || len(u.Keys) > 0
}

// Digest identifies the set of keys.
func (u BuildUse) Digest() string {
	return "sha256:" + hashParts(u.Keys)
}

// KeyOf returns a BuildKey value for parts, which are hashed so that no
// setting's value is written anywhere.
func KeyOf(name string, parts ...string) string {
	return name + ":" + hashParts(parts)[:32]
}

// hashParts is the hex sha256 of parts, each ended by a NUL byte so that
// ("a", "b") and ("ab") differ.
func hashParts(parts []string) string {
	h := sha256.New()
	for _, part := range parts {
		fmt.Fprintf(h, "%s\x00", part)
	}
	return hex.EncodeToString(h.Sum(nil))
}
