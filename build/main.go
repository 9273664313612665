// Command build is bin/build of every sub-buildpack.
package main

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/wiring"
)

func main() {
	wiring.Run(builders, func(build func(scribe.Emitter) packit.BuildFunc) { packit.Build(build(wiring.Logger())) })
}
