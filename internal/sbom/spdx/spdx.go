// Package spdx writes sbom Documents as SPDX 2.3 JSON, with the SPDX
// project's Go module (tools-golang). Importing it registers the format
// with package sbom (bin/build does, with a blank import).
package spdx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/python-cnb/buildpack/internal/sbom/licenses"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// MediaType is what buildpack.toml's sbom-formats declares for SPDX.
const MediaType = "application/spdx+json"

// Extension is the file's: <layer>.sbom.spdx.json.
const Extension = "spdx.json"

// RootID is the app's SPDX identifier in every document (SPDXRef-App).
const RootID = "App"

// NamespaceBase starts every document's namespace, which ends with the
// layer's name and a UUID made from the document's content.
const NamespaceBase = "https://spdx.org/spdxdocs/python-cnb/"

const noAssertion = "NOASSERTION"

func init() {
	sbom.RegisterFormat(sbom.Format{Extension: Extension, MediaType: MediaType, Encode: Encode, Refresh: Refresh})
}

// Encode writes doc: the document DESCRIBES the app, which DEPENDS_ON each
// component the layer holds; a component CONTAINS the components of its
// own SBOM (PEP 770) or its Go modules.
func Encode(doc sbom.Document) ([]byte, error) {
	tool, version, _ := strings.Cut(doc.Tool, "@")
	out := &v2_3.Document{
		SPDXVersion:     v2_3.Version,
		DataLicense:     v2_3.DataLicense,
		SPDXIdentifier:  "DOCUMENT",
		DocumentName:    doc.Name,
		DocumentComment: sbom.KeyProperty + "=" + doc.Key,
		CreationInfo: &v2_3.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: tool + "-" + version}},
		},
	}
	setApp(out, doc)
	w := writer{doc: out, ids: map[string]bool{RootID: true}, licenses: map[string]bool{}}
	for _, c := range doc.Components {
		id := w.add(c)
		w.relate(RootID, "DEPENDS_ON", id)
	}
	out.Relationships = append([]*v2_3.Relationship{relationship("DOCUMENT", "DESCRIBES", RootID)}, out.Relationships...)
	sort.SliceStable(out.OtherLicenses, func(i, j int) bool {
		return out.OtherLicenses[i].LicenseIdentifier < out.OtherLicenses[j].LicenseIdentifier
	})
	return finish(out, doc)
}

// Refresh returns old with doc's app and time, when old was written for
// doc.Key.
func Refresh(old []byte, doc sbom.Document) ([]byte, bool, error) {
	out := new(v2_3.Document)
	if err := spdxjson.ReadInto(bytes.NewReader(old), out); err != nil {
		return nil, false, nil
	}
	if out.SPDXVersion != v2_3.Version || out.CreationInfo == nil || out.DocumentComment != sbom.KeyProperty+"="+doc.Key {
		return nil, false, nil
	}
	setApp(out, doc)
	content, err := finish(out, doc)
	return content, err == nil, err
}

// setApp puts doc's app first among the packages, and doc's time.
func setApp(out *v2_3.Document, doc sbom.Document) {
	out.CreationInfo.Created = doc.Created.UTC().Format("2006-01-02T15:04:05Z")
	app := &v2_3.Package{
		PackageName:             doc.App.Name,
		PackageSPDXIdentifier:   RootID,
		PackageVersion:          doc.App.Version,
		PackageDownloadLocation: noAssertion,
		PrimaryPackagePurpose:   "APPLICATION",
	}
	for i, p := range out.Packages {
		if p.PackageSPDXIdentifier == RootID {
			out.Packages[i] = app
			return
		}
	}
	out.Packages = append([]*v2_3.Package{app}, out.Packages...)
}

// finish gives the document the namespace its content makes, and encodes it.
func finish(out *v2_3.Document, doc sbom.Document) ([]byte, error) {
	out.DocumentNamespace = ""
	unnamed, err := encode(out)
	if err != nil {
		return nil, err
	}
	out.DocumentNamespace = NamespaceBase + strings.ReplaceAll(doc.Name, "/", "_") + "-" + sbom.UUID(unnamed)
	return encode(out)
}

func encode(out *v2_3.Document) ([]byte, error) {
	var buf bytes.Buffer
	if err := spdxjson.Write(out, &buf, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return nil, fmt.Errorf("encoding SPDX: %w", err)
	}
	return buf.Bytes(), nil
}

type writer struct {
	doc      *v2_3.Document
	ids      map[string]bool
	licenses map[string]bool
}

// add adds c and what it contains, and returns its SPDX identifier.
func (w *writer) add(c sbom.Component) string {
	id := w.id(c)
	p := &v2_3.Package{
		PackageName:             c.Name,
		PackageSPDXIdentifier:   common.ElementID(id),
		PackageVersion:          c.Version,
		PackageDownloadLocation: noAssertion,
		PackageLicenseConcluded: noAssertion,
		PackageLicenseDeclared:  w.declared(licenses.Resolve(c.Licenses)),
		PackageCopyrightText:    noAssertion,
		PackageSummary:          c.Summary,
		PrimaryPackagePurpose:   purpose(c.Kind),
	}
	if c.Download != "" {
		if downloadLocation(c.Download) {
			p.PackageDownloadLocation = c.Download
		} else {
			p.PackageComment = "downloaded from " + c.Download
		}
	}
	if c.SHA256 != "" {
		p.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: c.SHA256}}
	}
	p.PackageHomePage = c.Homepage
	if c.Source != "" {
		p.PackageSourceInfo = "built from " + c.Source
	}
	if c.Path != "" {
		p.PackageFileName = c.Path
	}
	if c.PURL != "" {
		p.PackageExternalReferences = append(p.PackageExternalReferences, &v2_3.PackageExternalReference{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: c.PURL})
	}
	if c.CPE != "" {
		p.PackageExternalReferences = append(p.PackageExternalReferences, &v2_3.PackageExternalReference{Category: "SECURITY", RefType: "cpe23Type", Locator: c.CPE})
	}
	w.doc.Packages = append(w.doc.Packages, p)
	for _, n := range c.Contains {
		w.relate(id, "CONTAINS", w.add(n))
	}
	return id
}

func (w *writer) relate(a, relationshipType, b string) {
	w.doc.Relationships = append(w.doc.Relationships, relationship(a, relationshipType, b))
}

func relationship(a, relationshipType, b string) *v2_3.Relationship {
	return &v2_3.Relationship{RefA: common.MakeDocElementID("", a), RefB: common.MakeDocElementID("", b), Relationship: relationshipType}
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// id is a readable identifier, made unique within the document.
func (w *writer) id(c sbom.Component) string {
	base := "Package-" + strings.Trim(unsafeID.ReplaceAllString(c.Name+"-"+c.Version, "-"), "-")
	id := base
	for n := 2; w.ids[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	w.ids[id] = true
	return id
}

// declared is the licenseDeclared expression: licenses known only by name
// become LicenseRef- identifiers with their text in
// hasExtractedLicensingInfos.
func (w *writer) declared(r licenses.Resolved) string {
	if r.Empty() {
		return noAssertion
	}
	if r.Expression != "" {
		return r.Expression
	}
	parts := append([]string{}, r.IDs...)
	for _, n := range r.Names {
		sum := sha256.Sum256([]byte(n.Text))
		ref := "LicenseRef-" + strings.Trim(unsafeID.ReplaceAllString(n.Name, "-"), "-") + "-" + hex.EncodeToString(sum[:4])
		if !w.licenses[ref] {
			w.licenses[ref] = true
			w.doc.OtherLicenses = append(w.doc.OtherLicenses, &v2_3.OtherLicense{LicenseIdentifier: ref, ExtractedText: n.Text, LicenseName: n.Name})
		}
		parts = append(parts, ref)
	}
	return strings.Join(parts, " AND ")
}

func purpose(kind sbom.Kind) string {
	if kind == sbom.Library {
		return "LIBRARY"
	}
	return "APPLICATION"
}

// locationPattern is SPDX 2.3's download location form: an optional VCS
// prefix, a scheme, and a host name with a top-level domain (a loopback
// address or file:// is not one).
var locationPattern = regexp.MustCompile(`^((git|hg|svn|bzr)\+)?(https?|ssh|git|svn|sftp|ftp)://([\w\-.!~*'()%;:&=+$,]+@)?[a-z0-9]+([\-.][a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(/.*)?$`)

func downloadLocation(location string) bool {
	return locationPattern.MatchString(location)
}
