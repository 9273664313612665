package gunicorn

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/settings"
)

// Detect passes for a Python app as Oryx defines one: a runtime.txt at the
// root, or a *.py file at the root or (unless DISABLE_RECURSIVE_LOOKUP=true)
// below it. It requires CPython at launch, and at build with a build key
// (see BuildKey): Python runs at build only to install the servers the
// app's environment lacks and to compile the modules the processes import
// first.
func Detect() packit.DetectFunc {
	return func(context packit.DetectContext) (packit.DetectResult, error) {
		noRecursion, err := settings.Bool(DisableRecursiveLookupEnv, false)
		if err != nil {
			return packit.DetectResult{}, err
		}
		if _, err := settings.Bool(DisableASGIEnv, false); err != nil {
			return packit.DetectResult{}, err
		}
		found, err := appscan.Exists(context.WorkingDir, RuntimeTxt)
		if err != nil {
			return packit.DetectResult{}, err
		}
		if !found {
			file, err := appscan.FindExt(context.WorkingDir, ".py", !noRecursion)
			if err != nil {
				return packit.DetectResult{}, err
			}
			found = file != ""
		}
		if !found {
			where := "at the app's root or below it"
			if noRecursion {
				where = "at the app's root (" + DisableRecursiveLookupEnv + "=true)"
			}
			return packit.DetectResult{}, packit.Fail.WithMessage("no runtime.txt and no *.py file %s", where)
		}
		cpython := map[string]interface{}{"launch": true, "build": true}
		if key, ok := BuildKey(context.WorkingDir); ok {
			cpython[plan.BuildKey] = key
		}
		return packit.DetectResult{
			Plan: packit.BuildPlan{
				Requires: []packit.BuildPlanRequirement{{Name: plan.CPython, Metadata: cpython}},
			},
		}, nil
	}
}

// BuildKey is the start command sub-buildpack's plan.BuildKey: Python runs
// at build only to install servers into the servers layer, which depends
// on the pinned servers the processes run and the layer format (what the
// app's environment holds is in the installer's own key), and to compile
// the modules the processes import first, which depends on their content.
// So a server added or dropped, or an ASGI app becoming WSGI, or an edit to
// such a module, makes CPython be there. ok is false when the start command
// cannot be decided (the build reports why).
func BuildKey(appDir string) (key string, ok bool) {
	start, err := ChooseStart(appDir, scribe.NewEmitter(io.Discard))
	if err != nil {
		return "", false
	}
	parts := []string{LayerFormat, strings.Join(start.ServerRequirements(), " ")}
	for _, module := range start.Modules {
		sum, err := appscan.FileDigest(filepath.Join(appDir, module))
		if err != nil {
			return "", false
		}
		parts = append(parts, module, sum)
	}
	return plan.KeyOf("start", parts...), true
}
