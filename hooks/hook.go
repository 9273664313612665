package hooks

import (
	"fmt"
	"os"
	"strings"

	"github.com/python-cnb/buildpack/internal/settings"
)

// Checks validate, before any work, the script paths the hooks run: each
// must be a file inside the app.
var Checks = []settings.Check{scriptCheck(Pre), scriptCheck(Post)}

func scriptCheck(phase Phase) settings.Check {
	return settings.Check{Name: phase.ScriptEnv(), Validate: func(appDir string) error {
		_, script := Settings(phase)
		_, err := locateScript(appDir, phase.ScriptEnv(), script)
		return err
	}}
}

// Settings reads the phase's command and script path settings from the
// build environment, without surrounding whitespace.
func Settings(phase Phase) (command, script string) {
	return strings.TrimSpace(os.Getenv(phase.CommandEnv())), strings.TrimSpace(os.Getenv(phase.ScriptEnv()))
}

// Hook is what a phase runs.
type Hook struct {
	Phase Phase
	// Setting names the setting the hook comes from.
	Setting string
	// Text is that setting's value: the command, or the script path as given.
	Text string
	// Ignored names the command setting that the script path overrules, ""
	// when there is none.
	Ignored string

	// The fields below are filled in by Prepare.

	// Script is the script's path with symlinks resolved, "" when the shell
	// runs Text as a command.
	Script string
	// Args are the program to run and its arguments.
	Args []string
	// How says, for the log, how the program is run.
	How string
	// Note is a remark for the log, "" when there is none.
	Note string
}

// Choose picks the phase's hook from its settings: the script path wins
// over the command, as in Oryx. It returns false when neither is set.
func Choose(phase Phase) (Hook, bool) {
	command, script := Settings(phase)
	switch {
	case script != "":
		hook := Hook{Phase: phase, Setting: phase.ScriptEnv(), Text: script}
		if command != "" {
			hook.Ignored = phase.CommandEnv()
		}
		return hook, true
	case command != "":
		return Hook{Phase: phase, Setting: phase.CommandEnv(), Text: command}, true
	}
	return Hook{}, false
}

// Kind is "script" for a script path setting, else "command".
func (h Hook) Kind() string {
	if h.Setting == h.Phase.ScriptEnv() {
		return "script"
	}
	return "command"
}

// Display is Text quoted for one line of the log: a command of several
// lines shows its first line only.
func (h Hook) Display() string {
	first, _, multi := strings.Cut(h.Text, "\n")
	if !multi {
		return "'" + h.Text + "'"
	}
	return "'" + strings.TrimRight(first, "\r") + " …'"
}

// Label names the hook in one line: phase, kind, text and setting, as in
// "pre-build command 'make assets' (PRE_BUILD_COMMAND)".
func (h Hook) Label() string {
	where := h.Setting
	if n := strings.Count(h.Text, "\n") + 1; n > 1 {
		where = fmt.Sprintf("%d lines, %s", n, h.Setting)
	}
	return fmt.Sprintf("%s %s %s (%s)", h.Phase, h.Kind(), h.Display(), where)
}

// Prepare decides how to run the hook from appDir. A script path must name
// a file inside the app once symlinks and .. are resolved; it fails with a
// UserError naming the setting otherwise. A command runs with bash -e -c
// (Oryx runs it inside its set -e build script), unless its whole text
// names a file in the app: then it runs as a script, as Oryx does.
func (h Hook) Prepare(appDir string) (Hook, error) {
	if h.Kind() == "script" {
		path, err := locateScript(appDir, h.Setting, h.Text)
		if err != nil {
			return h, err
		}
		return h.asScript(path)
	}
	if path, ok := commandFile(appDir, h.Text); ok {
		h, err := h.asScript(path)
		h.Note = fmt.Sprintf("%s names a file in the app: it runs as a script, as in Oryx", h.Display())
		return h, err
	}
	h.Args = []string{Shell, "-e", "-c", h.Text}
	h.How = "with " + Shell + " -e -c"
	return h, nil
}

func (h Hook) asScript(path string) (Hook, error) {
	args, how, err := scriptArgs(path)
	if err != nil {
		return h, fmt.Errorf("reading %s=%s: %w", h.Setting, h.Text, err)
	}
	h.Script, h.Args, h.How = path, args, how
	return h, nil
}

// commandFile tells whether command, taken as a path relative to appDir,
// is a regular file inside the app, and returns its resolved path.
func commandFile(appDir, command string) (string, bool) {
	if strings.ContainsAny(command, "\n\x00") {
		return "", false
	}
	resolved, err := locateScript(appDir, "", command)
	if err != nil {
		return "", false
	}
	return resolved, true
}

// Env is what the hook's process gets on top of the build environment:
// Oryx's SOURCE_DIR and DESTINATION_DIR, both the app directory, since the
// app is built in place.
func Env(appDir string) []string {
	return []string{"SOURCE_DIR=" + appDir, "DESTINATION_DIR=" + appDir}
}
