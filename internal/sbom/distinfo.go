package sbom

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// sitePackages are where a layer keeps Python distributions: a virtual
// environment's or an installation's, and a --target directory's.
var sitePackages = []string{"lib/python3.*/site-packages", "site-packages"}

// ReadDistributions reads the Python distributions installed in the layer
// at layerPath, from each *.dist-info's METADATA, direct_url.json (PEP 610)
// and sboms/ (PEP 770). Distributions whose METADATA is in skip (paths
// relative to the layer: a conda package installed them) are left out.
func ReadDistributions(layerPath string, skip map[string]bool) ([]Component, error) {
	var components []Component
	for _, pattern := range sitePackages {
		dirs, err := filepath.Glob(filepath.Join(layerPath, pattern, "*.dist-info"))
		if err != nil {
			return nil, err
		}
		for _, dir := range dirs {
			rel, _ := filepath.Rel(layerPath, dir)
			if skip[filepath.ToSlash(filepath.Join(rel, "METADATA"))] {
				continue
			}
			c, ok, err := ReadDistInfo(dir)
			if err != nil {
				return nil, err
			}
			if ok {
				c.Path = filepath.ToSlash(rel)
				components = append(components, c)
			}
		}
	}
	sortComponents(components)
	return components, nil
}

// ReadDistInfo reads one *.dist-info directory; ok is false when it has no
// METADATA with a name and version.
func ReadDistInfo(dir string) (c Component, ok bool, err error) {
	content, err := os.ReadFile(filepath.Join(dir, "METADATA"))
	if errors.Is(err, fs.ErrNotExist) {
		return c, false, nil
	} else if err != nil {
		return c, false, fmt.Errorf("reading %s: %w", dir, err)
	}
	m := ParseMetadata(content)
	if m.Name == "" || m.Version == "" {
		return c, false, nil
	}
	c = Component{
		Kind:     Library,
		Name:     m.Name,
		Version:  m.Version,
		PURL:     PyPIPURL(m.Name, m.Version),
		Licenses: m.Licenses,
		Homepage: m.Homepage,
		Summary:  m.Summary,
	}
	if err := readDirectURL(filepath.Join(dir, "direct_url.json"), &c); err != nil {
		return c, false, err
	}
	if c.Contains, err = readIncludedSBOMs(filepath.Join(dir, "sboms")); err != nil {
		return c, false, err
	}
	return c, true, nil
}

// Metadata is what this package reads from a METADATA file (core metadata,
// an email-header format).
type Metadata struct {
	Name, Version, Summary, Homepage string
	Licenses                         Licenses
}

// ParseMetadata reads the header fields of a METADATA file (the body, the
// long description, is not read).
func ParseMetadata(content []byte) Metadata {
	var m Metadata
	var field, value string
	flush := func() {
		switch strings.ToLower(field) {
		case "name":
			m.Name = value
		case "version":
			m.Version = value
		case "summary":
			m.Summary = value
		case "home-page":
			m.Homepage = value
		case "project-url":
			if label, u, ok := strings.Cut(value, ","); ok && m.Homepage == "" && strings.EqualFold(strings.TrimSpace(label), "homepage") {
				m.Homepage = strings.TrimSpace(u)
			}
		case "license-expression":
			m.Licenses.Expression = value
		case "license":
			m.Licenses.Text = value
		case "classifier":
			if strings.HasPrefix(value, "License ::") {
				m.Licenses.Classifiers = append(m.Licenses.Classifiers, value)
			}
		}
		field, value = "", ""
	}
	scanner := bufio.NewScanner(bytes.NewReader(content))
	scanner.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for scanner.Scan() {
		line := strings.TrimRight(scanner.Text(), "\r")
		if line == "" {
			break // the headers end at the first blank line
		}
		if (line[0] == ' ' || line[0] == '\t') && field != "" {
			// a folded line continues the field (the License text often is)
			value += "\n" + strings.TrimSpace(line)
			continue
		}
		flush()
		name, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		field, value = strings.TrimSpace(name), strings.TrimSpace(v)
	}
	flush()
	if m.Licenses.Expression != "" {
		m.Licenses.Classifiers, m.Licenses.Text = nil, ""
	} else if len(m.Licenses.Classifiers) > 0 {
		m.Licenses.Text = ""
	}
	if u, err := url.Parse(m.Homepage); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		m.Homepage = "" // not a web address the formats can hold
	}
	m.Licenses.Text = strings.TrimSpace(m.Licenses.Text)
	if strings.EqualFold(m.Licenses.Text, "UNKNOWN") {
		m.Licenses.Text = ""
	}
	return m
}

// NormalizeName is a distribution name as PEP 503 normalizes it.
func NormalizeName(name string) string {
	name = strings.ToLower(name)
	var b strings.Builder
	dash := false
	for _, r := range name {
		if r == '-' || r == '_' || r == '.' {
			if !dash {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		dash = false
		b.WriteRune(r)
	}
	return b.String()
}

// PyPIPURL is the purl of a Python distribution.
func PyPIPURL(name, version string) string {
	return "pkg:pypi/" + url.PathEscape(NormalizeName(name)) + "@" + url.PathEscape(version)
}

// readDirectURL adds what PEP 610's direct_url.json says about a
// distribution installed from a URL, a VCS or a local directory.
func readDirectURL(path string, c *Component) error {
	content, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	var d struct {
		URL     string `json:"url"`
		VCSInfo *struct {
			VCS      string `json:"vcs"`
			CommitID string `json:"commit_id"`
		} `json:"vcs_info"`
		ArchiveInfo *struct {
			Hash   string            `json:"hash"`
			Hashes map[string]string `json:"hashes"`
		} `json:"archive_info"`
	}
	if err := json.Unmarshal(content, &d); err != nil {
		return nil // not PEP 610: nothing to add
	}
	location := redact(d.URL)
	switch {
	case d.VCSInfo != nil:
		c.VCS = d.VCSInfo.VCS + "+" + location
		c.Commit = d.VCSInfo.CommitID
		c.Download = c.VCS
		if c.Commit != "" {
			c.Download += "@" + c.Commit
		}
		c.PURL += "?vcs_url=" + url.QueryEscape(c.Download)
	case d.ArchiveInfo != nil:
		c.Download = location
		c.SHA256 = d.ArchiveInfo.Hashes["sha256"]
		if algo, sum, ok := strings.Cut(d.ArchiveInfo.Hash, "="); c.SHA256 == "" && ok && algo == "sha256" {
			c.SHA256 = sum
		}
	default:
		c.Download = location
	}
	return nil
}

// redact drops the user information (a token, a password) from a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// readIncludedSBOMs reads the SBOM documents a distribution ships in its
// .dist-info/sboms/ (PEP 770), CycloneDX or SPDX JSON, as the components
// they list.
func readIncludedSBOMs(dir string) ([]Component, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var components []Component
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
		var doc struct {
			BOMFormat  string `json:"bomFormat"`
			Components []struct {
				Type     string `json:"type"`
				Name     string `json:"name"`
				Version  string `json:"version"`
				PURL     string `json:"purl"`
				CPE      string `json:"cpe"`
				Licenses []struct {
					License *struct {
						ID   string `json:"id"`
						Name string `json:"name"`
					} `json:"license"`
					Expression string `json:"expression"`
				} `json:"licenses"`
			} `json:"components"`
			SPDXVersion string `json:"spdxVersion"`
			Packages    []struct {
				Name            string `json:"name"`
				Version         string `json:"versionInfo"`
				LicenseDeclared string `json:"licenseDeclared"`
				ExternalRefs    []struct {
					Type    string `json:"referenceType"`
					Locator string `json:"referenceLocator"`
				} `json:"externalRefs"`
			} `json:"packages"`
		}
		if json.Unmarshal(content, &doc) != nil {
			continue // not a JSON document this package reads
		}
		for _, p := range doc.Components {
			c := Component{Kind: Library, Name: p.Name, Version: p.Version, PURL: p.PURL, CPE: p.CPE}
			var exprs []string
			for _, l := range p.Licenses {
				switch {
				case l.Expression != "":
					exprs = append(exprs, l.Expression)
				case l.License != nil && l.License.ID != "":
					exprs = append(exprs, l.License.ID)
				case l.License != nil && l.License.Name != "":
					c.Licenses.Text = l.License.Name
				}
			}
			if len(exprs) > 0 {
				c.Licenses = Licenses{Expression: joinAnd(exprs)}
			}
			components = append(components, c)
		}
		for _, p := range doc.Packages {
			c := Component{Kind: Library, Name: p.Name, Version: p.Version}
			if l := p.LicenseDeclared; l != "" && l != "NOASSERTION" && l != "NONE" {
				c.Licenses.Expression = l
			}
			for _, ref := range p.ExternalRefs {
				switch ref.Type {
				case "purl":
					c.PURL = ref.Locator
				case "cpe23Type":
					c.CPE = ref.Locator
				}
			}
			components = append(components, c)
		}
	}
	return components, nil
}

// joinAnd joins license expressions with AND.
func joinAnd(exprs []string) string {
	if len(exprs) == 1 {
		return exprs[0]
	}
	parts := make([]string, len(exprs))
	for i, e := range exprs {
		parts[i] = e
		if strings.Contains(e, " ") {
			parts[i] = "(" + e + ")"
		}
	}
	return strings.Join(parts, " AND ")
}
