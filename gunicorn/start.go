package gunicorn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/errs"
)

// Start is how the app starts, decided at build time.
type Start struct {
	// Processes are the launch processes. The web process, when there is
	// one, comes first and is the default.
	Processes []packit.DirectProcess
	// WSGIApp is the module:callable gunicorn serves when the web process
	// runs gunicorn, else "".
	WSGIApp string
}

// ChooseStart decides how the app starts, in Oryx's order, and logs what it
// found and what it ignored:
//
//  1. the user's command: BP_PYTHON_START_COMMAND, else
//     PYTHON_STARTUP_COMMAND, else the Procfile's web entry, run with bash -c
//     (the Procfile's other entries become further processes either way);
//  2. gunicorn serving <package>.wsgi, for the first directory holding
//     wsgi.py (Django; see FindDjango);
//  3. gunicorn serving <module>:app, or :application, for the first of
//     WSGIModules that defines it at module level (see DefinedCallable);
//  4. python <file>, for the first of those files without a callable, or
//     of ScriptModules, that runs itself (see RunsItself).
//
// With none of these it returns no process. A Procfile without a web entry
// and no start command setting is an error, and so is a file of WSGIModules
// that defines no callable when nothing else says how to start the app.
func ChooseStart(appDir string, logger scribe.Emitter) (Start, error) {
	setting, hasSetting, err := ReadStartSetting(appDir)
	if err != nil {
		return Start{}, err
	}
	entries, hasProcfile, err := ReadProcfile(appDir)
	if err != nil {
		return Start{}, err
	}
	var web *ProcfileEntry
	var others []packit.DirectProcess
	for i, entry := range entries {
		if entry.Type == WebProcess {
			web = &entries[i]
			continue
		}
		others = append(others, shellProcess(entry.Type, entry.Command, false))
	}

	if hasSetting {
		logger.Subprocess("Using %s: %s", setting.Name, setting.Command)
		if setting.Ignored != "" {
			logger.Subprocess("%s is ignored: %s is set", setting.Ignored, setting.Name)
		}
		if web != nil {
			logger.Subprocess("The %s's web entry (line %d) is ignored: %s is set", Procfile, web.Line, setting.Name)
		}
		return Start{Processes: append([]packit.DirectProcess{shellProcess(WebProcess, setting.Command, true)}, others...)}, nil
	}
	if hasProcfile {
		if web == nil {
			return Start{}, noWebEntry(entries)
		}
		logger.Subprocess("Using the %s's web entry (line %d): %s", Procfile, web.Line, web.Command)
		return Start{Processes: append([]packit.DirectProcess{shellProcess(WebProcess, web.Command, true)}, others...)}, nil
	}

	dir, err := FindDjango(appDir)
	if err != nil {
		return Start{}, err
	}
	if dir != "" {
		logger.Subprocess("Found %s (Django)", filepath.Join(dir, WSGIFile))
		return gunicornStart(filepath.Base(dir)+".wsgi", filepath.Dir(dir)), nil
	}

	var without []string
	for _, file := range WSGIModules {
		src, err := os.ReadFile(filepath.Join(appDir, file))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Start{}, fmt.Errorf("reading %s: %w", file, err)
		}
		if name := DefinedCallable(src); name != "" {
			logger.Subprocess("Found %s, defining the WSGI callable %s", file, name)
			return gunicornStart(strings.TrimSuffix(file, ".py")+":"+name, "."), nil
		}
		logger.Subprocess("%s defines no WSGI callable named %s at module level", file, strings.Join(WSGICallables, " or "))
		without = append(without, file)
	}
	// A script that starts its own server (the standard library's
	// http.server, say) runs with python.
	for _, file := range append(without, ScriptModules...) {
		src, err := os.ReadFile(filepath.Join(appDir, file))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Start{}, fmt.Errorf("reading %s: %w", file, err)
		}
		if RunsItself(src) {
			logger.Subprocess("%s runs itself (if __name__ == \"__main__\"): the web process runs python %s", file, file)
			return Start{Processes: []packit.DirectProcess{{Type: WebProcess, Command: []string{"python", file}, Default: true}}}, nil
		}
	}
	if len(without) > 0 {
		return Start{}, noCallable(without)
	}

	logger.Subprocess("No web process: nothing says how to start this app. Looked for, in order:")
	logger.Action("1. a start command in %s or %s: neither is set", StartCommandEnv, OryxStartCommandEnv)
	logger.Action("2. a %s with a web entry: there is no %s", Procfile, Procfile)
	logger.Action("3. a directory holding %s (Django), up to %d levels below the root: none", WSGIFile, DjangoDepth)
	logger.Action("4. a module-level WSGI callable %s in %s: none of these files",
		strings.Join(WSGICallables, " or "), strings.Join(WSGIModules, ", "))
	logger.Subprocess("To give the image a web process, set %s (pack build --env %s=\"python main.py\") or add a %s with a line `web: <command>`.",
		StartCommandEnv, StartCommandEnv, Procfile)
	return Start{}, nil
}

// shellProcess runs a user's command with bash -c, so that shell syntax and
// $PORT work.
func shellProcess(processType, command string, isDefault bool) packit.DirectProcess {
	return packit.DirectProcess{Type: processType, Command: []string{"bash", "-c", command}, Default: isDefault}
}

// gunicornStart serves app with gunicorn from dir, relative to the app's
// root. Bind address, timeout and workers come from GUNICORN_CMD_ARGS, which
// the exec.d program sets when the container starts. gunicorn runs as
// `python -m gunicorn` so that whichever python the app's environment puts
// on PATH imports it.
func gunicornStart(app, dir string) Start {
	command := []string{"python", "-m", "gunicorn"}
	if dir != "." {
		command = append(command, "--chdir", dir)
	}
	command = append(command, app)
	return Start{
		Processes: []packit.DirectProcess{{Type: WebProcess, Command: command, Default: true}},
		WSGIApp:   app,
	}
}

func noWebEntry(entries []ProcfileEntry) error {
	found := "It has no entries."
	if len(entries) > 0 {
		var list []string
		for _, entry := range entries {
			list = append(list, fmt.Sprintf("%s (line %d)", entry.Type, entry.Line))
		}
		found = "Entries found: " + strings.Join(list, ", ")
	}
	return &errs.UserError{
		Title:  fmt.Sprintf("The %s has no web entry", Procfile),
		Detail: found,
		Remedy: fmt.Sprintf("add a `web:` line or remove the %s, or set %s", Procfile, StartCommandEnv),
	}
}

func noCallable(files []string) error {
	verb := "defines"
	if len(files) > 1 {
		verb = "define"
	}
	first := files[0]
	return &errs.UserError{
		Title: fmt.Sprintf("%s %s no WSGI callable named %s", strings.Join(files, " and "), verb, strings.Join(WSGICallables, " or ")),
		Detail: fmt.Sprintf("Nothing else says how to start the app: %s and %s are not set, there is no %s, and no directory holds %s (Django).",
			StartCommandEnv, OryxStartCommandEnv, Procfile, WSGIFile),
		Remedy: fmt.Sprintf("define app = Flask(__name__) (or similar) at module level in %s, or set %s; "+
			"if %s starts its own server, set %s=\"python %s\" or add a %s with the line `web: python %s`",
			first, StartCommandEnv, first, StartCommandEnv, first, Procfile, first),
	}
}
