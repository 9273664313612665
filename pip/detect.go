package pip

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/requirements"
)

// Detect passes when there is something for pip to install: the file
// CUSTOM_REQUIREMENTSTXT_PATH names (checked at build, where a missing file
// is reported), requirements.txt at the root, setup.py, or a pyproject.toml
// with a [build-system] table. It provides site-packages and requires
// CPython at build and launch, with a build key (see plan.BuildKey) unless
// the environment is needed at every build.
func Detect() packit.DetectFunc {
	return func(context packit.DetectContext) (packit.DetectResult, error) {
		found := strings.TrimSpace(os.Getenv(requirements.CustomPathEnv)) != ""
		if !found {
			file, err := requirements.Locate(context.WorkingDir)
			if err != nil {
				return packit.DetectResult{}, err
			}
			found = file != ""
		}
		if !found {
			isProject, err := IsProject(context.WorkingDir)
			if err != nil {
				return packit.DetectResult{}, err
			}
			found = isProject
		}
		if !found {
			return packit.DetectResult{}, packit.Fail.WithMessage("no requirements.txt, %s, setup.py or pyproject.toml with [build-system]", requirements.CustomPathEnv)
		}
		cpython := map[string]interface{}{"build": true, "launch": true}
		if key, ok := BuildKey(context.WorkingDir, context.Platform.Path); ok {
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

// IsProject tells whether the app is a Python project pip can install
// itself: it has setup.py, or a pyproject.toml with a [build-system] table.
// A pyproject.toml that is not valid TOML counts as a project, so that the
// build reports the syntax error.
func IsProject(dir string) (bool, error) {
	if ok, err := appscan.Exists(dir, "setup.py"); err != nil || ok {
		return ok, err
	}
	content, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var pyproject map[string]interface{}
	if _, err := toml.Decode(string(content), &pyproject); err != nil {
		return true, nil
	}
	_, ok := pyproject["build-system"]
	return ok, nil
}
