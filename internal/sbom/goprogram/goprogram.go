// Package goprogram reads a Go program's build information (its Go
// version, main module and the modules linked into it) for the bill of
// materials of the layer it is copied into. Importing it registers it with
// package sbom (bin/build does, with a blank import), so that bin/detect
// does not link debug/buildinfo.
package goprogram

import (
	"debug/buildinfo"
	"strings"

	"github.com/python-cnb/buildpack/internal/sbom"
)

func init() {
	sbom.RegisterProgramDetails(Details)
}

// Details adds the Go standard library and modules linked into the program
// at path to c; a program that is not Go is left as it is.
func Details(path string, c *sbom.Component) {
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return
	}
	if info.Main.Version != "" {
		c.Version = info.Main.Version
	}
	goVersion := strings.TrimPrefix(info.GoVersion, "go")
	c.Contains = append(c.Contains, sbom.Component{
		Kind: sbom.Library, Name: "stdlib", Version: goVersion,
		PURL: "pkg:golang/stdlib@" + goVersion, Licenses: sbom.Licenses{Expression: "BSD-3-Clause"},
	})
	for _, m := range info.Deps {
		if m.Replace != nil {
			m = m.Replace
		}
		c.Contains = append(c.Contains, sbom.Component{Kind: sbom.Library, Name: m.Path, Version: m.Version, PURL: "pkg:golang/" + m.Path + "@" + m.Version})
	}
}
