// Command build is bin/build of every sub-buildpack.
package main

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	// the bill of materials formats each layer is described in, and the Go
	// programs' build information
	_ "github.com/python-cnb/buildpack/internal/sbom/cyclonedx"
	_ "github.com/python-cnb/buildpack/internal/sbom/goprogram"
	_ "github.com/python-cnb/buildpack/internal/sbom/spdx"
	"github.com/python-cnb/buildpack/internal/wiring"
)

func main() {
	wiring.Run(builders, func(build func(scribe.Emitter) packit.BuildFunc) { packit.Build(build(wiring.Logger())) })
}
