package hooks

import (
	"fmt"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/plan"
)

// Detect passes when the phase's command or script path setting is set (to
// more than whitespace); whether the script exists is checked at build, so
// that the build log says what is wrong. It requires CPython at build, so
// that the hook runs with Python on PATH; the post-build hook also requires
// the app's packages (site-packages) at build. Fallback plans that require
// less let the hook still run in a group without them, rather than being
// dropped silently as an optional buildpack whose requirement is unmet.
func Detect(phase Phase) packit.DetectFunc {
	return func(context packit.DetectContext) (packit.DetectResult, error) {
		if !phase.Valid() {
			return packit.DetectResult{}, fmt.Errorf("unknown hook phase %q", phase)
		}
		command, script := Settings(phase)
		if command == "" && script == "" {
			return packit.DetectResult{}, packit.Fail.WithMessage("%s and %s are unset: there is no %s hook to run",
				phase.CommandEnv(), phase.ScriptEnv(), phase)
		}
		needs := []packit.BuildPlanRequirement{{Name: plan.CPython, Metadata: map[string]interface{}{"build": true}}}
		if phase == Post {
			// After an installer, the hook runs with the app's environment
			// active, whose files are then kept for build.
			withEnv := append(needs, packit.BuildPlanRequirement{Name: plan.SitePackages, Metadata: map[string]interface{}{"build": true}})
			return packit.DetectResult{Plan: packit.BuildPlan{Requires: withEnv, Or: []packit.BuildPlan{{Requires: needs}, {}}}}, nil
		}
		return packit.DetectResult{Plan: packit.BuildPlan{Requires: needs, Or: []packit.BuildPlan{{}}}}, nil
	}
}

// PreDetect is Detect(Pre), for the pre-build sub-buildpack.
func PreDetect() packit.DetectFunc { return Detect(Pre) }

// PostDetect is Detect(Post), for the post-build sub-buildpack.
func PostDetect() packit.DetectFunc { return Detect(Post) }
