// Package pyfixture builds CPython tarballs for integration tests without
// reaching python.org or GitHub releases.
//
// The Go module github.com/kluctl/go-embed-python carries python-build-standalone
// CPython builds (one module version per CPython version), stripped of
// ensurepip and site-packages, with a files.json listing every path, its mode
// and symlink target, and with a few large files stored gzip-compressed under a
// ".gz" suffix. Tarball reassembles such a build into a gzip tar shaped like an
// upstream python-build-standalone "install_only" tarball: a single top-level
// python/ directory holding bin/python3, bin/python3.X, lib/libpython3.X.so*,
// lib/python3.X/... and, copied from the module's pip part,
// lib/python3.X/site-packages/pip plus its dist-info, so that
// "python3 -m pip" works without PYTHONPATH.
//
// Upstream archives carry the C headers in include/python3.X; the module does
// not. For the minor versions Debian ships (HeaderPackages), Tarball adds
// include/python3.X from Debian's development package, fetched with the
// host's apt configuration (apt-get download) and unpacked with dpkg-deb:
// headers are ABI-compatible within a minor version, so C extensions built
// against them load in the fixture's CPython.
//
// Other differences from upstream that tests may notice: no include/ for the
// other versions, no share/ directory, no ensurepip, and the standard library
// lacks test/, idlelib/, lib2to3/, pydoc_data/ and turtledemo/.
//
// Only the standard library, go, apt-get and dpkg-deb are used.
package pyfixture

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/internal/appscan"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Module is the Go module that carries the CPython builds.
const Module = "github.com/kluctl/go-embed-python"

// Versions maps CPython versions to the module versions known to be served by
// this machine's Go module proxy.
var Versions = map[string]string{
	"3.10.16": "v0.0.0-3.10.16-20241219-1",
	"3.11.11": "v0.0.0-3.11.11-20241219-1",
	"3.13.1":  "v0.0.0-3.13.1-20241219-1",
	"3.14.6":  "v0.0.0-3.14.6-20260610-1",
}

// HeaderPackages maps the CPython minor versions whose fixture carries C
// headers to the Debian (bookworm) package they come from.
var HeaderPackages = map[string]string{
	"3.11": "libpython3.11-dev",
}

// layoutRevision names the cache subdirectory; bump it whenever the tarball's
// content or layout changes so that stale cached tarballs are not reused.
const layoutRevision = "v2"

// debianTriplet is the multiarch directory of the host (amd64), where
// Debian keeps the real pyconfig.h.
const debianTriplet = "x86_64-linux-gnu"

// fallbackMTime is used for every tar entry when the module version carries no
// parseable release date.
var fallbackMTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Tarball builds (or reuses from cacheDir) the tarball of the linux/amd64
// build of CPython version (e.g. "3.11.11") and returns its path and hex
// sha256.
//
// The file is named like the upstream asset,
// cpython-<version>+<release>-x86_64-unknown-linux-gnu-install_only.tar.gz,
// and lives in a revision subdirectory of cacheDir. Its bytes depend only on
// the module version (sorted entries, fixed owners and mtimes), so the sha256
// is stable across runs. It is written under a temporary name and renamed, so
// concurrent or aborted runs never leave a partial file under the final name.
func Tarball(cacheDir, version string) (string, string, error) {
	return TarballFor(cacheDir, version, "amd64")
}

// TarballFor is Tarball for the build of another architecture the module
// carries (arm64: cpython-<version>+<release>-aarch64-unknown-linux-gnu-…).
// Debian's headers are added to the amd64 build only, the host's.
func TarballFor(cacheDir, version, arch string) (string, string, error) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return "", "", fmt.Errorf("pyfixture: only a linux/amd64 host is supported, this is %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	if _, ok := cpython.Machines[arch]; !ok {
		return "", "", fmt.Errorf("pyfixture: no CPython build for %q; the module carries amd64 and arm64", arch)
	}
	modVersion, ok := Versions[version]
	if !ok {
		return "", "", fmt.Errorf("pyfixture: unknown CPython version %q; known versions: %s", version, strings.Join(KnownVersions(), ", "))
	}
	if cacheDir == "" {
		return "", "", errors.New("pyfixture: empty cache directory")
	}

	dir := filepath.Join(cacheDir, layoutRevision)
	final := filepath.Join(dir, AssetName(version, modVersion, arch))
	if sum, err := fileSHA256(final); err == nil {
		return final, sum, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("pyfixture: reading cached %s: %w", final, err)
	}

	modDir, err := downloadModule(modVersion)
	if err != nil {
		return "", "", err
	}
	var headers map[string][]byte
	if pkg, ok := HeaderPackages[MinorOf(version)]; ok && arch == "amd64" {
		if headers, err = debianHeaders(pkg, MinorOf(version)); err != nil {
			return "", "", err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("pyfixture: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(final)+".tmp-*")
	if err != nil {
		return "", "", fmt.Errorf("pyfixture: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename

	h := sha256.New()
	if err := writeTarball(io.MultiWriter(tmp, h), modDir, "linux-"+arch, version, modVersion, headers); err != nil {
		tmp.Close()
		return "", "", fmt.Errorf("pyfixture: building CPython %s tarball from %s: %w", version, modDir, err)
	}
	if err := tmp.Close(); err != nil {
		return "", "", fmt.Errorf("pyfixture: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", "", fmt.Errorf("pyfixture: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", "", fmt.Errorf("pyfixture: %w", err)
	}
	return final, hex.EncodeToString(h.Sum(nil)), nil
}

// KnownVersions lists the keys of Versions, sorted by version.
func KnownVersions() []string {
	var vs []string
	for v := range Versions {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return lessVersion(vs[i], vs[j]) })
	return vs
}

// MinorOf returns "3.11" for "3.11.11".
func MinorOf(version string) string {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return version
	}
	return parts[0] + "." + parts[1]
}

func lessVersion(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var na, nb int
		fmt.Sscanf(pa[i], "%d", &na)
		fmt.Sscanf(pb[i], "%d", &nb)
		if na != nb {
			return na < nb
		}
	}
	return len(pa) < len(pb)
}

// releaseOf extracts the python-build-standalone release date ("20241219")
// from a module version like v0.0.0-3.11.11-20241219-1.
func releaseOf(modVersion string) string {
	parts := strings.Split(modVersion, "-")
	if len(parts) >= 3 {
		return parts[2]
	}
	return "unknown"
}

// AssetName is the upstream name of the archive of CPython version, from
// module version modVersion, for arch.
func AssetName(version, modVersion, arch string) string {
	return fmt.Sprintf("cpython-%s+%s-%s-unknown-linux-gnu-install_only.tar.gz", version, releaseOf(modVersion), cpython.Machines[arch])
}

func mtimeOf(modVersion string) time.Time {
	if t, err := time.Parse("20060102", releaseOf(modVersion)); err == nil {
		return t.UTC()
	}
	return fallbackMTime
}

func fileSHA256(p string) (string, error) {
	sum, err := appscan.FileDigest(p)
	return strings.TrimPrefix(sum, "sha256:"), err
}

// downloadModule fetches the module into the module cache and returns its
// directory. It runs in a throwaway module so that no project go.mod is
// touched.
func downloadModule(modVersion string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("pyfixture: the go command is needed to fetch %s@%s: %w", Module, modVersion, err)
	}
	work, err := os.MkdirTemp("", "pyfixture-mod-*")
	if err != nil {
		return "", fmt.Errorf("pyfixture: %w", err)
	}
	defer os.RemoveAll(work)
	if err := os.WriteFile(filepath.Join(work, "go.mod"), []byte("module pyfixture.invalid/throwaway\n\ngo 1.21\n"), 0o644); err != nil {
		return "", fmt.Errorf("pyfixture: %w", err)
	}

	cmd := exec.Command(goBin, "mod", "download", "-json", Module+"@"+modVersion)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GO111MODULE=on")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	var info struct {
		Dir   string
		Error string
	}
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil || info.Error != "" || info.Dir == "" || runErr != nil {
		msg := strings.TrimSpace(info.Error)
		if msg == "" {
			msg = strings.TrimSpace(stderr.String())
		}
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		if msg == "" && err != nil {
			msg = "unreadable output: " + err.Error()
		}
		if msg == "" {
			msg = "no Dir in output"
		}
		return "", fmt.Errorf("pyfixture: go mod download %s@%s: %s", Module, modVersion, msg)
	}
	return info.Dir, nil
}

// fileList is the files.json the module ships next to each data tree.
type fileList struct {
	Files []fileEntry `json:"files"`
}

type fileEntry struct {
	Name       string      `json:"name"`
	Size       int64       `json:"size"`
	Mode       fs.FileMode `json:"perm"`
	Symlink    string      `json:"symlink,omitempty"`
	Compressed bool        `json:"compressed,omitempty"`
}

func readFileList(dir string) ([]fileEntry, error) {
	data, err := os.ReadFile(filepath.Join(dir, "files.json"))
	if err != nil {
		return nil, err
	}
	var fl fileList
	if err := json.Unmarshal(data, &fl); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", filepath.Join(dir, "files.json"), err)
	}
	if len(fl.Files) == 0 {
		return nil, fmt.Errorf("%s lists no files", filepath.Join(dir, "files.json"))
	}
	for _, e := range fl.Files {
		clean := path.Clean(e.Name)
		if e.Name == "" || clean != e.Name || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("%s: unsafe path %q", filepath.Join(dir, "files.json"), e.Name)
		}
	}
	return fl.Files, nil
}

// debianHeaders fetches Debian's package pkg with the host's apt
// configuration and returns the headers of CPython minor from it, by path
// relative to include/python<minor>, with Debian's multiarch pyconfig.h in
// place of the wrapper that includes it.
func debianHeaders(pkg, minor string) (map[string][]byte, error) {
	work, err := os.MkdirTemp("", "pyfixture-deb-*")
	if err != nil {
		return nil, fmt.Errorf("pyfixture: %w", err)
	}
	defer os.RemoveAll(work)
	cmd := exec.Command("apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg)
	cmd.Dir = work
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pyfixture: fetching the CPython %s headers (apt-get download %s): %v\n%s\n(run apt-get update if apt does not know the package)",
			minor, pkg, err, strings.TrimSpace(string(out)))
	}
	debs, _ := filepath.Glob(filepath.Join(work, pkg+"_*.deb"))
	if len(debs) != 1 {
		return nil, fmt.Errorf("pyfixture: apt-get download %s left %d .deb files", pkg, len(debs))
	}
	var stderr bytes.Buffer
	cmd = exec.Command("dpkg-deb", "--fsys-tarfile", debs[0])
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("pyfixture: dpkg-deb --fsys-tarfile %s: %v: %s", filepath.Base(debs[0]), err, strings.TrimSpace(stderr.String()))
	}

	include := "./usr/include/python" + minor + "/"
	pyconfig := "./usr/include/" + debianTriplet + "/python" + minor + "/pyconfig.h"
	headers := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("pyfixture: reading %s: %w", filepath.Base(debs[0]), err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		var rel string
		switch {
		case hdr.Name == pyconfig:
			rel = "pyconfig.h"
		case strings.HasPrefix(hdr.Name, include) && hdr.Name != include+"pyconfig.h":
			rel = strings.TrimPrefix(hdr.Name, include)
		default:
			continue
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("pyfixture: reading %s from %s: %w", hdr.Name, filepath.Base(debs[0]), err)
		}
		headers[rel] = content
	}
	for _, want := range []string{"Python.h", "pyconfig.h"} {
		if _, ok := headers[want]; !ok {
			return nil, fmt.Errorf("pyfixture: %s has no %s for CPython %s", filepath.Base(debs[0]), want, minor)
		}
	}
	return headers, nil
}

// source is one tar entry and where its content comes from.
type source struct {
	name  string // path inside the tarball
	entry fileEntry
	dir   string // data directory holding entry.Name (for regular files)
	data  []byte // the content of a regular file held in memory, when dir is ""
}

func writeTarball(w io.Writer, modDir, platformDir, version, modVersion string, headers map[string][]byte) error {
	minor := MinorOf(version)
	pyDir := filepath.Join(modDir, "python", "internal", "data", platformDir)
	pipDir := filepath.Join(modDir, "pip", "internal", "data")

	pyFiles, err := readFileList(pyDir)
	if err != nil {
		return err
	}
	pipFiles, err := readFileList(pipDir)
	if err != nil {
		return err
	}

	entries := map[string]source{}
	add := func(s source) error {
		if _, dup := entries[s.name]; dup {
			return fmt.Errorf("duplicate path %s", s.name)
		}
		entries[s.name] = s
		return nil
	}
	dirEntry := func(name string) source {
		return source{name: name, entry: fileEntry{Mode: fs.ModeDir | 0o755}}
	}
	if err := add(dirEntry("python")); err != nil {
		return err
	}
	for _, e := range pyFiles {
		if err := add(source{name: "python/" + e.Name, entry: e, dir: pyDir}); err != nil {
			return err
		}
	}
	stdlib := "python/lib/python" + minor
	if _, ok := entries[stdlib]; !ok {
		return fmt.Errorf("no lib/python%s in %s (is %s really CPython %s?)", minor, pyDir, modVersion, version)
	}
	for _, want := range []string{"python/bin/python3", "python/bin/python" + minor} {
		if _, ok := entries[want]; !ok {
			return fmt.Errorf("no %s in %s", strings.TrimPrefix(want, "python/"), pyDir)
		}
	}
	site := stdlib + "/site-packages"
	if _, ok := entries[site]; !ok {
		if err := add(dirEntry(site)); err != nil {
			return err
		}
	}
	// The pip part has pip/, pip-X.Y.Z.dist-info/ and bin/pip* (the latter with
	// a shebang pointing at the module's build machine). The CPython part has
	// its own relocatable bin/pip* scripts, so only the packages are taken.
	sawPip := false
	for _, e := range pipFiles {
		if e.Name == "bin" || strings.HasPrefix(e.Name, "bin/") {
			continue
		}
		if e.Name == "pip" {
			sawPip = true
		}
		if err := add(source{name: site + "/" + e.Name, entry: e, dir: pipDir}); err != nil {
			return err
		}
	}
	if !sawPip {
		return fmt.Errorf("no pip package in %s", pipDir)
	}
	if len(headers) > 0 {
		include := "python/include/python" + minor
		for _, dir := range []string{"python/include", include} {
			if err := add(dirEntry(dir)); err != nil {
				return err
			}
		}
		for rel, content := range headers {
			for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
				if _, ok := entries[include+"/"+dir]; !ok {
					entries[include+"/"+dir] = dirEntry(include + "/" + dir)
				}
			}
			e := fileEntry{Name: rel, Size: int64(len(content)), Mode: 0o644}
			if err := add(source{name: include + "/" + rel, entry: e, data: content}); err != nil {
				return err
			}
		}
	}

	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)

	// BestSpeed: about 2.5 times faster than the default level for about 12%
	// more bytes (26 MB instead of 23 MB for 3.11). The output is still
	// deterministic for a given Go release; a Go upgrade may change the
	// bytes, which is harmless since callers take the sha256 from Tarball.
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	mtime := mtimeOf(modVersion)
	for _, n := range names {
		if err := writeEntry(tw, entries[n], mtime); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeEntry(tw *tar.Writer, s source, mtime time.Time) error {
	e := s.entry
	hdr := &tar.Header{
		Name:    s.name,
		Mode:    int64(e.Mode.Perm()),
		ModTime: mtime,
		Uid:     0,
		Gid:     0,
		Format:  tar.FormatPAX,
	}
	switch {
	case e.Mode&fs.ModeSymlink != 0:
		if e.Symlink == "" {
			return fmt.Errorf("%s: symlink without target", s.name)
		}
		hdr.Typeflag = tar.TypeSymlink
		hdr.Linkname = e.Symlink
		hdr.Mode = 0o777
		return tw.WriteHeader(hdr)
	case e.Mode.IsDir():
		hdr.Typeflag = tar.TypeDir
		hdr.Name += "/"
		return tw.WriteHeader(hdr)
	case e.Mode.IsRegular():
	default:
		return fmt.Errorf("%s: unsupported file type %v", s.name, e.Mode.Type())
	}

	hdr.Typeflag = tar.TypeReg
	hdr.Size = e.Size
	if s.dir == "" {
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err := tw.Write(s.data)
		return err
	}
	src := filepath.Join(s.dir, filepath.FromSlash(e.Name))
	if e.Compressed {
		src += ".gz"
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if e.Compressed {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		defer zr.Close()
		r = zr
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	n, err := io.Copy(tw, r)
	if err != nil {
		return fmt.Errorf("%s: %w (files.json says %d bytes)", src, err, e.Size)
	}
	if n != e.Size {
		return fmt.Errorf("%s: got %d bytes, files.json says %d", src, n, e.Size)
	}
	return nil
}
