package sbom

import (
	"strings"

	"github.com/paketo-buildpacks/packit/v2/postal"
)

// FromDependency describes a buildpack dependency (buildpack.toml's
// [[metadata.dependencies]], CPython's) as its entry states it: name,
// version, archive digest and URI, source, CPE, purl and licenses.
func FromDependency(dep postal.Dependency) Component {
	name := dep.Name
	if name == "" {
		name = dep.ID
	}
	c := Component{
		Kind:     Runtime,
		Name:     name,
		Version:  dep.Version,
		PURL:     dep.PURL,
		CPE:      dep.CPE,
		Download: redact(dep.URI),
		Source:   redact(dep.Source),
	}
	if algo, sum, ok := strings.Cut(dep.Checksum, ":"); ok && algo == "sha256" {
		c.SHA256 = sum
	} else if !ok && dep.SHA256 != "" {
		c.SHA256 = dep.SHA256
	}
	if len(dep.Licenses) > 0 {
		c.Licenses.Expression = joinAnd(dep.Licenses)
	}
	return c
}
