package environment

import (
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/plan"
)

// Detect passes when Choose picks m for the app. It provides site-packages
// and requires CPython at build and launch, with a build key (see
// plan.BuildKey) unless the environment is needed at every build; a recipe
// that cannot be read gives no key (the build reports what is wrong).
func Detect(m Manager) packit.DetectFunc {
	return func(context packit.DetectContext) (packit.DetectResult, error) {
		choice, err := Choose(context.WorkingDir)
		if err != nil {
			return packit.DetectResult{}, err
		}
		if choice.Manager != m.Name {
			return packit.DetectResult{}, packit.Fail.WithMessage("the app's dependencies are not for %s (%s)", m.Name, describe(choice))
		}
		cpython := map[string]interface{}{"build": true, "launch": true}
		if key, ok := BuildKey(m, App{Dir: context.WorkingDir, PlatformDir: context.Platform.Path, CNBPath: context.CNBPath, Choice: choice}); ok {
			cpython[plan.BuildKey] = key
		}
		return packit.DetectResult{
			Plan: packit.BuildPlan{
				Provides: []packit.BuildPlanProvision{{Name: plan.SitePackages}},
				Requires: []packit.BuildPlanRequirement{
					{Name: plan.CPython, Metadata: cpython},
					{Name: plan.SitePackages, Metadata: map[string]interface{}{"launch": true}},
				},
			},
		}, nil
	}
}

func describe(c Choice) string {
	if c.Manager == "" {
		return "no requirements.txt, setup.py, pyproject.toml, uv.lock, poetry.lock or Pipfile"
	}
	return c.Manager + " installs them, from " + c.Because
}

// BuildKey is m's plan.BuildKey for the app: everything its environment
// depends on besides CPython. ok is false when Python is needed at (nearly)
// every build (Recipe.EveryBuild, or a step that runs at every build) or
// when the recipe cannot be read.
func BuildKey(m Manager, app App) (key string, ok bool) {
	recipe, err := m.Recipe(app)
	if err != nil || recipe.EveryBuild || len(recipe.After) > 0 || compressionAsked() {
		return "", false // see everyBuild
	}
	set := recipe.Inputs
	addTools(&set, recipe.Tools)
	digest, err := set.Digest()
	if err != nil {
		return "", false
	}
	return plan.KeyOf(m.Name, digest, Format), true
}
