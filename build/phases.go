package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/collectstatic"
	"github.com/python-cnb/buildpack/conda"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/python-cnb/buildpack/internal/wheeldep"
	"github.com/python-cnb/buildpack/pip"
	"github.com/python-cnb/buildpack/pipenv"
	"github.com/python-cnb/buildpack/poetry"
	"github.com/python-cnb/buildpack/requirements"
	"github.com/python-cnb/buildpack/uv"
)

// builders maps each sub-buildpack id to its Build, wired with the real
// collaborators.
var builders = map[string]func(logger scribe.Emitter) packit.BuildFunc{
	plan.CPythonID: func(logger scribe.Emitter) packit.BuildFunc {
		return cpython.Build(cpython.NewInstaller(cpython.NewTransport()), bytecode.NewCompiler(nil).DropOptimized(),
			settingChecks(), chronos.DefaultClock, logger)
	},
	plan.PipID: func(logger scribe.Emitter) packit.BuildFunc {
		return environment.Build(pip.Manager, environmentDeps(), logger)
	},
	plan.UVID: func(logger scribe.Emitter) packit.BuildFunc {
		return environment.Build(uv.Manager, environmentDeps(), logger)
	},
	plan.PoetryID: func(logger scribe.Emitter) packit.BuildFunc {
		return environment.Build(poetry.Manager, environmentDeps(), logger)
	},
	plan.PipenvID: func(logger scribe.Emitter) packit.BuildFunc {
		return environment.Build(pipenv.Manager, environmentDeps(), logger)
	},
	plan.CondaID: func(logger scribe.Emitter) packit.BuildFunc {
		python := pexec.NewExecutable("python")
		return conda.Build(wheelFetcher(), conda.NewDriver(python), conda.NewPipProgram(func(program string) conda.Executable { return pexec.NewExecutable(program) }),
			bytecode.NewCompiler(nil), chronos.DefaultClock, logger)
	},
	plan.CollectstaticID: func(logger scribe.Emitter) packit.BuildFunc {
		return collectstatic.Build(collectstatic.NewRunner(pexec.NewExecutable("python")), chronos.DefaultClock, logger)
	},
	plan.PreBuildID:  hooks.PreBuild,
	plan.PostBuildID: hooks.PostBuild,
	plan.GunicornID:  gunicorn.Build,
}

// wheelFetcher delivers the sub-buildpacks' wheel dependencies (py-rattler,
// uv) with the build's pip, or through the CPython installer's transport.
func wheelFetcher() wheeldep.Fetcher {
	return wheeldep.NewFetcher(pexec.NewExecutable("python"), cpython.NewInstaller(cpython.NewTransport()))
}

// environmentDeps are the real collaborators of the package managers'
// environment builds.
func environmentDeps() environment.Deps {
	fetcher := wheelFetcher()
	return environment.Deps{
		Executor: environment.Programs{},
		Compiler: bytecode.NewCompiler(nil),
		Fetch: func(cnbPath, platformPath, id, dir string, out io.Writer) error {
			dep, err := wheeldep.Load(filepath.Join(cnbPath, "buildpack.toml"), id, settings.TargetArch())
			if err != nil {
				return err
			}
			source, err := fetcher.Fetch(dep, cnbPath, dir, platformPath, out)
			if err == nil {
				fmt.Fprintf(out, "%s %s from %s\n", dep.ID, dep.Version, source)
			}
			return err
		},
		Clock: chronos.DefaultClock,
	}
}

// settingChecks are the checks of every sub-buildpack's build settings,
// which the cpython sub-buildpack runs before any work.
func settingChecks() []settings.Check {
	var all []settings.Check
	for _, checks := range [][]settings.Check{cpython.Checks, requirements.Checks, environment.Checks, pip.Checks,
		conda.Checks, collectstatic.Checks, gunicorn.Checks, hooks.Checks} {
		all = append(all, checks...)
	}
	return all
}
