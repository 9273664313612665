package sbom

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ReadCondaMeta reads the conda packages installed in the environment at
// prefix from its conda-meta/*.json records. It also returns the METADATA
// files of the Python distributions those packages installed (relative to
// prefix), which are the packages' and not pip's.
func ReadCondaMeta(prefix string) ([]Component, map[string]bool, error) {
	records, err := filepath.Glob(filepath.Join(prefix, "conda-meta", "*.json"))
	if err != nil {
		return nil, nil, err
	}
	var components []Component
	owned := map[string]bool{}
	for _, record := range records {
		content, err := os.ReadFile(record)
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", record, err)
		}
		var r struct {
			Name    string   `json:"name"`
			Version string   `json:"version"`
			Build   string   `json:"build"`
			Channel string   `json:"channel"`
			Subdir  string   `json:"subdir"`
			License string   `json:"license"`
			SHA256  string   `json:"sha256"`
			Files   []string `json:"files"`
			Fn      string   `json:"fn"`
		}
		if err := json.Unmarshal(content, &r); err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", record, err)
		}
		if r.Name == "" || r.Version == "" {
			continue
		}
		for _, f := range r.Files {
			if strings.HasSuffix(f, ".dist-info/METADATA") {
				owned[f] = true
			}
		}
		rel, _ := filepath.Rel(prefix, record)
		components = append(components, Component{
			Kind:     Library,
			Name:     r.Name,
			Version:  r.Version,
			PURL:     CondaPURL(r.Name, r.Version, r.Build, r.Channel, r.Subdir, r.Fn),
			Licenses: Licenses{Expression: strings.TrimSpace(r.License)},
			SHA256:   r.SHA256,
			Path:     filepath.ToSlash(rel),
		})
	}
	sortComponents(components)
	return components, owned, nil
}

// CondaPURL is the purl of a conda package. The channel is given by name
// (the last part of its URL): a channel URL may hold a token.
func CondaPURL(name, version, build, channel, subdir, fn string) string {
	p := "pkg:conda/" + url.PathEscape(name) + "@" + url.PathEscape(version)
	q := url.Values{}
	if build != "" {
		q.Set("build", build)
	}
	if channel != "" {
		if u, err := url.Parse(channel); err == nil && u.Path != "" {
			channel = path.Base(strings.TrimSuffix(u.Path, "/"))
		}
		q.Set("channel", channel)
	}
	if subdir != "" {
		q.Set("subdir", subdir)
	}
	switch {
	case strings.HasSuffix(fn, ".conda"):
		q.Set("type", "conda")
	case strings.HasSuffix(fn, ".tar.bz2"):
		q.Set("type", "tar.bz2")
	}
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}
