package gunicorn

import (
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/appscan"
)

// Build writes the default web process: python running the first of
// ScriptCandidates found at the app's root. With none, it sets no process
// and says what it looked for.
func Build(logger scribe.Emitter) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		logger.Process("Choosing the start command")

		for _, script := range ScriptCandidates {
			found, err := appscan.Exists(context.WorkingDir, script)
			if err != nil {
				return packit.BuildResult{}, err
			}
			if !found {
				continue
			}
			process := packit.DirectProcess{
				Type:    "web",
				Command: []string{"python", script},
				Default: true,
			}
			logger.Subprocess("Found %s", script)
			logger.LaunchDirectProcesses([]packit.DirectProcess{process})
			return packit.BuildResult{Launch: packit.LaunchMetadata{DirectProcesses: []packit.DirectProcess{process}}}, nil
		}

		logger.Subprocess("No web process: none of %s is at the app's root.", strings.Join(ScriptCandidates, ", "))
		logger.Subprocess("Add one of them, or run the image with an explicit command.")
		logger.Break()
		return packit.BuildResult{}, nil
	}
}
