// Package lockfile reads what the lock files of uv and Poetry (uv.lock,
// poetry.lock) pin: each package's version and the archives (wheels and
// source distributions) it lists, and the tags of a wheel's file name. The
// bill of materials takes the archives' digests from it, and the CPython
// choice the wheels' Python versions.
package lockfile

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// Names are the lock files Read understands.
var Names = []string{"uv.lock", "poetry.lock"}

// File is an archive a lock file lists for a package: its file name and
// its hash as written ("sha256:<hex>", or "" for none).
type File struct {
	Name, Hash string
}

// Package is a package a lock file pins.
type Package struct {
	Name, Version string
	Files         []File
}

// Read reads the lock file at lockPath, by its name (see Names); any
// other file gives nothing.
func Read(lockPath string) ([]Package, error) {
	switch filepath.Base(lockPath) {
	case "uv.lock":
		return readUV(lockPath)
	case "poetry.lock":
		return readPoetry(lockPath)
	}
	return nil, nil
}

// readUV reads uv.lock's packages: their sdist and wheels, each a file
// name, a URL or a path, with a hash.
func readUV(lockPath string) ([]Package, error) {
	type file struct {
		URL      string `toml:"url"`
		Path     string `toml:"path"`
		Filename string `toml:"filename"`
		Hash     string `toml:"hash"`
	}
	var lock struct {
		Package []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
			Sdist   *file  `toml:"sdist"`
			Wheels  []file `toml:"wheels"`
		} `toml:"package"`
	}
	if _, err := toml.DecodeFile(lockPath, &lock); err != nil {
		return nil, err
	}
	var packages []Package
	for _, p := range lock.Package {
		pkg := Package{Name: p.Name, Version: p.Version}
		files := p.Wheels
		if p.Sdist != nil {
			files = append(files, *p.Sdist)
		}
		for _, f := range files {
			name := f.Filename
			for _, location := range []string{f.URL, f.Path} {
				if name == "" && location != "" {
					name = path.Base(strings.SplitN(location, "?", 2)[0])
				}
			}
			pkg.Files = append(pkg.Files, File{Name: name, Hash: f.Hash})
		}
		packages = append(packages, pkg)
	}
	return packages, nil
}

// readPoetry reads poetry.lock's packages: their files, each a name with a
// hash.
func readPoetry(lockPath string) ([]Package, error) {
	var lock struct {
		Package []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
			Files   []struct {
				File string `toml:"file"`
				Hash string `toml:"hash"`
			} `toml:"files"`
		} `toml:"package"`
	}
	if _, err := toml.DecodeFile(lockPath, &lock); err != nil {
		return nil, err
	}
	var packages []Package
	for _, p := range lock.Package {
		pkg := Package{Name: p.Name, Version: p.Version}
		for _, f := range p.Files {
			pkg.Files = append(pkg.Files, File{Name: f.File, Hash: f.Hash})
		}
		packages = append(packages, pkg)
	}
	return packages, nil
}

// WheelTags reads a wheel's file name (name-version[-build]-python-abi-
// platform.whl) as its Python, ABI and platform tag sets, which a file
// name compresses with dots ("cp312.cp313", "manylinux_2_17_x86_64.
// manylinux2014_x86_64"); ok is false for a file that is not a wheel.
func WheelTags(file string) (python, abi, platform []string, ok bool) {
	name, isWheel := strings.CutSuffix(file, ".whl")
	parts := strings.Split(name, "-")
	if !isWheel || len(parts) < 5 {
		return nil, nil, nil, false
	}
	n := len(parts)
	return strings.Split(parts[n-3], "."), strings.Split(parts[n-2], "."), strings.Split(parts[n-1], "."), true
}
