// Package oci reads images from an OCI distribution registry that serves
// plain HTTP on loopback, as the test harness's registry does: manifests and
// image indexes, image configs, and files inside layers. It is the tests'
// view of what `pack ... --publish` wrote.
package oci

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Media types of the manifests the registry is asked for.
const (
	MediaTypeIndex          = "application/vnd.oci.image.index.v1+json"
	MediaTypeManifest       = "application/vnd.oci.image.manifest.v1+json"
	MediaTypeDockerList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	MediaTypeDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
)

var accept = strings.Join([]string{MediaTypeIndex, MediaTypeManifest, MediaTypeDockerList, MediaTypeDockerManifest}, ", ")

// Reference is an image reference split into its parts.
type Reference struct {
	Host, Repository, Tag string
}

func (r Reference) String() string {
	return r.Host + "/" + r.Repository + ":" + r.Tag
}

// ParseReference splits host[:port]/repository[:tag] (tag "latest" when
// absent). The host part is required: this package talks to one registry
// by address, never to a default one.
func ParseReference(ref string) (Reference, error) {
	host, rest, ok := strings.Cut(ref, "/")
	if !ok || rest == "" || !strings.ContainsAny(host, ".:") {
		return Reference{}, fmt.Errorf("image reference %q names no registry host", ref)
	}
	repository, tag := rest, "latest"
	if i := strings.LastIndex(rest, ":"); i > strings.LastIndex(rest, "/") {
		repository, tag = rest[:i], rest[i+1:]
	}
	if repository == "" || tag == "" {
		return Reference{}, fmt.Errorf("image reference %q has an empty repository or tag", ref)
	}
	return Reference{Host: host, Repository: repository, Tag: tag}, nil
}

// Platform is an index entry's os and architecture.
type Platform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
}

// Descriptor points at a blob or a manifest.
type Descriptor struct {
	MediaType string    `json:"mediaType"`
	Digest    string    `json:"digest"`
	Size      int64     `json:"size"`
	Platform  *Platform `json:"platform,omitempty"`
}

// Manifest is an image manifest or an image index: Manifests is set for an
// index, Config and Layers for an image. Digest is the registry's
// Docker-Content-Digest for it.
type Manifest struct {
	MediaType string       `json:"mediaType"`
	Config    Descriptor   `json:"config"`
	Layers    []Descriptor `json:"layers"`
	Manifests []Descriptor `json:"manifests"`
	Digest    string       `json:"-"`
}

// IsIndex says whether the manifest lists other manifests.
func (m Manifest) IsIndex() bool {
	return m.MediaType == MediaTypeIndex || m.MediaType == MediaTypeDockerList
}

// Config is the part of an image config the tests read.
type Config struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Config       struct {
		Labels map[string]string `json:"Labels"`
	} `json:"config"`
	RootFS struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

// Client talks to one registry over plain HTTP.
type Client struct {
	HTTP *http.Client
}

func (c Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c Client) get(host, path, acceptHeader string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+host+"/v2/"+path, nil)
	if err != nil {
		return nil, err
	}
	if acceptHeader != "" {
		req.Header.Set("Accept", acceptHeader)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s/v2/%s: %s: %s", host, path, resp.Status, strings.TrimSpace(string(body)))
	}
	return resp, nil
}

// getJSON decodes the JSON document at path into v and returns the response's headers.
func (c Client) getJSON(ref Reference, path, acceptHeader, what string, v interface{}) (http.Header, error) {
	resp, err := c.get(ref.Host, ref.Repository+path, acceptHeader)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return nil, fmt.Errorf("decoding the %s of %s: %w", what, ref, err)
	}
	return resp.Header, nil
}

// Manifest fetches the manifest or index that ref (a tag or a digest) names.
func (c Client) Manifest(ref Reference) (Manifest, error) {
	var m Manifest
	header, err := c.getJSON(ref, "/manifests/"+ref.Tag, accept, "manifest", &m)
	if err != nil {
		return Manifest{}, err
	}
	if m.MediaType == "" {
		m.MediaType = header.Get("Content-Type")
	}
	m.Digest = header.Get("Docker-Content-Digest")
	return m, nil
}

// Image fetches the image manifest ref names; when ref names an index, the
// entry for platform is fetched instead.
func (c Client) Image(ref Reference, platform Platform) (Manifest, error) {
	m, err := c.Manifest(ref)
	if err != nil || !m.IsIndex() {
		return m, err
	}
	for _, d := range m.Manifests {
		if d.Platform != nil && d.Platform.OS == platform.OS && d.Platform.Architecture == platform.Architecture {
			return c.Manifest(Reference{Host: ref.Host, Repository: ref.Repository, Tag: d.Digest})
		}
	}
	return Manifest{}, fmt.Errorf("the index %s has no image for %s/%s", ref, platform.OS, platform.Architecture)
}

// Config fetches and decodes an image's config blob.
func (c Client) Config(ref Reference, m Manifest) (Config, error) {
	var config Config
	if _, err := c.getJSON(ref, "/blobs/"+m.Config.Digest, "", "config", &config); err != nil {
		return Config{}, err
	}
	return config, nil
}

// ErrNotFound is returned by File when no layer holds the file.
var ErrNotFound = errors.New("no layer holds the file")

// File returns the first bytes (up to limit) of the file at path (without
// the leading /) in the image's layers, the topmost layer that has it winning.
func (c Client) File(ref Reference, m Manifest, path string, limit int64) ([]byte, error) {
	files, err := c.Files(ref, m, func(name string) bool { return name == path }, limit)
	if err != nil {
		return nil, err
	}
	content, ok := files[path]
	if !ok {
		return nil, fmt.Errorf("%s in %s: %w", path, ref, ErrNotFound)
	}
	return content, nil
}

// Files reads the image's layers once each and returns the first bytes (up
// to limit) of every regular file whose path (without the leading /) match
// accepts, the topmost layer that has a path winning.
func (c Client) Files(ref Reference, m Manifest, match func(path string) bool, limit int64) (map[string][]byte, error) {
	files := map[string][]byte{}
	for i := len(m.Layers) - 1; i >= 0; i-- {
		if err := c.readLayer(ref, m.Layers[i], match, limit, files); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func (c Client) readLayer(ref Reference, layer Descriptor, match func(string) bool, limit int64, files map[string][]byte) error {
	resp, err := c.get(ref.Host, ref.Repository+"/blobs/"+layer.Digest, "")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if strings.HasSuffix(layer.MediaType, "gzip") {
		gz, err := gzip.NewReader(resp.Body)
		if err != nil {
			return fmt.Errorf("layer %s: %w", layer.Digest, err)
		}
		defer gz.Close()
		r = gz
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("layer %s: %w", layer.Digest, err)
		}
		path := strings.TrimPrefix(h.Name, "/")
		if _, seen := files[path]; seen || h.Typeflag != tar.TypeReg || !match(path) {
			continue
		}
		if files[path], err = io.ReadAll(io.LimitReader(tr, limit)); err != nil {
			return fmt.Errorf("layer %s: %w", layer.Digest, err)
		}
	}
}

// LayerDigest returns the registry digest of the layer whose uncompressed
// digest (the diff ID, as the lifecycle's metadata records layers) is diffID.
func LayerDigest(m Manifest, config Config, diffID string) (string, error) {
	if len(config.RootFS.DiffIDs) != len(m.Layers) {
		return "", fmt.Errorf("the config lists %d layers and the manifest %d", len(config.RootFS.DiffIDs), len(m.Layers))
	}
	for i, id := range config.RootFS.DiffIDs {
		if id == diffID {
			return m.Layers[i].Digest, nil
		}
	}
	return "", fmt.Errorf("no layer of the image has the diff ID %s", diffID)
}
