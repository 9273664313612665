package gunicorn

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/gunicorn/launchenv"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/settings"
)

// Start is how the app starts, decided at build time.
type Start struct {
	// Processes are the launch processes. The web process, when there is
	// one, comes first and is the default.
	Processes []packit.DirectProcess
	// Served is the app the buildpack's own gunicorn web process serves,
	// nil when the web process is the user's command or a script.
	Served *Served
	// Servers are the distributions of the servers the processes run,
	// each once, in the order of Servers.
	Servers []string
	// Gunicorn lists the process types whose command runs gunicorn.
	Gunicorn []string
	// Modules are the app's files the processes import first, relative to
	// the app's root: the build compiles them.
	Modules []string
}

// Served is what the buildpack's own gunicorn web process serves.
type Served struct {
	// Target is gunicorn's app argument: module:name, module:create_app()
	// or a Django project's pkg.wsgi.
	Target string
	// Interface is WSGI, or ASGI (served with uvicorn-worker's worker).
	Interface Interface
}

// ServerRequirements are the servers' pinned requirements, name==version,
// in the order of Start.Servers.
func (s Start) ServerRequirements() []string {
	var requirements []string
	for _, name := range s.Servers {
		if server, ok := ServerNamed(name); ok {
			requirements = append(requirements, server.Requirement())
		}
	}
	return requirements
}

// ChooseStart decides how the app starts, in Oryx's order and beyond, and
// logs what it found and what it ignored:
//
//  1. the user's command: BP_PYTHON_START_COMMAND, else
//     PYTHON_STARTUP_COMMAND, else the Procfile's web entry, run with bash -c
//     (the Procfile's other entries become further processes either way);
//  2. a Django project: the first directory holding wsgi.py, or asgi.py
//     (see FindDjango and DjangoStart), served by gunicorn;
//  3. the first of AppModules, then of the packages at the root (their
//     __init__.py), that defines an app object app or application, or a
//     create_app factory, at module level (see AppObject): gunicorn serves
//     it, with uvicorn-worker's worker when it is ASGI;
//  4. the one script pyproject.toml declares, when the project is
//     installed;
//  5. python <file>, for the first of AppModules without an app object
//     that runs itself (see RunsItself);
//  6. as 3, the AppModules inside the packages at the root (app/main.py).
//
// With none of these it returns no process. A Procfile without a web entry
// and no start command setting is an error, and so is a file of OryxModules
// that defines no app object when nothing else says how to start the app.
// Every process is read for the servers it runs (see ReadCommand).
func ChooseStart(appDir string, logger scribe.Emitter) (Start, error) {
	start, err := chooseWeb(appDir, logger)
	if err != nil {
		return Start{}, err
	}
	for _, process := range start.Processes {
		var use CommandUse
		if len(process.Command) == 3 && process.Command[0] == "bash" && process.Command[1] == "-c" {
			use = ReadCommand(appDir, process.Command[2])
		} else if start.Served != nil && process.Type == WebProcess {
			use = servedUse(*start.Served)
		} else {
			continue
		}
		start.addUse(process.Type, use)
	}
	return start, nil
}

// servedUse is what the buildpack's own gunicorn process needs.
func servedUse(served Served) CommandUse {
	use := CommandUse{Gunicorn: true}
	use.add("gunicorn")
	if served.Interface == ASGI {
		use.add("uvicorn-worker", "uvicorn")
	}
	return use
}

func (s *Start) addUse(processType string, use CommandUse) {
	var servers []string
	for _, server := range Servers {
		if contains(s.Servers, server.Distribution) || contains(use.Servers, server.Distribution) {
			servers = append(servers, server.Distribution)
		}
	}
	s.Servers = servers
	if use.Gunicorn && !contains(s.Gunicorn, processType) {
		s.Gunicorn = append(s.Gunicorn, processType)
	}
	for _, module := range use.Modules {
		if !contains(s.Modules, module) {
			s.Modules = append(s.Modules, module)
		}
	}
}

func chooseWeb(appDir string, logger scribe.Emitter) (Start, error) {
	setting, hasSetting, err := ReadStartSetting(appDir)
	if err != nil {
		return Start{}, err
	}
	entries, hasProcfile, err := ReadProcfile(appDir)
	if err != nil {
		return Start{}, err
	}
	noASGI, err := settings.Bool(DisableASGIEnv, false)
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
	if noASGI {
		logger.Subprocess("ASGI detection is off (%s=true): every app is served as WSGI", DisableASGIEnv)
	}

	dir, err := FindDjango(appDir, !noASGI)
	if err != nil {
		return Start{}, err
	}
	if dir != "" {
		django := DjangoStart(appDir, dir, !noASGI)
		if django.Interface == ASGI {
			logger.Subprocess("Found %s (Django), serving ASGI: %s", filepath.Join(dir, ASGIFile), django.Why)
		} else {
			logger.Subprocess("Found %s (Django)", filepath.Join(dir, WSGIFile))
		}
		start := gunicornStart(appDir, django.Target, filepath.Dir(dir), django.Interface, logger)
		start.Modules = appFiles(appDir, django.Module)
		return start, nil
	}

	packages, err := rootPackages(appDir)
	if err != nil {
		return Start{}, err
	}
	start, without, err := findAppObject(appDir, append(append([]string{}, AppModules...), packages...), !noASGI, logger)
	if err != nil || len(start.Processes) > 0 {
		return start, err
	}

	project, err := ReadProject(appDir)
	if err != nil {
		return Start{}, err
	}
	switch {
	case len(project.Scripts) == 1 && project.Installed:
		script := project.Scripts[0]
		logger.Subprocess("%s declares one script in %s: the web process runs %s (%s)", PyprojectFile, script.Table, script.Name, script.Entry)
		return Start{
			Processes: []packit.DirectProcess{{Type: WebProcess, Command: []string{script.Name}, Default: true}},
			Modules:   script.Module(appDir),
		}, nil
	case len(project.Scripts) > 0 && !project.Installed:
		logger.Subprocess("%s declares scripts but has no [build-system] table, so the project and its scripts are not installed: none is used", PyprojectFile)
	case len(project.Scripts) > 1:
		logger.Subprocess("%s declares %d scripts, so none is chosen:", PyprojectFile, len(project.Scripts))
		for _, script := range project.Scripts {
			logger.Action("%s = %s (%s)", script.Name, script.Entry, script.Table)
		}
		logger.Subprocess("To run one, set %s (pack build --env %s=%s) or add a %s with the line `web: %s`.",
			StartCommandEnv, StartCommandEnv, project.Scripts[0].Name, Procfile, project.Scripts[0].Name)
	}

	// A script that starts its own server (the standard library's
	// http.server, say) runs with python.
	for _, file := range without {
		src, err := os.ReadFile(filepath.Join(appDir, file))
		if err != nil {
			return Start{}, fmt.Errorf("reading %s: %w", file, err)
		}
		if RunsItself(src) {
			logger.Subprocess("%s runs itself (if __name__ == \"__main__\"): the web process runs python %s", file, file)
			return Start{
				Processes: []packit.DirectProcess{{Type: WebProcess, Command: []string{"python", file}, Default: true}},
				Modules:   []string{file},
			}, nil
		}
	}
	// The layout of FastAPI's "bigger applications" and of many project
	// templates: the app in a module of a package (app/main.py), which the
	// app's own docs start as `uvicorn app.main:app`.
	start, _, err = findAppObject(appDir, packageModules(appDir, packages), !noASGI, logger)
	if err != nil || len(start.Processes) > 0 {
		return start, err
	}

	var oryx []string
	for _, file := range without {
		if contains(OryxModules, file) {
			oryx = append(oryx, file)
		}
	}
	if len(oryx) > 0 {
		return Start{}, noCallable(oryx)
	}

	logger.Subprocess("No web process: nothing says how to start this app. Looked for, in order:")
	logger.Action("1. a start command in %s or %s: neither is set", StartCommandEnv, OryxStartCommandEnv)
	logger.Action("2. a %s with a web entry: there is no %s", Procfile, Procfile)
	logger.Action("3. a directory holding %s or %s (Django), up to %d levels below the root: none", WSGIFile, ASGIFile, DjangoDepth)
	logger.Action("4. an app object %s, or a %s factory, at module level in %s, or in a package's __init__.py at the root: none",
		strings.Join(AppNames, " or "), FactoryName, strings.Join(AppModules, ", "))
	logger.Action("5. one script in %s's [project.scripts] or [tool.poetry.scripts]: %s", PyprojectFile, scriptsFound(project))
	logger.Action("6. one of the files in 4 that runs itself (if __name__ == \"__main__\"): none")
	logger.Action("7. an app object or factory in one of those files inside a package at the root (app/main.py): none")
	logger.Subprocess("To give the image a web process, set %s (pack build --env %s=\"python main.py\") or add a %s with a line `web: <command>`.",
		StartCommandEnv, StartCommandEnv, Procfile)
	return Start{}, nil
}

func scriptsFound(project Project) string {
	switch {
	case len(project.Scripts) == 0:
		return "none"
	case !project.Installed:
		return "not installed"
	default:
		return fmt.Sprintf("%d", len(project.Scripts))
	}
}

// findAppObject looks through files (relative to the app) for the first
// that defines an app object or factory, and returns the gunicorn start
// serving it. without lists the AppModules among files that exist but
// define none.
func findAppObject(appDir string, files []string, asgi bool, logger scribe.Emitter) (start Start, without []string, err error) {
	r := newResolver(appDir)
	for _, file := range files {
		object, ok, err := r.AppObject(file)
		if err != nil {
			return Start{}, nil, err
		}
		if !ok {
			if m, _ := r.module(file); m != nil && contains(AppModules, file) {
				logger.Subprocess("%s defines no app object named %s, and no %s factory, at module level", file, strings.Join(AppNames, " or "), FactoryName)
				without = append(without, file)
			}
			continue
		}
		module := strings.TrimSuffix(strings.TrimSuffix(file, ".py"), string(filepath.Separator)+"__init__")
		module = strings.ReplaceAll(module, string(filepath.Separator), ".")
		target := module + ":" + object.Name
		what := "the app object " + object.Name
		if object.Factory {
			target += "()"
			what = "the app factory " + object.Name
		}
		evidence := "nothing says otherwise"
		if object.Evidence != "" {
			evidence = object.Evidence
		}
		if !asgi && object.Interface == ASGI {
			logger.Subprocess("Found %s, defining %s, which looks like an ASGI app (%s)", file, what, evidence)
			logger.Action("%s=true: it is served as WSGI, which fails its requests", DisableASGIEnv)
			object.Interface = WSGI
		} else {
			logger.Subprocess("Found %s, defining %s (%s: %s)", file, what, object.Interface, evidence)
		}
		start := gunicornStart(appDir, target, ".", object.Interface, logger)
		start.Modules = []string{file}
		return start, without, nil
	}
	return Start{}, without, nil
}

// rootPackages lists the __init__.py files of the packages at the app's
// root, alphabetically, leaving out tests.
func rootPackages(appDir string) ([]string, error) {
	dirs, err := subdirectories(appDir, "")
	if err != nil {
		return nil, fmt.Errorf("looking for packages: %w", err)
	}
	var files []string
	for _, dir := range dirs {
		if !identifier.MatchString(dir) || dir == "tests" || dir == "test" {
			continue
		}
		if init := filepath.Join(dir, "__init__.py"); isRegular(filepath.Join(appDir, init)) {
			files = append(files, init)
		}
	}
	return files, nil
}

// packageModules lists the files of AppModules in each package of inits
// (their __init__.py files), package by package.
func packageModules(appDir string, inits []string) []string {
	var files []string
	for _, init := range inits {
		for _, name := range AppModules {
			if file := filepath.Join(filepath.Dir(init), name); isRegular(filepath.Join(appDir, file)) {
				files = append(files, file)
			}
		}
	}
	return files
}

// shellProcess runs a user's command with bash -c, so that shell syntax and
// $PORT work.
func shellProcess(processType, command string, isDefault bool) packit.DirectProcess {
	return packit.DirectProcess{Type: processType, Command: []string{"bash", "-c", command}, Default: isDefault}
}

// gunicornStart serves target with gunicorn from dir, relative to the app's
// root, with uvicorn-worker's worker for an ASGI app unless the app's
// gunicorn.conf.py sets a worker class. Bind address, timeout and workers
// come from GUNICORN_CMD_ARGS, which the exec.d program sets when the
// container starts. gunicorn runs as `python -m gunicorn` so that whichever
// python the app's environment puts on PATH imports it.
func gunicornStart(appDir, target, dir string, iface Interface, logger scribe.Emitter) Start {
	command := []string{"python", "-m", "gunicorn"}
	if dir != "." {
		command = append(command, "--chdir", dir)
	}
	if iface == ASGI {
		if configSets(appDir, "worker_class") {
			logger.Action("%s sets worker_class: no -k %s is added", launchenv.ConfigFile, ASGIWorker)
		} else {
			command = append(command, "-k", ASGIWorker)
		}
	}
	command = append(command, target)
	return Start{
		Processes: []packit.DirectProcess{{Type: WebProcess, Command: command, Default: true}},
		Served:    &Served{Target: target, Interface: iface},
	}
}

// configSets tells whether the app's gunicorn.conf.py mentions a setting.
func configSets(appDir, setting string) bool {
	content, err := os.ReadFile(filepath.Join(appDir, launchenv.ConfigFile))
	return err == nil && strings.Contains(string(content), setting)
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
		Title: fmt.Sprintf("%s %s no app object named %s and no %s factory", strings.Join(files, " and "), verb,
			strings.Join(AppNames, " or "), FactoryName),
		Detail: fmt.Sprintf("Nothing else says how to start the app: %s and %s are not set, there is no %s, and no directory holds %s or %s (Django).",
			StartCommandEnv, OryxStartCommandEnv, Procfile, WSGIFile, ASGIFile),
		Remedy: fmt.Sprintf("define app = Flask(__name__) or app = FastAPI() (or similar) at module level in %s, or set %s; "+
			"if %s starts its own server, set %s=\"python %s\" or add a %s with the line `web: python %s`",
			first, StartCommandEnv, first, StartCommandEnv, first, Procfile, first),
	}
}
