// Package sbom describes what each launch layer holds, from the data its
// installer left behind (a dependency entry, each distribution's
// *.dist-info, conda-meta/*.json, pip's installation reports, a Go
// program's build information), and writes it as the layer's software bill
// of materials, <layer>.sbom.<ext>, in every registered format.
//
// The formats live in sub-packages (sbom/cyclonedx, sbom/spdx) that
// bin/build registers with a blank import, as image/png registers with
// package image: the sub-buildpacks call Layer, and bin/detect, which
// links them too, carries no format code.
package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/paketo-buildpacks/packit/v2/scribe"
)

// Version changes whenever what the documents hold changes, so that the
// documents of a reused layer made the old way are described anew (or, when
// the layer's files are not in the build, reported missing).
const Version = "1"

// Kind is what a component is.
type Kind string

const (
	// Application is the app, or a program.
	Application Kind = "application"
	// Runtime is an interpreter (CPython).
	Runtime Kind = "runtime"
	// Library is a Python distribution or a conda package.
	Library Kind = "library"
)

// Licenses is a component's declared license, as its metadata states it;
// the formats decide how to express it (see sbom/licenses).
type Licenses struct {
	// Expression is an SPDX license expression: PEP 639's
	// License-Expression, a conda package's license, a dependency entry's
	// licenses (joined with AND).
	Expression string `json:"expression,omitempty"`
	// Classifiers are the Trove "License ::" classifiers, when there is no
	// expression.
	Classifiers []string `json:"classifiers,omitempty"`
	// Text is the free-text License field, when there is neither.
	Text string `json:"text,omitempty"`
}

// Empty tells whether the metadata declares no license at all.
func (l Licenses) Empty() bool {
	return l.Expression == "" && len(l.Classifiers) == 0 && strings.TrimSpace(l.Text) == ""
}

// Component is one piece of software.
type Component struct {
	Kind    Kind   `json:"kind"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// PURL is the package URL (pkg:pypi/…, pkg:conda/…, pkg:generic/…).
	PURL string `json:"purl,omitempty"`
	// CPE is the CPE 2.3 name, when one is known.
	CPE      string   `json:"cpe,omitempty"`
	Licenses Licenses `json:"licenses"`
	// SHA256 is the digest of the archive the component was installed
	// from, when the installer reported it.
	SHA256 string `json:"sha256,omitempty"`
	// Download is where the archive came from, when that is part of the
	// install's own record (a dependency entry, direct_url.json).
	Download string `json:"download,omitempty"`
	// VCS is the repository URL of a VCS install, with its commit.
	VCS    string `json:"vcs,omitempty"`
	Commit string `json:"commit,omitempty"`
	// Source is where the source of a binary came from.
	Source   string `json:"source,omitempty"`
	Homepage string `json:"homepage,omitempty"`
	Summary  string `json:"summary,omitempty"`
	// Path is where it is, relative to the layer ("" for the app).
	Path string `json:"path,omitempty"`
	// Contains are the components a distribution's own SBOM (PEP 770)
	// lists, or a program's Go modules.
	Contains []Component `json:"contains,omitempty"`
}

// Ref is the component's identifier inside a document, the same in every
// format: its purl, else its kind, name and version.
func (c Component) Ref() string {
	if c.PURL != "" {
		return c.PURL
	}
	return string(c.Kind) + ":" + c.Name + "@" + c.Version
}

// Document is what one layer's documents say.
type Document struct {
	// Name names the layer: "<buildpack id>/<layer>".
	Name string
	// Tool is the buildpack that wrote it, "<id>@<version>".
	Tool string
	// App is the root component: the app the image runs.
	App Component
	// Components are what the layer holds, sorted by path.
	Components []Component
	// Key identifies the layer's contents (its metadata and Version): the
	// documents written for it are kept while the key is unchanged.
	Key string
	// Created is the documents' creation time: SOURCE_DATE_EPOCH, else the
	// time the lifecycle gives images (1980-01-01T00:00:01Z), so that the
	// same layer always gets the same documents.
	Created time.Time
}

// Format writes a Document in one SBOM format.
type Format struct {
	// Extension is the file's in <layer>.sbom.<Extension>, e.g. "cdx.json".
	Extension string
	// MediaType is what buildpack.toml's sbom-formats declares.
	MediaType string
	// Encode writes the document.
	Encode func(Document) ([]byte, error)
	// Refresh takes the document an earlier build wrote in this format
	// and returns it with doc's app and creation time, and whether it was
	// written for doc.Key (when not, it cannot be kept).
	Refresh func(old []byte, doc Document) ([]byte, bool, error)
}

var formats []Format

// RegisterFormat makes Layer write f too. The format packages call it from
// their init functions.
func RegisterFormat(f Format) {
	formats = append(formats, f)
}

// Formats are the registered formats.
func Formats() []Format {
	return append([]Format{}, formats...)
}

// KeyProperty names, in the documents, the property holding Document.Key.
const KeyProperty = "python-cnb:layer-key"

// Layer sets the layer's SBOM: what it holds, for every registered format.
// Call it once the layer is complete, fresh or reused, with its metadata
// set. The documents an earlier build wrote for this layer (the lifecycle
// restores them next to a reused layer's metadata, even when it restores no
// files) are kept while the layer's metadata is unchanged, with the app's
// identity brought up to date; otherwise the layer is described anew from
// its files, and, for a layer installed from a dependency entry, from that
// entry. A reused layer whose files are not in the build and that has no
// documents (an earlier build wrote none) gets none, with a warning.
func Layer(context packit.BuildContext, layer *packit.Layer, logger scribe.Emitter, from ...postal.Dependency) error {
	if len(formats) == 0 {
		return nil
	}
	key, err := layerKey(layer.Metadata)
	if err != nil {
		return err
	}
	app, err := ReadApp(context.WorkingDir)
	if err != nil {
		return err
	}
	doc := Document{
		Name:    context.BuildpackInfo.ID + "/" + layer.Name,
		Tool:    context.BuildpackInfo.ID + "@" + context.BuildpackInfo.Version,
		App:     app,
		Key:     key,
		Created: Created(),
	}

	if kept, ok, err := keep(layer, doc); err != nil {
		return err
	} else if ok {
		layer.SBOM = kept
		logger.Process("Keeping the software bill of materials of layer %s: the layer is unchanged", layer.Name)
		logger.Break()
		return nil
	}

	empty, err := isEmptyDir(layer.Path)
	if err != nil {
		return err
	}
	if empty && len(from) == 0 && len(layer.ExecD) == 0 {
		logger.Process("Warning: layer %s has no software bill of materials: it was reused from a build that wrote none, and its files are not in this build; it gets one when it is rebuilt", layer.Name)
		logger.Break()
		return nil
	}
	if doc.Components, err = Describe(layer.Path, context.CNBPath, layer.ExecD, from); err != nil {
		return err
	}
	formatted := packit.SBOMFormats{}
	names := make([]string, 0, len(formats))
	for _, f := range formats {
		content, err := f.Encode(doc)
		if err != nil {
			return fmt.Errorf("writing the %s bill of materials of layer %s: %w", f.MediaType, layer.Name, err)
		}
		formatted = append(formatted, packit.SBOMFormat{Extension: f.Extension, Content: strings.NewReader(string(content))})
		names = append(names, f.Extension)
	}
	layer.SBOM = formatted
	logger.Process("Writing the software bill of materials of layer %s: %d components (%s)", layer.Name, len(doc.Components), strings.Join(names, ", "))
	logger.Break()
	return nil
}

// keep returns the documents an earlier build wrote for the layer, brought
// up to date, when every format has one written for doc.Key.
func keep(layer *packit.Layer, doc Document) (packit.SBOMFormats, bool, error) {
	var kept packit.SBOMFormats
	for _, f := range formats {
		path := filepath.Join(filepath.Dir(layer.Path), layer.Name+".sbom."+f.Extension)
		old, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, false, nil
		} else if err != nil {
			return nil, false, fmt.Errorf("reading the bill of materials of layer %s: %w", layer.Name, err)
		}
		content, ok, err := f.Refresh(old, doc)
		if err != nil || !ok {
			// not this layer's, or not readable: described anew
			return nil, false, nil
		}
		kept = append(kept, packit.SBOMFormat{Extension: f.Extension, Content: strings.NewReader(string(content))})
	}
	return kept, true, nil
}

// Describe lists what a layer holds: the dependency it was installed from,
// the conda packages in conda-meta/, the Python distributions in its
// site-packages directories (less those a conda package installed), with
// the archive digests of the pip reports written for it (PipReportEnv) or
// of the lock file it was installed from (RecordLock), and
// the programs copied into exec.d (execd, paths in the buildpack at cnbPath).
func Describe(layerPath, cnbPath string, execd []string, from []postal.Dependency) ([]Component, error) {
	var components []Component
	for _, dep := range from {
		components = append(components, FromDependency(dep))
	}
	conda, condaFiles, err := ReadCondaMeta(layerPath)
	if err != nil {
		return nil, err
	}
	components = append(components, conda...)
	dists, err := ReadDistributions(layerPath, condaFiles)
	if err != nil {
		return nil, err
	}
	digests, err := readPipReports(layerPath)
	if err != nil {
		return nil, err
	}
	locked, err := readLockRecords(layerPath)
	if err != nil {
		return nil, err
	}
	for i, d := range dists {
		key := NormalizeName(d.Name) + "==" + d.Version
		if d.SHA256 == "" {
			dists[i].SHA256 = digests[key]
		}
		if archives := locked[key]; dists[i].SHA256 == "" && len(archives) > 0 {
			dists[i].SHA256 = lockDigest(archives, wheelTags(filepath.Join(layerPath, d.Path)))
		}
	}
	components = append(components, dists...)
	for _, program := range execd {
		c, err := FromProgram(program, cnbPath)
		if err != nil {
			return nil, err
		}
		components = append(components, c)
	}
	return components, nil
}

// Created is the documents' creation time: SOURCE_DATE_EPOCH when it is
// set, else 1980-01-01T00:00:01Z, the time the lifecycle gives images.
func Created() time.Time {
	if epoch, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		return time.Unix(epoch, 0).UTC()
	}
	return time.Date(1980, 1, 1, 0, 0, 1, 0, time.UTC)
}

// layerKey digests the layer's metadata (its reuse key) with Version.
func layerKey(metadata map[string]interface{}) (string, error) {
	encoded, err := json.Marshal(metadata) // maps are written with sorted keys
	if err != nil {
		return "", fmt.Errorf("digesting the layer's metadata: %w", err)
	}
	sum := sha256.Sum256(append([]byte("sbom "+Version+"\x00"), encoded...))
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// UUID is an RFC 4122 UUID (version 5 layout) made from content's digest,
// for documents whose identifiers follow from what they say.
func UUID(content []byte) string {
	sum := sha256.Sum256(content)
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func isEmptyDir(path string) (bool, error) {
	entries, err := os.ReadDir(path)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", path, err)
	}
	return len(entries) == 0, nil
}

// sortComponents orders components by path, then name and version.
func sortComponents(components []Component) {
	sort.SliceStable(components, func(i, j int) bool {
		a, b := components[i], components[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
}
