// Package collectstatic is the Django sub-buildpack: at build time it runs
// `python manage.py collectstatic --noinput` in the app's directory, so that
// the image carries the collected static files. It adds no layer.
package collectstatic

import "github.com/python-cnb/buildpack/internal/settings"

const (
	// DisableEnv skips collectstatic when true (Oryx's and Heroku classic's
	// setting).
	DisableEnv = "DISABLE_COLLECTSTATIC"

	// ManagePy is Django's management script, looked for at the app's root.
	ManagePy = "manage.py"

	// errorLines is at most how many lines of Django's output a failure
	// message shows.
	errorLines = 20
)

// The python commands this buildpack runs, in the app's directory.
var (
	// ImportDjango tells whether Django is installed in the environment.
	ImportDjango = []string{"-c", "import django"}
	// HelpCollectstatic fails with "Unknown command" when
	// django.contrib.staticfiles is not in INSTALLED_APPS.
	HelpCollectstatic = []string{ManagePy, "help", "collectstatic"}
	// Collectstatic collects the static files into STATIC_ROOT.
	Collectstatic = []string{ManagePy, "collectstatic", "--noinput"}
)

// Checks validate, before any work, the settings this sub-buildpack reads.
var Checks = []settings.Check{settings.BoolCheck(DisableEnv)}
