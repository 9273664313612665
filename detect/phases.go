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
	"github.com/python-cnb/buildpack/pipenv"
	"github.com/python-cnb/buildpack/poetry"
	"github.com/python-cnb/buildpack/uv"
)

// detectors maps each sub-buildpack id to its Detect.
var detectors = map[string]func() packit.DetectFunc{
	plan.CPythonID:       cpython.Detect,
	plan.PipID:           pip.Detect,
	plan.UVID:            uv.Detect,
	plan.PoetryID:        poetry.Detect,
	plan.PipenvID:        pipenv.Detect,
	plan.CondaID:         conda.Detect,
	plan.CollectstaticID: collectstatic.Detect,
	plan.PreBuildID:      hooks.PreDetect,
	plan.PostBuildID:     hooks.PostDetect,
	plan.GunicornID:      gunicorn.Detect,
}
