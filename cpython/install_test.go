package cpython_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/sclevine/spec"
)

// pythonArchive returns a gzipped tar shaped like python-build-standalone's
// install_only tarballs (a top directory python/) and its sha256.
func pythonArchive(t *testing.T, flavour string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	files := []struct {
		name string
		mode int64
		body string
	}{
		{"python/", 0o755, ""},
		{"python/bin/", 0o755, ""},
		{"python/bin/python3", 0o755, "#!/bin/sh\necho fake python " + flavour + "\n"},
		{"python/lib/", 0o755, ""},
		{"python/lib/README", 0o644, "stdlib goes here\n"},
	}
	for _, f := range files {
		hdr := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), ModTime: time.Unix(0, 0)}
		hdr.Typeflag = tar.TypeReg
		if f.name[len(f.name)-1] == '/' {
			hdr.Typeflag = tar.TypeDir
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:])
}

func testInstall(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		archive  []byte
		sum      string
		server   *httptest.Server
		requests atomic.Int32

		cnbPath, layerPath, platformPath string
		dependency                       postal.Dependency
		installer                        cpython.Installer
	)

	it.Before(func() {
		t.Setenv("BP_DEPENDENCY_MIRROR", "")
		t.Setenv("SERVICE_BINDING_ROOT", "")
		archive, sum = pythonArchive(t, "3.12.1")

		requests.Store(0)
		server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			if r.URL.Path != "/releases/cpython-3.12.1.tar.gz" {
				http.NotFound(w, r)
				return
			}
			_, _ = w.Write(archive)
		}))
		t.Cleanup(server.Close)

		cnbPath = t.TempDir()
		layerPath = filepath.Join(t.TempDir(), "cpython")
		Expect(os.MkdirAll(layerPath, 0o755)).To(Succeed())
		platformPath = t.TempDir()

		dependency = postal.Dependency{
			ID:              "cpython",
			Name:            "CPython",
			Version:         "3.12.1",
			URI:             server.URL + "/releases/cpython-3.12.1.tar.gz",
			Checksum:        "sha256:" + sum,
			StripComponents: 1,
		}

		transport := cpython.NewTransport()
		transport.Sleep = func(time.Duration) {}
		installer = cpython.NewInstaller(transport)
	})

	context("VendoredPath", func() {
		it("is dependencies/<sha256>/<file name> inside the buildpack", func() {
			Expect(cpython.VendoredPath("/cnb", postal.Dependency{
				URI:      "https://github.com/astral-sh/releases/download/cpython-3.12.1.tar.gz",
				Checksum: "sha256:abc123",
			})).To(Equal("/cnb/dependencies/abc123/cpython-3.12.1.tar.gz"))
		})
	})

	context("Install", func() {
		it("downloads the archive and unpacks it into the layer", func() {
			vendored, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
			Expect(err).NotTo(HaveOccurred())
			Expect(vendored).To(BeFalse())
			Expect(requests.Load()).To(BeEquivalentTo(1))

			content, err := os.ReadFile(filepath.Join(layerPath, "bin", "python3"))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(content)).To(ContainSubstring("fake python"))
			Expect(filepath.Join(layerPath, "lib", "README")).To(BeARegularFile())
			Expect(filepath.Join(layerPath, "python")).NotTo(BeAnExistingFile())
		})

		it("uses the vendored copy when the buildpack has one", func() {
			Expect(writeFile(cnbPath, filepath.Join("dependencies", sum, "cpython-3.12.1.tar.gz"), string(archive))).To(Succeed())
			dependency.URI = "https://unreachable.invalid/releases/cpython-3.12.1.tar.gz"

			vendored, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
			Expect(err).NotTo(HaveOccurred())
			Expect(vendored).To(BeTrue())
			Expect(filepath.Join(layerPath, "bin", "python3")).To(BeARegularFile())
			Expect(requests.Load()).To(BeEquivalentTo(0))
		})

		it("ignores BP_DEPENDENCY_MIRROR for the vendored copy", func() {
			Expect(writeFile(cnbPath, filepath.Join("dependencies", sum, "cpython-3.12.1.tar.gz"), string(archive))).To(Succeed())
			dependency.URI = "https://unreachable.invalid/releases/cpython-3.12.1.tar.gz"
			t.Setenv("BP_DEPENDENCY_MIRROR", "file://"+t.TempDir())

			vendored, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
			Expect(err).NotTo(HaveOccurred())
			Expect(vendored).To(BeTrue())
			Expect(filepath.Join(layerPath, "bin", "python3")).To(BeARegularFile())
		})

		it("downloads from a file:// BP_DEPENDENCY_MIRROR", func() {
			mirror := t.TempDir()
			Expect(writeFile(mirror, "releases/cpython-3.12.1.tar.gz", string(archive))).To(Succeed())
			t.Setenv("BP_DEPENDENCY_MIRROR", "file://"+mirror)
			dependency.URI = "https://unreachable.invalid/releases/cpython-3.12.1.tar.gz"

			vendored, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
			Expect(err).NotTo(HaveOccurred())
			Expect(vendored).To(BeFalse())
			Expect(filepath.Join(layerPath, "bin", "python3")).To(BeARegularFile())
		})

		it("does not take a directory named like the vendored file for a vendored copy", func() {
			Expect(os.MkdirAll(cpython.VendoredPath(cnbPath, dependency), 0o755)).To(Succeed())

			vendored, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
			Expect(err).NotTo(HaveOccurred())
			Expect(vendored).To(BeFalse())
			Expect(requests.Load()).To(BeEquivalentTo(1))
		})

		context("failure cases", func() {
			it("reports a checksum mismatch", func() {
				dependency.Checksum = "sha256:" + sum[:len(sum)-4] + "0000"
				_, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
				Expect(err).To(MatchError(HavePrefix("installing CPython 3.12.1: ")))
				Expect(err).To(MatchError(ContainSubstring("checksum does not match")))
			})

			it("reports a vendored copy that does not match its checksum", func() {
				other, _ := pythonArchive(t, "something else")
				Expect(writeFile(cnbPath, filepath.Join("dependencies", sum, "cpython-3.12.1.tar.gz"), string(other))).To(Succeed())
				dependency.URI = "https://unreachable.invalid/releases/cpython-3.12.1.tar.gz"

				vendored, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
				Expect(vendored).To(BeTrue())
				Expect(err).To(MatchError(ContainSubstring("checksum does not match")))
			})

			it("reports a download the server refuses", func() {
				dependency.URI = server.URL + "/releases/missing.tar.gz"
				vendored, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
				Expect(vendored).To(BeFalse())
				Expect(err).To(MatchError(ContainSubstring("downloading " + dependency.URI)))
				Expect(err).To(MatchError(ContainSubstring("404")))
			})

			it("reports a file:// mirror without the file", func() {
				t.Setenv("BP_DEPENDENCY_MIRROR", "file://"+t.TempDir())
				_, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
				Expect(err).To(MatchError(ContainSubstring("opening file://")))
				Expect(requests.Load()).To(BeEquivalentTo(0))
			})

			it("reports a mirror with a scheme postal does not take", func() {
				t.Setenv("BP_DEPENDENCY_MIRROR", server.URL)
				_, err := installer.Install(dependency, cnbPath, layerPath, platformPath)
				Expect(err).To(MatchError(ContainSubstring("invalid mirror scheme")))
				Expect(requests.Load()).To(BeEquivalentTo(0))
			})
		})
	})
}
