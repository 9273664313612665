package main

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/collectstatic"
	"github.com/python-cnb/buildpack/conda"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/pip"
)

// detectors maps each sub-buildpack id to its Detect.
var detectors = map[string]func() packit.DetectFunc{
	plan.CPythonID:       cpython.Detect,
	plan.PipID:           pip.Detect,
	plan.CondaID:         conda.Detect,
	plan.CollectstaticID: collectstatic.Detect,
	plan.PreBuildID:      hooks.PreDetect,
	plan.PostBuildID:     hooks.PostDetect,
	plan.GunicornID:      gunicorn.Detect,
}
