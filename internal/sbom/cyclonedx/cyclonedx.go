// Package cyclonedx writes sbom Documents as CycloneDX 1.6 JSON, with
// CycloneDX's own Go module. Importing it registers the format with package
// sbom (bin/build does, with a blank import).
package cyclonedx

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/python-cnb/buildpack/internal/sbom/licenses"
)

// MediaType is what buildpack.toml's sbom-formats declares for CycloneDX.
const MediaType = "application/vnd.cyclonedx+json"

// Extension is the file's: <layer>.sbom.cdx.json.
const Extension = "cdx.json"

// RootRef is the app's bom-ref in every document.
const RootRef = "python-cnb:app"

func init() {
	sbom.RegisterFormat(sbom.Format{Extension: Extension, MediaType: MediaType, Encode: Encode, Refresh: Refresh})
}

// Encode writes doc: the app as metadata.component, depending on each
// component the layer holds; a distribution's own SBOM's components (PEP
// 770) and a program's Go modules nested in it.
func Encode(doc sbom.Document) ([]byte, error) {
	bom := cdx.NewBOM()
	tool, toolVersion, _ := strings.Cut(doc.Tool, "@")
	bom.Metadata = &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: tool, Version: toolVersion}}},
		Properties: &[]cdx.Property{
			{Name: "python-cnb:layer", Value: doc.Name},
			{Name: sbom.KeyProperty, Value: doc.Key},
		},
	}
	setApp(bom, doc)
	refs := map[string]int{}
	var components []cdx.Component
	var dependsOn []string
	for _, c := range doc.Components {
		component := convert(c, refs)
		components = append(components, component)
		dependsOn = append(dependsOn, component.BOMRef)
	}
	if len(components) > 0 {
		bom.Components = &components
	}
	bom.Dependencies = &[]cdx.Dependency{{Ref: RootRef, Dependencies: &dependsOn}}
	return finish(bom)
}

// Refresh returns old with doc's app and time, when old was written for
// doc.Key.
func Refresh(old []byte, doc sbom.Document) ([]byte, bool, error) {
	bom := new(cdx.BOM)
	if err := cdx.NewBOMDecoder(bytes.NewReader(old), cdx.BOMFileFormatJSON).Decode(bom); err != nil {
		return nil, false, nil
	}
	if bom.Metadata == nil || bom.Metadata.Properties == nil || bom.SpecVersion != cdx.SpecVersion1_6 {
		return nil, false, nil
	}
	written := false
	for _, p := range *bom.Metadata.Properties {
		written = written || (p.Name == sbom.KeyProperty && p.Value == doc.Key)
	}
	if !written {
		return nil, false, nil
	}
	setApp(bom, doc)
	content, err := finish(bom)
	return content, err == nil, err
}

func setApp(bom *cdx.BOM, doc sbom.Document) {
	bom.Metadata.Timestamp = doc.Created.UTC().Format(time.RFC3339)
	bom.Metadata.Component = &cdx.Component{BOMRef: RootRef, Type: cdx.ComponentTypeApplication, Name: doc.App.Name, Version: doc.App.Version}
}

// finish gives the document the serial number that its content makes,
// and encodes it.
func finish(bom *cdx.BOM) ([]byte, error) {
	bom.SerialNumber = ""
	unnumbered, err := encode(bom)
	if err != nil {
		return nil, err
	}
	bom.SerialNumber = "urn:uuid:" + sbom.UUID(unnumbered)
	return encode(bom)
}

func encode(bom *cdx.BOM) ([]byte, error) {
	var out bytes.Buffer
	encoder := cdx.NewBOMEncoder(&out, cdx.BOMFileFormatJSON).SetPretty(true).SetEscapeHTML(false)
	if err := encoder.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return nil, fmt.Errorf("encoding CycloneDX: %w", err)
	}
	return out.Bytes(), nil
}

// convert maps a component; refs makes bom-refs unique within the document.
func convert(c sbom.Component, refs map[string]int) cdx.Component {
	ref := c.Ref()
	if refs[ref]++; refs[ref] > 1 {
		ref = fmt.Sprintf("%s#%d", ref, refs[ref])
	}
	out := cdx.Component{
		BOMRef:      ref,
		Type:        componentType(c.Kind),
		Name:        c.Name,
		Version:     c.Version,
		Description: c.Summary,
		PackageURL:  c.PURL,
		CPE:         c.CPE,
	}
	if c.SHA256 != "" {
		out.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: c.SHA256}}
	}
	if l := licenseChoices(licenses.Resolve(c.Licenses)); l != nil {
		out.Licenses = l
	}
	var links []cdx.ExternalReference
	switch {
	case c.VCS != "":
		links = append(links, cdx.ExternalReference{Type: cdx.ERTypeVCS, URL: c.Download})
	case c.Download != "":
		links = append(links, cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: c.Download})
	}
	if c.Source != "" && c.Kind != sbom.Application {
		links = append(links, cdx.ExternalReference{Type: cdx.ExternalReferenceType("source-distribution"), URL: c.Source})
	}
	if c.Homepage != "" {
		links = append(links, cdx.ExternalReference{Type: cdx.ERTypeWebsite, URL: c.Homepage})
	}
	if len(links) > 0 {
		out.ExternalReferences = &links
	}
	var properties []cdx.Property
	if c.Path != "" {
		properties = append(properties, cdx.Property{Name: "python-cnb:path", Value: c.Path})
	}
	if c.Kind == sbom.Application && c.Source != "" {
		properties = append(properties, cdx.Property{Name: "python-cnb:buildpack-file", Value: c.Source})
	}
	if len(properties) > 0 {
		out.Properties = &properties
	}
	if len(c.Contains) > 0 {
		var nested []cdx.Component
		for _, n := range c.Contains {
			nested = append(nested, convert(n, refs))
		}
		out.Components = &nested
	}
	return out
}

func componentType(kind sbom.Kind) cdx.ComponentType {
	switch kind {
	case sbom.Runtime:
		return cdx.ComponentTypePlatform
	case sbom.Application:
		return cdx.ComponentTypeApplication
	}
	return cdx.ComponentTypeLibrary
}

// licenseChoices is one SPDX identifier or expression, or the licenses by
// identifier and name (CycloneDX allows one expression or a list of
// licenses, not both).
func licenseChoices(r licenses.Resolved) *cdx.Licenses {
	switch {
	case r.Empty():
		return nil
	case r.Expression != "" && !strings.Contains(r.Expression, " "):
		return &cdx.Licenses{{License: &cdx.License{ID: r.Expression}}}
	case r.Expression != "":
		return &cdx.Licenses{{Expression: r.Expression}}
	}
	var choices cdx.Licenses
	for _, id := range r.IDs {
		choices = append(choices, cdx.LicenseChoice{License: &cdx.License{ID: id}})
	}
	for _, n := range r.Names {
		choices = append(choices, cdx.LicenseChoice{License: &cdx.License{Name: n.Name}})
	}
	return &choices
}
