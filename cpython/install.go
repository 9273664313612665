package cpython

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2/postal"
)

// Installer delivers a CPython archive into a layer: from the copy vendored
// in an offline package when there is one, else through postal, which
// applies dependency mirrors (BP_DEPENDENCY_MIRROR, mirror bindings) and
// mappings, and verifies the checksum.
type Installer struct {
	online  Deliverer
	offline Deliverer
}

// Deliverer is postal.Service's Deliver.
type Deliverer interface {
	Deliver(dependency postal.Dependency, cnbPath, layerPath, platformPath string) error
}

// NewInstaller wires postal with Transport.
func NewInstaller(transport Transport) Installer {
	service := postal.NewService(transport)
	return Installer{
		online:  service,
		offline: service.WithDependencyMirrorResolver(noMirror{}),
	}
}

// VendoredPath is where an offline package keeps a dependency:
// <buildpack>/dependencies/<sha256>/<file name>.
func VendoredPath(cnbPath string, dependency postal.Dependency) string {
	sum := strings.TrimPrefix(dependency.Checksum, "sha256:")
	name := path.Base(dependency.URI)
	if unescaped, err := url.PathUnescape(name); err == nil {
		name = unescaped
	}
	return filepath.Join(cnbPath, "dependencies", sum, name)
}

// Install unpacks the dependency into layerPath. It reports whether the
// vendored copy was used.
func (i Installer) Install(dependency postal.Dependency, cnbPath, layerPath, platformPath string) (vendored bool, err error) {
	deliverer := i.online
	if local := VendoredPath(cnbPath, dependency); fileExists(local) {
		dependency.URI = "file://" + local
		deliverer, vendored = i.offline, true
	}
	if err := deliverer.Deliver(dependency, cnbPath, layerPath, platformPath); err != nil {
		return vendored, fmt.Errorf("installing CPython %s: %w", dependency.Version, err)
	}
	return vendored, nil
}

type noMirror struct{}

func (noMirror) FindDependencyMirror(string, string) (string, error) { return "", nil }

func fileExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}
