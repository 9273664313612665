package collectstatic

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/plan"
)

// Detect passes when manage.py is at the app's root. It provides nothing
// and requires CPython and the installed packages (site-packages) at build,
// so it joins a group only after an installer. DISABLE_COLLECTSTATIC is read
// at build, where the skip is logged.
func Detect() packit.DetectFunc {
	return func(context packit.DetectContext) (packit.DetectResult, error) {
		found, err := appscan.Exists(context.WorkingDir, ManagePy)
		if err != nil {
			return packit.DetectResult{}, err
		}
		if !found {
			return packit.DetectResult{}, packit.Fail.WithMessage("no %s at the app's root", ManagePy)
		}
		return packit.DetectResult{
			Plan: packit.BuildPlan{
				Requires: []packit.BuildPlanRequirement{
					{Name: plan.CPython, Metadata: map[string]interface{}{"build": true}},
					{Name: plan.SitePackages, Metadata: map[string]interface{}{"build": true}},
				},
			},
		}, nil
	}
}
