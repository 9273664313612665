// Package sbomtest holds the document the format packages' tests write.
package sbomtest

import (
	"time"

	"github.com/python-cnb/buildpack/internal/sbom"
)

// Document has one component of each kind the formats treat differently:
// a runtime from a dependency entry (downloaded from a loopback address),
// a distribution known by license classifiers with a component of its own,
// a VCS install with an SPDX expression, and a second distribution of the
// same name and version.
func Document() sbom.Document {
	return sbom.Document{
		Name: "python-cnb/pip/venv", Tool: "python-cnb/pip@0.1.0", Key: "sha256:k",
		App:     sbom.Component{Kind: sbom.Application, Name: "shop", Version: "1.0"},
		Created: time.Date(1980, 1, 1, 0, 0, 1, 0, time.UTC),
		Components: []sbom.Component{
			{Kind: sbom.Runtime, Name: "CPython", Version: "3.13.1", PURL: "pkg:generic/cpython@3.13.1", CPE: "cpe:2.3:a:python:python:3.13.1:*:*:*:*:*:*:*",
				SHA256: "aa", Download: "http://127.0.0.1:8080/c.tgz", Source: "https://python.example.org/P.tgz", Licenses: sbom.Licenses{Expression: "PSF-2.0"}},
			{Kind: sbom.Library, Name: "six", Version: "1.17.0", PURL: "pkg:pypi/six@1.17.0", Download: "https://files.example.org/six.whl",
				Licenses: sbom.Licenses{Classifiers: []string{"License :: OSI Approved :: MIT License", "License :: OSI Approved :: BSD License"}},
				Path:     "lib/python3.13/site-packages/six-1.17.0.dist-info", Homepage: "https://six.example.org",
				Contains: []sbom.Component{{Kind: sbom.Library, Name: "zlib", Version: "1.3", PURL: "pkg:generic/zlib@1.3"}}},
			{Kind: sbom.Library, Name: "a", Version: "1", PURL: "pkg:pypi/a@1", VCS: "git+https://git.example.org/a", Download: "git+https://git.example.org/a@abc",
				Licenses: sbom.Licenses{Expression: "MIT OR Apache-2.0"}},
			{Kind: sbom.Library, Name: "six", Version: "1.17.0"},
		},
	}
}
