package main

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/collectstatic"
	"github.com/python-cnb/buildpack/conda"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/pip"
)

// builders maps each sub-buildpack id to its Build, wired with the real
// collaborators.
var builders = map[string]func(logger scribe.Emitter) packit.BuildFunc{
	plan.CPythonID: func(logger scribe.Emitter) packit.BuildFunc {
		return cpython.Build(cpython.NewInstaller(cpython.NewTransport()), bytecode.NewCompiler(nil).DropOptimized(), chronos.DefaultClock, logger)
	},
	plan.PipID: func(logger scribe.Emitter) packit.BuildFunc {
		return pip.Build(pip.NewRunner(pexec.NewExecutable("python")), bytecode.NewCompiler(nil), chronos.DefaultClock, logger)
	},
	plan.CondaID: func(logger scribe.Emitter) packit.BuildFunc {
		python := pexec.NewExecutable("python")
		return conda.Build(conda.NewFetcher(python, cpython.NewInstaller(cpython.NewTransport())),
			conda.NewDriver(python), pip.NewRunner(python), bytecode.NewCompiler(nil), chronos.DefaultClock, logger)
	},
	plan.CollectstaticID: func(logger scribe.Emitter) packit.BuildFunc {
		return collectstatic.Build(collectstatic.NewRunner(pexec.NewExecutable("python")), chronos.DefaultClock, logger)
	},
	plan.PreBuildID:  hooks.PreBuild,
	plan.PostBuildID: hooks.PostBuild,
	plan.GunicornID:  gunicorn.Build,
}
