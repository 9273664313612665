// Package condafixture builds a local conda channel for integration tests:
// conda-forge/linux-64 holds python (the CPython of pyfixture, repackaged as
// a conda package) and conda-forge/noarch holds pure-Python packages made
// from wheels that `pip download` (the pip of that CPython) fetches. Packages are .tar.bz2 (written
// with archive/tar and the bzip2 program) and repodata.json is written here,
// so no conda tool is needed. Only linux/amd64 is supported, as pyfixture.
package condafixture

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/python-cnb/buildpack/integration/internal/pyfixture"
)

// ChannelName is the channel the packages are in; point a channel alias at
// the directory Build returns and "conda-forge" resolves to it.
const ChannelName = "conda-forge"

// revision names the cache subdirectory; bump it when the layout changes.
const revision = "v2"

// Wheels are the noarch packages put into the channel by default.
var Wheels = []string{"pip==24.3.1", "six==1.17.0", "itsdangerous==2.2.0"}

// Build makes (or reuses from cacheDir) a channel holding python
// pythonVersion and the given wheels (pip requirement strings, pinned), and
// returns the directory to serve: it holds ChannelName/.
func Build(cacheDir, pythonVersion string, wheels []string) (string, error) {
	if _, err := exec.LookPath("bzip2"); err != nil {
		return "", errors.New("condafixture: the bzip2 program is needed (apt-get install bzip2)")
	}
	key := sha256.Sum256([]byte(pythonVersion + "\x00" + strings.Join(wheels, "\x00")))
	root := filepath.Join(cacheDir, revision, hex.EncodeToString(key[:8]))
	if _, err := os.Stat(filepath.Join(root, ChannelName, "noarch", "repodata.json")); err == nil {
		return root, nil
	}
	tmp := root + ".tmp"
	os.RemoveAll(tmp)
	channel := filepath.Join(tmp, ChannelName)

	tarball, _, err := pyfixture.Tarball(filepath.Join(cacheDir, "pyfixture"), pythonVersion)
	if err != nil {
		return "", err
	}
	python, err := pythonPackage(tarball, pythonVersion)
	if err != nil {
		return "", fmt.Errorf("condafixture: python: %w", err)
	}
	if err := writeSubdir(channel, "linux-64", []pkg{python}); err != nil {
		return "", err
	}

	wheelDir := filepath.Join(cacheDir, "wheels")
	var noarch []pkg
	for _, requirement := range wheels {
		path, err := download(wheelDir, tarball, requirement)
		if err != nil {
			return "", err
		}
		p, err := noarchPackage(path)
		if err != nil {
			return "", fmt.Errorf("condafixture: %s: %w", filepath.Base(path), err)
		}
		noarch = append(noarch, p)
	}
	if err := writeSubdir(channel, "noarch", noarch); err != nil {
		return "", err
	}
	os.RemoveAll(root)
	if err := os.Rename(tmp, root); err != nil {
		return "", err
	}
	return root, nil
}

// file is one file of a package.
type file struct {
	path    string
	data    []byte
	mode    int64
	symlink string
}

// pkg is a conda package before it is written.
type pkg struct {
	index map[string]interface{}
	files []file
	link  map[string]interface{}
}

func (p pkg) filename() string {
	return fmt.Sprintf("%s-%s-%s.tar.bz2", p.index["name"], p.index["version"], p.index["build"])
}

// pythonPackage repackages a pyfixture tarball (python/ at the top) as the
// conda package python, without its site-packages (pip comes as its own
// package). python-build-standalone builds are relocatable, so no prefix
// placeholders are needed.
func pythonPackage(tarball, version string) (pkg, error) {
	f, err := os.Open(tarball)
	if err != nil {
		return pkg{}, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return pkg{}, err
	}
	tr := tar.NewReader(gz)
	var files []file
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return pkg{}, err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(h.Name, "./"), "python/")
		if rel == "" || rel == h.Name || strings.Contains(rel, "/site-packages/") {
			continue
		}
		switch h.Typeflag {
		case tar.TypeReg:
			data, err := io.ReadAll(tr)
			if err != nil {
				return pkg{}, err
			}
			files = append(files, file{path: rel, data: data, mode: h.Mode & 0o777})
		case tar.TypeSymlink:
			files = append(files, file{path: rel, symlink: h.Linkname})
		}
	}
	return pkg{
		index: map[string]interface{}{
			"name": "python", "version": version, "build": "pbs_0", "build_number": 0,
			"depends": []string{}, "subdir": "linux-64", "platform": "linux", "arch": "x86_64", "license": "PSF-2.0",
		},
		files: files,
	}, nil
}

// noarchPackage makes a noarch: python package of a pure-Python wheel.
func noarchPackage(wheel string) (pkg, error) {
	z, err := zip.OpenReader(wheel)
	if err != nil {
		return pkg{}, err
	}
	defer z.Close()
	var name, version string
	var files []file
	entryPoints := []string{}
	for _, zf := range z.File {
		if strings.HasSuffix(zf.Name, "/") || strings.HasSuffix(zf.Name, ".dist-info/RECORD") {
			continue
		}
		r, err := zf.Open()
		if err != nil {
			return pkg{}, err
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return pkg{}, err
		}
		switch {
		case strings.HasSuffix(zf.Name, ".dist-info/METADATA"):
			for _, line := range strings.Split(string(data), "\n") {
				if v, ok := strings.CutPrefix(line, "Name: "); ok && name == "" {
					name = strings.ToLower(strings.TrimSpace(v))
				}
				if v, ok := strings.CutPrefix(line, "Version: "); ok && version == "" {
					version = strings.TrimSpace(v)
				}
			}
		case strings.HasSuffix(zf.Name, ".dist-info/entry_points.txt"):
			entryPoints = consoleScripts(string(data))
		}
		files = append(files, file{path: "site-packages/" + zf.Name, data: data, mode: 0o644})
	}
	if name == "" || version == "" {
		return pkg{}, errors.New("no Name or Version in the wheel's METADATA")
	}
	return pkg{
		index: map[string]interface{}{
			"name": name, "version": version, "build": "pyh_0", "build_number": 0,
			"depends": []string{"python"}, "subdir": "noarch", "noarch": "python", "license": "",
		},
		files: files,
		link:  map[string]interface{}{"noarch": map[string]interface{}{"type": "python", "entry_points": entryPoints}, "package_metadata_version": 1},
	}, nil
}

func consoleScripts(entryPoints string) []string {
	out := []string{}
	section := ""
	scanner := bufio.NewScanner(strings.NewReader(entryPoints))
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && section == "[console_scripts]" {
			out = append(out, strings.TrimSpace(k)+" = "+strings.TrimSpace(v))
		}
	}
	return out
}

// writeSubdir writes the packages and their repodata.json into channel/subdir.
func writeSubdir(channel, subdir string, pkgs []pkg) error {
	dir := filepath.Join(channel, subdir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	records := map[string]interface{}{}
	for _, p := range pkgs {
		data, err := archive(p)
		if err != nil {
			return fmt.Errorf("condafixture: %s: %w", p.filename(), err)
		}
		if err := os.WriteFile(filepath.Join(dir, p.filename()), data, 0o644); err != nil {
			return err
		}
		record := map[string]interface{}{}
		for k, v := range p.index {
			record[k] = v
		}
		sum := sha256.Sum256(data)
		md := md5.Sum(data)
		record["sha256"], record["md5"], record["size"] = hex.EncodeToString(sum[:]), hex.EncodeToString(md[:]), len(data)
		records[p.filename()] = record
	}
	repodata, err := json.MarshalIndent(map[string]interface{}{
		"info": map[string]interface{}{"subdir": subdir}, "packages": records,
		"packages.conda": map[string]interface{}{}, "repodata_version": 1,
	}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "repodata.json"), repodata, 0o644)
}

// archive writes the package as .tar.bz2: info/ then the files.
func archive(p pkg) ([]byte, error) {
	var paths []map[string]interface{}
	var names []string
	sort.Slice(p.files, func(i, j int) bool { return p.files[i].path < p.files[j].path })
	for _, f := range p.files {
		names = append(names, f.path)
		entry := map[string]interface{}{"_path": f.path, "path_type": "hardlink"}
		content := f.data
		if f.symlink != "" {
			entry["path_type"], content = "softlink", []byte(f.symlink)
		}
		sum := sha256.Sum256(content)
		entry["sha256"], entry["size_in_bytes"] = hex.EncodeToString(sum[:]), len(content)
		paths = append(paths, entry)
	}
	info := map[string]interface{}{
		"index.json": p.index,
		"paths.json": map[string]interface{}{"paths": paths, "paths_version": 1},
	}
	if p.link != nil {
		info["link.json"] = p.link
	}

	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	add := func(h *tar.Header, data []byte) error {
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	for _, name := range []string{"index.json", "link.json", "paths.json"} {
		if v, ok := info[name]; ok {
			data, _ := json.MarshalIndent(v, "", " ")
			if err := add(&tar.Header{Name: "info/" + name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}, data); err != nil {
				return nil, err
			}
		}
	}
	filesList := []byte(strings.Join(names, "\n") + "\n")
	if err := add(&tar.Header{Name: "info/files", Mode: 0o644, Size: int64(len(filesList)), Typeflag: tar.TypeReg}, filesList); err != nil {
		return nil, err
	}
	for _, f := range p.files {
		if f.symlink != "" {
			if err := add(&tar.Header{Name: f.path, Linkname: f.symlink, Mode: 0o777, Typeflag: tar.TypeSymlink}, nil); err != nil {
				return nil, err
			}
			continue
		}
		if err := add(&tar.Header{Name: f.path, Mode: f.mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg}, f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command("bzip2", "-c", "-9")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &raw, &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bzip2: %w: %s", err, stderr.String())
	}
	return out.Bytes(), nil
}

// download fetches a pure-Python wheel into dir with the pip of the
// pyfixture CPython in tarball (unpacked next to dir), so that the host
// needs no Python of its own.
func download(dir, tarball, requirement string) (string, error) {
	name, version, ok := strings.Cut(requirement, "==")
	if !ok {
		return "", fmt.Errorf("condafixture: %q must pin a version with ==", requirement)
	}
	pattern := func() []string {
		norm := strings.ReplaceAll(strings.ToLower(name), "-", "_")
		matches, _ := filepath.Glob(filepath.Join(dir, norm+"-"+version+"-*.whl"))
		return matches
	}
	if m := pattern(); len(m) == 1 {
		return m[0], nil
	}
	python, err := unpackPython(tarball, filepath.Join(filepath.Dir(dir), "python-"+strings.TrimSuffix(filepath.Base(tarball), ".tar.gz")))
	if err != nil {
		return "", err
	}
	out, err := exec.Command(python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-d", dir, requirement).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("condafixture: pip download %s: %w\n%s", requirement, err, out)
	}
	if m := pattern(); len(m) == 1 {
		return m[0], nil
	}
	return "", fmt.Errorf("condafixture: pip download %s left no single wheel in %s", requirement, dir)
}

// unpackPython unpacks the CPython tarball into dir once and returns its
// python3.
func unpackPython(tarball, dir string) (string, error) {
	python := filepath.Join(dir, "python", "bin", "python3")
	if _, err := os.Stat(python); err == nil {
		return python, nil
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	if out, err := exec.Command("tar", "-xzf", tarball, "-C", tmp).CombinedOutput(); err != nil {
		return "", fmt.Errorf("condafixture: unpacking %s: %w\n%s", tarball, err, out)
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return python, nil
}
