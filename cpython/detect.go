package cpython

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/plan"
)

// Detect always passes and provides cpython; whether a Python app is there
// is decided by the sub-buildpacks that require it.
func Detect() packit.DetectFunc {
	return func(context packit.DetectContext) (packit.DetectResult, error) {
		return packit.DetectResult{
			Plan: packit.BuildPlan{
				Provides: []packit.BuildPlanProvision{{Name: plan.CPython}},
			},
		}, nil
	}
}
