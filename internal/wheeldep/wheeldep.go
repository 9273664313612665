// Package wheeldep delivers the tools a sub-buildpack runs at build and
// ships as Python wheels (py-rattler for conda, uv): each is a checksummed
// dependency in the sub-buildpack's buildpack.toml, fetched from a copy
// vendored in the buildpack (offline packages), else with the build's own
// `pip download` for a pypi: URI (so PIP_INDEX_URL and private mirrors
// apply), else from its http(s):// or file:// URI (dependency mirrors
// apply), checked against its sha256 and unpacked into a layer.
package wheeldep

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/paketo-buildpacks/packit/v2/vacation"
	"github.com/python-cnb/buildpack/internal/errs"
)

// PypiScheme marks a dependency URI resolved with `pip download`, which
// honours the build's pip settings (PIP_INDEX_URL, a mirror…).
const PypiScheme = "pypi:"

// Executable runs a program; pexec.Executable is one.
type Executable interface {
	Execute(pexec.Execution) error
}

// DependencyInstaller unpacks a dependency fetched from an http(s):// or
// file:// URI into a layer (cpython.Installer: mirrors, vendored copies and
// the checksum check).
type DependencyInstaller interface {
	Install(dependency postal.Dependency, cnbPath, layerPath, platformPath string) (vendored bool, err error)
}

// Load reads the dependency id for arch from buildpack.toml.
func Load(buildpackToml, id, arch string) (postal.Dependency, error) {
	var config struct {
		Metadata struct {
			Dependencies []postal.Dependency `toml:"dependencies"`
		} `toml:"metadata"`
	}
	if _, err := toml.DecodeFile(buildpackToml, &config); err != nil {
		return postal.Dependency{}, fmt.Errorf("reading the dependency list in %s: %w", buildpackToml, err)
	}
	for _, d := range config.Metadata.Dependencies {
		if d.ID == id && (d.Arch == "" || d.Arch == arch) {
			if !strings.HasPrefix(d.Checksum, "sha256:") {
				return postal.Dependency{}, fmt.Errorf("%s: the %s dependency for %s has no sha256 checksum", buildpackToml, id, arch)
			}
			return d, nil
		}
	}
	return postal.Dependency{}, errs.New(
		fmt.Sprintf("this buildpack has no %s for the %s architecture", id, arch),
		"build on a supported architecture (see [[targets]] in buildpack.toml)")
}

// Fetcher delivers a wheel, unpacked, into a layer.
type Fetcher struct {
	python    Executable
	installer DependencyInstaller
}

// NewFetcher returns a Fetcher that runs python's pip for pypi: URIs and
// installer for the others.
func NewFetcher(python Executable, installer DependencyInstaller) Fetcher {
	return Fetcher{python: python, installer: installer}
}

// Fetch puts the unpacked wheel into layerPath and says where it came from.
// In order: a copy vendored in the buildpack at dependencies/<sha256>/*.whl;
// for a pypi:<requirement> URI, `python -I -m pip download` (the build's pip
// settings apply; -I keeps the app's files off sys.path); otherwise the URI
// itself. The wheel's sha256 must match.
func (f Fetcher) Fetch(dep postal.Dependency, cnbPath, layerPath, platformPath string, out io.Writer) (string, error) {
	sum := strings.TrimPrefix(dep.Checksum, "sha256:")
	vendored, _ := filepath.Glob(filepath.Join(cnbPath, "dependencies", sum, "*.whl"))
	if len(vendored) == 1 {
		return "the copy vendored in this buildpack", unpackWheel(dep, vendored[0], layerPath)
	}

	requirement, ok := strings.CutPrefix(dep.URI, PypiScheme)
	if !ok {
		if _, err := f.installer.Install(dep, cnbPath, layerPath, platformPath); err != nil {
			if inner := errors.Unwrap(err); inner != nil {
				err = inner // drop the installer's "installing CPython" prefix
			}
			return "", fetchError(dep, err)
		}
		return dep.URI, nil
	}

	tmp, err := os.MkdirTemp("", "wheeldep-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	var tail strings.Builder
	err = f.python.Execute(pexec.Execution{
		Args: []string{"-I", "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
			"--disable-pip-version-check", "--no-input", "--dest", tmp, requirement},
		Stdout: io.MultiWriter(out, &tail),
		Stderr: io.MultiWriter(out, &tail),
	})
	if err != nil {
		return "", fetchError(dep, fmt.Errorf("python -m pip download %s failed: %w\n%s", requirement, err, errs.Tail(tail.String(), 10)))
	}
	wheels, _ := filepath.Glob(filepath.Join(tmp, "*.whl"))
	if len(wheels) != 1 {
		return "", fmt.Errorf("pip download %s left %d wheels instead of one", requirement, len(wheels))
	}
	return "pip download " + requirement, unpackWheel(dep, wheels[0], layerPath)
}

// unpackWheel checks the wheel's sha256 and unzips it into dir.
func unpackWheel(dep postal.Dependency, wheel, dir string) error {
	file, err := os.Open(wheel)
	if err != nil {
		return err
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return fmt.Errorf("reading %s: %w", wheel, err)
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != dep.Checksum {
		return &errs.UserError{
			Title:  fmt.Sprintf("The %s wheel %s does not match its checksum", dep.ID, filepath.Base(wheel)),
			Detail: fmt.Sprintf("expected %s\ngot      %s", dep.Checksum, got),
			Remedy: "if pip reads from a mirror (PIP_INDEX_URL), replace its copy with the original wheel; otherwise retry the build",
		}
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := vacation.NewZipArchive(file).Decompress(dir); err != nil {
		return fmt.Errorf("unpacking %s: %w", filepath.Base(wheel), err)
	}
	return nil
}

func fetchError(dep postal.Dependency, err error) error {
	if strings.Contains(err.Error(), "checksum does not match") {
		return &errs.UserError{
			Title:  fmt.Sprintf("The %s %s wheel from %s does not match its checksum", dep.ID, dep.Version, dep.URI),
			Detail: fmt.Sprintf("expected %s; %v", dep.Checksum, err),
			Remedy: "if you use a dependency mirror, replace its copy with the original wheel; otherwise retry the build",
			Err:    err,
		}
	}
	return &errs.UserError{
		Title:  fmt.Sprintf("Could not download %s %s (%s)", dep.ID, dep.Version, dep.URI),
		Detail: err.Error(),
		Remedy: "let the build reach the Python package index (or point PIP_INDEX_URL at a mirror that has it), or build with a copy of the wheel vendored in the buildpack (dependencies/<sha256>/<wheel>)",
		Err:    err,
	}
}
