package gunicorn

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Server is a web server a process may run. When the app's environment
// lacks it, the pinned version is installed into the servers layer.
type Server struct {
	// Distribution is its name on the package index, normalized.
	Distribution string
	// Version is the version installed.
	Version string
	// Module is what `python -m` runs; Command is the command it provides,
	// "" for none.
	Module, Command string
	// Older is the version installed instead when the app's dependencies
	// hold a version older than Needs gives of a distribution Version
	// requires (uvicorn-worker 0.4.0 requires uvicorn 0.36).
	Older string
	Needs map[string]string
}

// Servers are the servers a command may name, in the order they are
// listed. Oryx's runtime images ship the first three, and App Service
// start commands assume them.
var Servers = []Server{
	{Distribution: "gunicorn", Version: "27.0.1", Module: "gunicorn", Command: "gunicorn"},
	{Distribution: "uvicorn", Version: "0.54.0", Module: "uvicorn", Command: "uvicorn"},
	{Distribution: "uvicorn-worker", Version: "0.4.0", Module: "uvicorn_worker",
		Older: "0.3.0", Needs: map[string]string{"uvicorn": "0.36.0", "gunicorn": "21.0.0"}},
	{Distribution: "hypercorn", Version: "0.18.0", Module: "hypercorn", Command: "hypercorn"},
	{Distribution: "daphne", Version: "4.2.3", Module: "daphne", Command: "daphne"},
}

// ServerNamed returns the server whose distribution is name.
func ServerNamed(name string) (Server, bool) {
	for _, server := range Servers {
		if server.Distribution == name {
			return server, true
		}
	}
	return Server{}, false
}

// Requirement is the server's pinned requirement, name==version.
func (s Server) Requirement() string {
	return s.Distribution + "==" + s.Version
}

// RequirementWith is Requirement, with the Older version when packages
// (the app's, as name==version) hold a distribution older than Needs.
func (s Server) RequirementWith(packages string) string {
	for name, floor := range s.Needs {
		if version := PackageVersion(packages, name); version != "" && releaseBefore(version, floor) {
			return s.Distribution + "==" + s.Older
		}
	}
	return s.Requirement()
}

// releaseBefore tells whether version's release numbers come before
// floor's ("0.24.0.post1" is 0.24.0; missing numbers count as 0; a version
// that does not start with a number comes before any).
func releaseBefore(version, floor string) bool {
	release := func(v string) []int {
		var parts []int
		for _, field := range strings.Split(v, ".") {
			digits := leadingDigits(field)
			if digits == "" {
				break
			}
			n, _ := strconv.Atoi(digits)
			parts = append(parts, n)
		}
		return parts
	}
	a, b := release(version), release(floor)
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// CommandUse is what a process's command runs, as far as reading it tells.
type CommandUse struct {
	// Servers are the distributions of the servers it runs, with what they
	// need (a gunicorn with uvicorn-worker's worker class needs uvicorn).
	Servers []string
	// Gunicorn is true when it runs gunicorn.
	Gunicorn bool
	// Modules are the app's files it imports first (a server's app
	// module, a script python runs), relative to the app's root.
	Modules []string
}

func (u *CommandUse) add(servers ...string) {
	for _, server := range servers {
		if !contains(u.Servers, server) {
			u.Servers = append(u.Servers, server)
		}
	}
}

func (u *CommandUse) merge(other CommandUse) {
	u.add(other.Servers...)
	u.Gunicorn = u.Gunicorn || other.Gunicorn
	for _, module := range other.Modules {
		if !contains(u.Modules, module) {
			u.Modules = append(u.Modules, module)
		}
	}
}

// ReadCommand reads a shell command line the way bash would split it, and
// finds the servers it runs: gunicorn, uvicorn, hypercorn or daphne as a
// command or with `python -m`, after variable assignments and exec, env or
// nohup; a script of the app it runs (./start.sh, bash start.sh) is read
// the same way. Server app arguments (module:app) and python scripts that
// are files of the app are its Modules.
func ReadCommand(appDir, command string) CommandUse {
	return readCommand(appDir, command, true)
}

var (
	assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	pythonName = regexp.MustCompile(`^python(3(\.[0-9]+)?)?$`)
	appSpec    = regexp.MustCompile(`^([A-Za-z_][\w.]*):([A-Za-z_]\w*)(\(.*\))?$`)
	// identifierPath is a dotted module name.
	identifierPath = regexp.MustCompile(`^[A-Za-z_][\w.]*$`)
)

func readCommand(appDir, command string, followScripts bool) CommandUse {
	var use CommandUse
	base := "."
	for _, words := range shellCommands(command) {
		for len(words) > 0 && (assignment.MatchString(words[0]) || words[0] == "exec" || words[0] == "env" || words[0] == "nohup") {
			words = words[1:]
		}
		if len(words) == 0 {
			continue
		}
		first := words[0]
		if strings.Contains(first, "/") && (pythonName.MatchString(filepath.Base(first)) || serverByCommand(filepath.Base(first)) != nil) {
			first = filepath.Base(first) // antenv/bin/gunicorn, /usr/bin/python3
		}
		switch {
		case first == "cd" && len(words) == 2:
			base = filepath.Join(base, words[1])
		case pythonName.MatchString(first):
			module, rest, script := pythonArgs(words[1:])
			if script != "" {
				use.merge(CommandUse{Modules: appFiles(appDir, filepath.Join(base, script))})
			} else if server, ok := serverByModule(module); ok {
				use.merge(serverUse(appDir, base, server, rest))
			}
		case serverByCommand(first) != nil:
			use.merge(serverUse(appDir, base, *serverByCommand(first), words[1:]))
		case (first == "bash" || first == "sh") && len(words) > 2 && words[1] == "-c":
			use.merge(readCommand(appDir, words[2], followScripts))
		case (first == "bash" || first == "sh") && len(words) > 1 && !strings.HasPrefix(words[1], "-"):
			if followScripts {
				use.merge(readScript(appDir, filepath.Join(base, words[1])))
			}
		case followScripts && !filepath.IsAbs(first) && (strings.Contains(first, "/") || strings.HasSuffix(first, ".sh")):
			use.merge(readScript(appDir, filepath.Join(base, first)))
		}
	}
	return use
}

// readScript reads a shell script of the app (not the scripts it runs in
// turn).
func readScript(appDir, rel string) CommandUse {
	if !inside(rel) {
		return CommandUse{}
	}
	path := filepath.Join(appDir, rel)
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > 1<<16 {
		return CommandUse{}
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return CommandUse{}
	}
	return readCommand(appDir, string(content), false)
}

// pythonArgs reads python's arguments: the module -m runs and the arguments
// after it, or the script it runs.
func pythonArgs(args []string) (module string, rest []string, script string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "-m" && i+1 < len(args):
			return args[i+1], args[i+2:], ""
		case strings.HasPrefix(arg, "-m") && len(arg) > 2:
			return arg[2:], args[i+1:], ""
		case arg == "-c":
			return "", nil, ""
		case arg == "-W" || arg == "-X":
			i++
		case strings.HasPrefix(arg, "-"):
		default:
			return "", nil, arg
		}
	}
	return "", nil, ""
}

func serverByCommand(command string) *Server {
	for i, server := range Servers {
		if server.Command != "" && server.Command == command {
			return &Servers[i]
		}
	}
	return nil
}

func serverByModule(module string) (Server, bool) {
	for _, server := range Servers {
		if server.Command != "" && server.Module == module {
			return server, true
		}
	}
	return Server{}, false
}

// serverUse reads a server's arguments: gunicorn's worker class (uvicorn's
// workers need uvicorn-worker or uvicorn, also when gunicorn.conf.py names
// them), the directory it imports from, and the app module:name.
func serverUse(appDir, base string, server Server, args []string) CommandUse {
	use := CommandUse{}
	use.add(server.Distribution)
	dir := base
	config := filepath.Join(base, "gunicorn.conf.py")
	workerClass := ""
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(args[i], "=")
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		switch {
		case name == "-k" || name == "--worker-class":
			workerClass = value
		case strings.HasPrefix(name, "-k") && !strings.HasPrefix(name, "--"):
			workerClass = name[2:]
		case name == "--chdir" || name == "--app-dir":
			dir = filepath.Join(base, value)
		case name == "-c" || name == "--config":
			config = filepath.Join(base, strings.TrimPrefix(value, "python:"))
		}
		if match := appSpec.FindStringSubmatch(args[i]); match != nil && !strings.HasPrefix(args[i], "-") {
			module := filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(match[1], ".", "/")))
			use.Modules = appFiles(appDir, module+".py", filepath.Join(module, "__init__.py"))
		}
	}
	if server.Distribution == "gunicorn" {
		use.Gunicorn = true
		if workerClass == "" && inside(config) {
			if content, err := os.ReadFile(filepath.Join(appDir, config)); err == nil {
				workerClass = string(content)
			}
		}
		switch {
		case strings.Contains(workerClass, "uvicorn_worker"):
			use.add("uvicorn-worker", "uvicorn")
		case strings.Contains(workerClass, "uvicorn.workers"):
			use.add("uvicorn")
		}
	}
	return use
}

// appFiles returns the first of candidates that is a file inside the app,
// as a one-element list, or nil.
func appFiles(appDir string, candidates ...string) []string {
	for _, candidate := range candidates {
		candidate = filepath.Clean(candidate)
		if inside(candidate) && isRegular(filepath.Join(appDir, candidate)) {
			return []string{candidate}
		}
	}
	return nil
}

// inside tells whether a relative path stays inside the app.
func inside(rel string) bool {
	rel = filepath.Clean(rel)
	return !filepath.IsAbs(rel) && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}

// shellCommands splits a command line into its simple commands' words, as
// bash would: quotes and backslashes are removed, and ;, &, |, &&, ||,
// parentheses and newlines separate commands. Comments are dropped.
// Expansions ($VAR, $(…)) are kept as written.
func shellCommands(line string) [][]string {
	var (
		commands [][]string
		words    []string
		word     strings.Builder
		inWord   bool
	)
	endWord := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	endCommand := func() {
		endWord()
		if len(words) > 0 {
			commands = append(commands, words)
			words = nil
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			inWord = true
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				end = len(line) - i - 1
			}
			word.WriteString(line[i+1 : i+1+end])
			i += end + 1
		case c == '"':
			inWord = true
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`\n", line[i+1]) >= 0 {
					i++
				}
				word.WriteByte(line[i])
			}
		case c == '\\' && i+1 < len(line):
			i++
			if line[i] != '\n' {
				inWord = true
				word.WriteByte(line[i])
			}
		case c == '#' && !inWord:
			for i+1 < len(line) && line[i+1] != '\n' {
				i++
			}
		case c == ' ' || c == '\t':
			endWord()
		case strings.IndexByte(";&|()\n", c) >= 0:
			endCommand()
		default:
			inWord = true
			word.WriteByte(c)
		}
	}
	endCommand()
	return commands
}
