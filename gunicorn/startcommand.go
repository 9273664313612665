package gunicorn

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/settings"
)

// StartSetting is a start command given by BP_PYTHON_START_COMMAND or
// PYTHON_STARTUP_COMMAND.
type StartSetting struct {
	// Name is the setting that gave it.
	Name string
	// Command is what `bash -c` runs.
	Command string
	// Script is the app's script it runs, relative to the app's root, or "".
	Script string
	// Ignored names the other setting when it is set too.
	Ignored string
}

// ReadStartSetting reads the start command settings; found is false when
// neither is set. The value is a shell command line. When its first word is
// a relative path that ends in .sh or names a file in the app, that file is
// a script: it must be in the app and be executable, and it is run as
// ./path when the path has no directory part (bash would look it up on PATH).
func ReadStartSetting(appDir string) (setting StartSetting, found bool, err error) {
	value, name := settings.First(StartCommandEnv, OryxStartCommandEnv)
	if name == "" {
		return StartSetting{}, false, nil
	}
	setting = StartSetting{Name: name, Command: value}
	if name == StartCommandEnv && strings.TrimSpace(os.Getenv(OryxStartCommandEnv)) != "" {
		setting.Ignored = OryxStartCommandEnv
	}

	first := strings.Fields(value)[0]
	if filepath.IsAbs(first) || strings.ContainsAny(first, "$=\"'`~") {
		return setting, true, nil
	}
	info, statErr := os.Stat(filepath.Join(appDir, first))
	isFile := statErr == nil && info.Mode().IsRegular()
	if !isFile && !strings.HasSuffix(first, ".sh") {
		return setting, true, nil
	}
	if !isFile {
		return StartSetting{}, true, &errs.UserError{
			Title:  fmt.Sprintf("%s runs the script %s, which is not a file in the app", name, first),
			Remedy: fmt.Sprintf("add %s to the app (the path is relative to the app's root), or correct %s", first, name),
		}
	}
	if info.Mode().Perm()&0o111 == 0 {
		return StartSetting{}, true, &errs.UserError{
			Title: fmt.Sprintf("%s runs the script %s, which is not executable", name, first),
			Remedy: fmt.Sprintf("run `chmod +x %s` and commit that (git update-index --chmod=+x %s), or set %s=\"bash %s\"",
				first, first, name, value),
		}
	}
	setting.Script = filepath.Clean(first)
	if !strings.Contains(first, "/") {
		setting.Command = "./" + value
	}
	return setting, true, nil
}
