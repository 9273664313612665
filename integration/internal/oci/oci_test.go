package oci_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/integration/internal/oci"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitOCI(t *testing.T) {
	spec.Run(t, "oci", testOCI, spec.Report(report.Terminal{}))
}

// fakeRegistry serves manifests and blobs of one repository, "team/app".
type fakeRegistry struct {
	manifests map[string][]byte // by tag or digest
	types     map[string]string
	blobs     map[string][]byte
	accepts   []string
}

func digestOf(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }

func (f *fakeRegistry) addManifest(tag, mediaType string, v interface{}) string {
	b, _ := json.Marshal(v)
	d := digestOf(b)
	for _, key := range []string{tag, d} {
		f.manifests[key], f.types[key] = b, mediaType
	}
	return d
}

func (f *fakeRegistry) addBlob(b []byte) oci.Descriptor {
	d := digestOf(b)
	f.blobs[d] = b
	return oci.Descriptor{Digest: d, Size: int64(len(b))}
}

func (f *fakeRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/v2/team/app/manifests/"); ok {
		f.accepts = append(f.accepts, r.Header.Get("Accept"))
		if b, ok := f.manifests[rest]; ok {
			w.Header().Set("Content-Type", f.types[rest])
			w.Header().Set("Docker-Content-Digest", digestOf(b))
			w.Write(b)
			return
		}
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/v2/team/app/blobs/"); ok {
		if b, ok := f.blobs[rest]; ok {
			w.Write(b)
			return
		}
	}
	http.Error(w, `{"errors":[{"code":"MANIFEST_UNKNOWN"}]}`, http.StatusNotFound)
}

func layer(t *testing.T, files map[string]string, compress bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, content := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(content))
	}
	tw.Close()
	if !compress {
		return buf.Bytes()
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(buf.Bytes())
	zw.Close()
	return gz.Bytes()
}

func testOCI(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		fake   *fakeRegistry
		server *httptest.Server
		host   string
		client oci.Client
	)

	it.Before(func() {
		fake = &fakeRegistry{manifests: map[string][]byte{}, types: map[string]string{}, blobs: map[string][]byte{}}
		server = httptest.NewServer(fake)
		t.Cleanup(server.Close)
		host = strings.TrimPrefix(server.URL, "http://")
	})

	context("ParseReference", func() {
		it("splits host, repository and tag, the tag defaulting to latest", func() {
			ref, err := oci.ParseReference("127.0.0.1:5000/team/app:1.0")
			Expect(err).NotTo(HaveOccurred())
			Expect(ref).To(Equal(oci.Reference{Host: "127.0.0.1:5000", Repository: "team/app", Tag: "1.0"}))
			Expect(ref.String()).To(Equal("127.0.0.1:5000/team/app:1.0"))

			ref, err = oci.ParseReference("registry.example.com/team/app")
			Expect(err).NotTo(HaveOccurred())
			Expect(ref.Tag).To(Equal("latest"))
		})

		it("refuses a reference without a registry host, or with an empty tag", func() {
			_, err := oci.ParseReference("team/app:1.0")
			Expect(err).To(MatchError(ContainSubstring(`"team/app:1.0" names no registry host`)))
			_, err = oci.ParseReference("127.0.0.1:5000/team/app:")
			Expect(err).To(MatchError(ContainSubstring("empty repository or tag")))
			_, err = oci.ParseReference("127.0.0.1:5000")
			Expect(err).To(HaveOccurred())
		})
	})

	context("an image index", func() {
		var (
			armLayer oci.Descriptor
			ref      oci.Reference
		)

		it.Before(func() {
			amdLayer := fake.addBlob(layer(t, map[string]string{"cnb/bin/build": "amd64 build"}, true))
			amdLayer.MediaType = "application/vnd.oci.image.layer.v1.tar+gzip"
			armLayer = fake.addBlob(layer(t, map[string]string{"cnb/bin/build": "\x7fELF arm64 build", "cnb/other": "x"}, true))
			armLayer.MediaType = "application/vnd.oci.image.layer.v1.tar+gzip"
			top := fake.addBlob(layer(t, map[string]string{"cnb/bin/build": "newer arm64 build"}, false))
			top.MediaType = "application/vnd.oci.image.layer.v1.tar"
			config := fake.addBlob([]byte(`{"architecture":"arm64","os":"linux","config":{"Labels":{"a":"b"}},"rootfs":{"diff_ids":["sha256:d1","sha256:d2"]}}`))
			amd := fake.addManifest("", oci.MediaTypeManifest, oci.Manifest{MediaType: oci.MediaTypeManifest, Config: config, Layers: []oci.Descriptor{amdLayer}})
			arm := fake.addManifest("", oci.MediaTypeManifest, oci.Manifest{MediaType: oci.MediaTypeManifest, Config: config, Layers: []oci.Descriptor{armLayer, top}})
			fake.addManifest("1.0", oci.MediaTypeIndex, oci.Manifest{MediaType: oci.MediaTypeIndex, Manifests: []oci.Descriptor{
				{MediaType: oci.MediaTypeManifest, Digest: amd, Platform: &oci.Platform{OS: "linux", Architecture: "amd64"}},
				{MediaType: oci.MediaTypeManifest, Digest: arm, Platform: &oci.Platform{OS: "linux", Architecture: "arm64"}},
			}})
			ref = oci.Reference{Host: host, Repository: "team/app", Tag: "1.0"}
		})

		it("lists the platforms, asking for both OCI and Docker media types", func() {
			index, err := client.Manifest(ref)
			Expect(err).NotTo(HaveOccurred())
			Expect(index.IsIndex()).To(BeTrue())
			Expect(index.Digest).To(HavePrefix("sha256:"))
			Expect(index.Manifests).To(HaveLen(2))
			Expect(*index.Manifests[1].Platform).To(Equal(oci.Platform{OS: "linux", Architecture: "arm64"}))
			Expect(fake.accepts[0]).To(ContainSubstring(oci.MediaTypeIndex))
			Expect(fake.accepts[0]).To(ContainSubstring(oci.MediaTypeDockerManifest))
		})

		it("resolves a platform's image, reads its config and files in its layers, the top layer winning", func() {
			image, err := client.Image(ref, oci.Platform{OS: "linux", Architecture: "arm64"})
			Expect(err).NotTo(HaveOccurred())
			Expect(image.IsIndex()).To(BeFalse())
			Expect(image.Layers).To(HaveLen(2))

			config, err := client.Config(ref, image)
			Expect(err).NotTo(HaveOccurred())
			Expect(config.Architecture).To(Equal("arm64"))
			Expect(config.Config.Labels).To(HaveKeyWithValue("a", "b"))

			content, err := client.File(ref, image, "cnb/bin/build", 5)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(content)).To(Equal("newer"))
			content, err = client.File(ref, image, "cnb/other", 100)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(content)).To(Equal("x"))

			files, err := client.Files(ref, image, func(path string) bool { return strings.HasPrefix(path, "cnb/") }, 100)
			Expect(err).NotTo(HaveOccurred())
			Expect(files).To(Equal(map[string][]byte{"cnb/bin/build": []byte("newer arm64 build"), "cnb/other": []byte("x")}))

			digest, err := oci.LayerDigest(image, config, "sha256:d1")
			Expect(err).NotTo(HaveOccurred())
			Expect(digest).To(Equal(armLayer.Digest))
		})

		context("failure cases", func() {
			it("says which platform the index lacks", func() {
				_, err := client.Image(ref, oci.Platform{OS: "linux", Architecture: "s390x"})
				Expect(err).To(MatchError(ContainSubstring("has no image for linux/s390x")))
			})

			it("says which file no layer holds", func() {
				image, err := client.Image(ref, oci.Platform{OS: "linux", Architecture: "amd64"})
				Expect(err).NotTo(HaveOccurred())
				_, err = client.File(ref, image, "cnb/missing", 10)
				Expect(err).To(MatchError(oci.ErrNotFound))
				Expect(err).To(MatchError(ContainSubstring("cnb/missing in")))
			})

			it("names a diff ID no layer has, and a config that does not match the manifest", func() {
				image, err := client.Image(ref, oci.Platform{OS: "linux", Architecture: "arm64"})
				Expect(err).NotTo(HaveOccurred())
				config, err := client.Config(ref, image)
				Expect(err).NotTo(HaveOccurred())
				_, err = oci.LayerDigest(image, config, "sha256:nope")
				Expect(err).To(MatchError(ContainSubstring("no layer of the image has the diff ID sha256:nope")))
				image.Layers = image.Layers[:1]
				_, err = oci.LayerDigest(image, config, "sha256:d1")
				Expect(err).To(MatchError(ContainSubstring("the config lists 2 layers and the manifest 1")))
			})

			it("returns the registry's answer for a missing manifest", func() {
				_, err := client.Manifest(oci.Reference{Host: host, Repository: "team/app", Tag: "nope"})
				Expect(err).To(MatchError(ContainSubstring("404 Not Found")))
				Expect(err).To(MatchError(ContainSubstring("MANIFEST_UNKNOWN")))
			})

			it("reports a manifest or config that is not JSON and a layer that is not gzip", func() {
				fake.manifests["bad"], fake.types["bad"] = []byte("not json"), oci.MediaTypeManifest
				_, err := client.Manifest(oci.Reference{Host: host, Repository: "team/app", Tag: "bad"})
				Expect(err).To(MatchError(ContainSubstring("decoding the manifest of")))

				notJSON := fake.addBlob([]byte("not json"))
				_, err = client.Config(oci.Reference{Host: host, Repository: "team/app"}, oci.Manifest{Config: notJSON})
				Expect(err).To(MatchError(ContainSubstring("decoding the config of")))

				broken := fake.addBlob([]byte("not gzip"))
				broken.MediaType = "application/vnd.oci.image.layer.v1.tar+gzip"
				_, err = client.File(oci.Reference{Host: host, Repository: "team/app"}, oci.Manifest{Layers: []oci.Descriptor{broken}}, "x", 1)
				Expect(err).To(MatchError(ContainSubstring("layer " + broken.Digest)))
			})

			it("reports an unreachable registry", func() {
				server.Close()
				_, err := client.Manifest(ref)
				Expect(err).To(HaveOccurred())
			})
		})
	})
}
