package environment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/python-cnb/buildpack/internal/errs"
)

// Locked describes a manager that installs what a lock file pins (uv,
// Poetry, Pipenv), for what their recipes share: the lock must be there,
// their files and settings are inputs, and a lock out of date with its
// manifest fails with the tool's words and the command that fixes it.
type Locked struct {
	// Tool is the manager's name in messages ("uv", "Poetry").
	Tool string
	// Manifest is the file the lock is made from ("pyproject.toml").
	Manifest string
	// LockFile is the lock file ("uv.lock").
	LockFile string
	// LockCommand makes the lock ("uv lock").
	LockCommand string
	// Files are the files the tool reads, when the app has them.
	Files []string
	// SettingsPrefix starts the tool's settings ("UV_"); OwnSettings are
	// the ones the buildpack sets, which are not inputs.
	SettingsPrefix string
	OwnSettings    []string
	// Stale are words of the tool's output that say the lock is out of
	// date.
	Stale []string
}

// Read checks that the app has the lock file and adds the tool's files and
// settings to r's inputs.
func (l Locked) Read(app App, r *Recipe) error {
	if _, err := os.Stat(filepath.Join(app.Dir, l.LockFile)); err != nil {
		return &errs.UserError{
			Title:  fmt.Sprintf("%s installs the dependencies (%s), but the app has no %s", l.Tool, app.Choice.Because, l.LockFile),
			Detail: "the build installs exactly what a lock file pins; it does not make the lock itself, which would resolve the versions anew on every build",
			Remedy: fmt.Sprintf("run `%s` and commit %s with the app, or choose another manager with %s", l.LockCommand, l.LockFile, ManagerEnv),
		}
	}
	for _, name := range l.Files {
		if _, err := os.Stat(filepath.Join(app.Dir, name)); err == nil {
			r.Inputs.File(name, filepath.Join(app.Dir, name))
		}
	}
	r.Inputs.SettingsWithPrefix(l.SettingsPrefix, l.OwnSettings...)
	r.Lock = filepath.Join(app.Dir, l.LockFile)
	return nil
}

// Failure is a Step.Failure for the tool's install command: a lock out of
// date gets the tool's words and the fix; anything else title and remedy.
func (l Locked) Failure(title, remedy string) func(output string, err error) error {
	return func(output string, err error) error {
		for _, words := range l.Stale {
			if strings.Contains(output, words) {
				return &errs.UserError{
					Title:  fmt.Sprintf("%s is out of date: it does not match %s", l.LockFile, l.Manifest),
					Detail: RootCause(output),
					Remedy: fmt.Sprintf("run `%s` and commit the updated %s", l.LockCommand, l.LockFile),
					Err:    err,
				}
			}
		}
		return Failure(title, remedy)(output, err)
	}
}

// DecodeTOML reads the app's TOML file name into v; a file that is not
// TOML fails naming it, with remedy.
func DecodeTOML(app App, name string, v any, remedy string) error {
	if _, err := toml.DecodeFile(filepath.Join(app.Dir, name), v); err != nil {
		return &errs.UserError{
			Title:  name + " cannot be read as TOML",
			Detail: err.Error(),
			Remedy: remedy,
			Err:    err,
		}
	}
	return nil
}
