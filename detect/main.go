// Command detect is bin/detect of every sub-buildpack.
package main

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/wiring"
)

func main() {
	wiring.Run(func(bp wiring.Buildpack) { packit.Detect(bp.Detect()) })
}
