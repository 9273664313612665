// Command detect is bin/detect of every sub-buildpack.
package main

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/wiring"
)

func main() {
	wiring.Run(detectors, func(detect func() packit.DetectFunc) { packit.Detect(detect()) })
}
