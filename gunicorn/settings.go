package gunicorn

import "github.com/python-cnb/buildpack/internal/settings"

// Checks validate, before any work, the build settings this sub-buildpack
// reads: the start command settings (a script they run must be an
// executable file in the app) and the detection switches.
var Checks = []settings.Check{
	settings.BoolCheck(DisableRecursiveLookupEnv),
	settings.BoolCheck(DisableASGIEnv),
	{Name: StartCommandEnv, Validate: checkStartSetting},
	{Name: OryxStartCommandEnv, Validate: checkStartSetting},
}

func checkStartSetting(appDir string) error {
	_, _, err := ReadStartSetting(appDir)
	return err
}
