package conda

import (
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/plan"
)

// Detect passes, as Oryx's conda detection does, when the app's root holds
// environment.yml or environment.yaml, or a Jupyter notebook (*.ipynb). It
// steps aside when BP_PYTHON_PACKAGE_MANAGER names a manager (see
// environment.Choose). It
// provides conda-environment and site-packages (so that buildpacks needing
// installed packages, such as collectstatic, compose with it) and requires
// CPython at build only: that CPython runs py-rattler, while the app runs
// with the Python the environment installs.
func Detect() packit.DetectFunc {
	return func(context packit.DetectContext) (packit.DetectResult, error) {
		choice, err := environment.Choose(context.WorkingDir)
		if err != nil {
			return packit.DetectResult{}, err
		}
		if strings.HasPrefix(choice.Because, environment.ManagerEnv) {
			return packit.DetectResult{}, packit.Fail.WithMessage("%s: not a conda environment", choice.Because)
		}
		found := false
		for _, name := range EnvFiles {
			ok, err := appscan.Exists(context.WorkingDir, name)
			if err != nil {
				return packit.DetectResult{}, err
			}
			if ok {
				found = true
				break
			}
		}
		if !found {
			notebook, err := appscan.FindExt(context.WorkingDir, NotebookExt, false)
			if err != nil {
				return packit.DetectResult{}, err
			}
			found = notebook != ""
		}
		if !found {
			return packit.DetectResult{}, packit.Fail.WithMessage("no environment.yml, environment.yaml or *.ipynb at the app's root")
		}
		return packit.DetectResult{
			Plan: packit.BuildPlan{
				Provides: []packit.BuildPlanProvision{{Name: plan.CondaEnvironment}, {Name: plan.SitePackages}},
				Requires: []packit.BuildPlanRequirement{
					{Name: plan.CPython, Metadata: map[string]interface{}{"build": true}},
					{Name: plan.CondaEnvironment, Metadata: map[string]interface{}{"launch": true}},
					{Name: plan.SitePackages, Metadata: map[string]interface{}{"launch": true}},
				},
			},
		}, nil
	}
}
