// Package stage copies the composite buildpack into a clean directory for
// `pack build --buildpack <dir>`, optionally with a different CPython
// dependency list (for tests and the demo on machines that cannot reach the
// upstream CPython downloads) and with archives vendored as in an offline
// package.
package stage

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/python-cnb/buildpack/cpython"
)

// Dependency is one CPython build in a replacement dependency list.
type Dependency struct {
	Version  string
	URI      string
	Checksum string // sha256:<hex>
	// Vendor, if set, is a local archive copied into the staged buildpack's
	// dependencies/<sha256>/ folder, as the offline package does.
	Vendor string
	// Arch of the entry; Options.Arch when empty.
	Arch string
}

// Options says what to change while staging.
type Options struct {
	// Dependencies replaces cpython's [[metadata.dependencies]] when not nil.
	Dependencies []Dependency
	// Arch of the replacement entries that name none.
	Arch string
}

// Stage copies the composite at root into out: buildpack.toml, package.toml
// and, for each dependency listed in package.toml, its buildpack.toml and
// bin/. The composite goes into out/composite with its sub-buildpacks beside
// it (package.toml points at ../<name>), so that pack does not copy the
// sub-buildpacks' binaries twice. It returns the composite's directory.
func Stage(root, out string, opts Options) (string, error) {
	var pkg struct {
		Dependencies []struct {
			URI string `toml:"uri"`
		} `toml:"dependencies"`
	}
	if _, err := toml.DecodeFile(filepath.Join(root, "package.toml"), &pkg); err != nil {
		return "", fmt.Errorf("reading package.toml: %w", err)
	}
	if err := os.RemoveAll(out); err != nil {
		return "", err
	}
	composite := filepath.Join(out, "composite")
	if err := copyFile(filepath.Join(root, "buildpack.toml"), filepath.Join(composite, "buildpack.toml")); err != nil {
		return "", err
	}
	var packageToml strings.Builder
	packageToml.WriteString("[buildpack]\n  uri = \".\"\n")
	var files []string
	for _, dep := range pkg.Dependencies {
		fmt.Fprintf(&packageToml, "\n[[dependencies]]\n  uri = %q\n", "../"+dep.URI)
		files = append(files,
			filepath.Join(dep.URI, "buildpack.toml"),
			filepath.Join(dep.URI, "bin", "detect"),
			filepath.Join(dep.URI, "bin", "build"))
		// other programs (exec.d) built into bin/
		others, _ := filepath.Glob(filepath.Join(root, dep.URI, "bin", "*"))
		for _, other := range others {
			if name := filepath.Base(other); name != "detect" && name != "build" {
				files = append(files, filepath.Join(dep.URI, "bin", name))
			}
		}
	}
	for _, f := range files {
		if err := copyFile(filepath.Join(root, f), filepath.Join(out, f)); err != nil {
			return "", fmt.Errorf("staging %s (run scripts/build.sh first): %w", f, err)
		}
	}
	if err := os.WriteFile(filepath.Join(composite, "package.toml"), []byte(packageToml.String()), 0o644); err != nil {
		return "", err
	}
	if opts.Dependencies != nil {
		if err := replaceDependencies(filepath.Join(out, "cpython"), opts); err != nil {
			return "", err
		}
	}
	return composite, nil
}

func replaceDependencies(dir string, opts Options) error {
	descriptor := filepath.Join(dir, "buildpack.toml")
	config := map[string]interface{}{}
	if _, err := toml.DecodeFile(descriptor, &config); err != nil {
		return fmt.Errorf("reading %s: %w", descriptor, err)
	}
	metadata, _ := config["metadata"].(map[string]interface{})
	if metadata == nil {
		metadata = map[string]interface{}{}
		config["metadata"] = metadata
	}
	var entries []map[string]interface{}
	for _, d := range opts.Dependencies {
		arch := d.Arch
		if arch == "" {
			arch = opts.Arch
		}
		entries = append(entries, map[string]interface{}{
			"id": "cpython", "name": "CPython", "version": d.Version, "arch": arch, "os": "linux",
			"uri": d.URI, "checksum": d.Checksum, "strip-components": 1, "stacks": []string{"*"},
			// as the shipped entries have them, for the bill of materials
			"licenses": []string{"PSF-2.0"}, "cpe": "cpe:2.3:a:python:python:" + d.Version + ":*:*:*:*:*:*:*",
			"purl":   "pkg:generic/cpython@" + d.Version + "?checksum=" + strings.TrimPrefix(d.Checksum, "sha256:"),
			"source": "https://www.python.org/ftp/python/" + d.Version + "/Python-" + d.Version + ".tgz",
		})
		if d.Vendor != "" {
			vendored := cpython.VendoredPath(dir, postal.Dependency{URI: d.URI, Checksum: d.Checksum})
			if err := copyFile(d.Vendor, vendored); err != nil {
				return fmt.Errorf("vendoring %s: %w", d.Vendor, err)
			}
		}
	}
	metadata["dependencies"] = entries
	f, err := os.Create(descriptor)
	if err != nil {
		return err
	}
	defer f.Close()
	return toml.NewEncoder(f).Encode(config)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
