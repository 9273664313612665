package gunicorn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Interface is the protocol an app object speaks to its server.
type Interface string

const (
	// WSGI apps are served by gunicorn's own workers.
	WSGI Interface = "WSGI"
	// ASGI apps are served by gunicorn with uvicorn-worker's UvicornWorker.
	ASGI Interface = "ASGI"
)

// AppObject is what a module offers gunicorn: a module-level app object, or
// an app factory gunicorn calls (module:create_app()).
type AppObject struct {
	// Name is the object's name, or the factory's.
	Name string
	// Factory is true when Name is a function that returns the app.
	Factory bool
	// Interface is what the object speaks.
	Interface Interface
	// Evidence says how Interface was told, for the log, such as
	// "made by FastAPI(…)"; "" when nothing told (WSGI, as in Oryx).
	Evidence string
}

// Module is what reading a Python module's source found: its module-level
// bindings, what it imports and which app constructors it calls anywhere.
// The source is read, never run.
type Module struct {
	bindings map[string]binding
	// imports are the modules imported anywhere in it, as written.
	imports []string
	// makers are the constructors of known kinds called anywhere in it.
	makers []string
}

type bindingKind int

const (
	assigned bindingKind = iota
	defined
	asyncDefined
	classDefined
	imported
)

// binding is the last module-level statement that bound a name.
type binding struct {
	kind bindingKind
	// value is an assignment's right-hand side; from is an import's module
	// (dots included, for relative imports); origin is the imported name.
	value, from, origin string
}

// ReadModule reads Python source. Module level includes the bodies of if,
// try, with, for and while blocks, but not functions, classes or an
// `if __name__ == "__main__":` block, which do not run when a server imports
// the module. The bindings understood are:
//
//	app = ...  /  app: Flask = ...  /  app = application = ...  /  app, db = ...
//	def app(environ, start_response):  /  async def app(scope, receive, send):
//	class app:
//	from module import app  /  from module import make as app  /  import module as app
func ReadModule(src []byte) Module {
	module := Module{bindings: map[string]binding{}}
	type block struct {
		indent int
		hidden bool // a function, class or __main__ block
	}
	var stack []block
	for _, line := range logicalLines(string(src)) {
		for len(stack) > 0 && stack[len(stack)-1].indent >= line.indent {
			stack = stack[:len(stack)-1]
		}
		hidden := len(stack) > 0 && stack[len(stack)-1].hidden
		for _, statement := range strings.Split(line.text, ";") {
			statement = strings.TrimSpace(statement)
			if from := importedModules(statement); from != nil {
				module.imports = append(module.imports, from...)
			}
			for _, call := range callee.FindAllStringSubmatch(statement, -1) {
				if _, known := makerKind(call[1]); known {
					module.makers = append(module.makers, call[1])
				}
			}
			if !hidden {
				for name, b := range bindings(statement) {
					module.bindings[name] = b
				}
			}
		}
		if strings.HasSuffix(line.text, ":") {
			stack = append(stack, block{indent: line.indent, hidden: hidden || hidesBody(line.text)})
		}
	}
	return module
}

// Defines tells whether the module binds name at module level.
func (m Module) Defines(name string) bool {
	_, ok := m.bindings[name]
	return ok
}

// kind is what a constructor makes.
type kind int

const (
	unknownKind kind = iota
	wsgiKind
	asgiKind
	// notWeb is an object named like an app that no web server can serve,
	// such as a Typer command line or a Celery app.
	notWeb
)

// makerKinds tells what a call makes, by the callee's last name (or its
// whole dotted name).
var makerKinds = map[string]kind{
	"FastAPI": asgiKind, "Starlette": asgiKind, "Litestar": asgiKind, "Quart": asgiKind, "Sanic": asgiKind,
	"get_asgi_application": asgiKind, "ProtocolTypeRouter": asgiKind, "ASGIApp": asgiKind, "falcon.asgi.App": asgiKind,
	"Flask": wsgiKind, "Bottle": wsgiKind, "get_wsgi_application": wsgiKind, "WSGIHandler": wsgiKind,
	"falcon.App": wsgiKind, "falcon.API": wsgiKind, "make_wsgi_app": wsgiKind,
	"Typer": notWeb, "Celery": notWeb,
}

// frameworkKinds tells what importing a framework's module suggests, for
// objects whose constructor says nothing (app = create_app()).
var frameworkKinds = map[string]kind{
	"fastapi": asgiKind, "starlette": asgiKind, "litestar": asgiKind, "quart": asgiKind, "sanic": asgiKind,
	"django.core.asgi": asgiKind, "channels": asgiKind, "falcon.asgi": asgiKind,
	"flask": wsgiKind, "bottle": wsgiKind, "falcon": wsgiKind, "django.core.wsgi": wsgiKind, "pyramid": wsgiKind, "werkzeug": wsgiKind,
}

// makerKind tells what calling callee makes, by its whole dotted name or
// else its last name.
func makerKind(callee string) (kind, bool) {
	if k, ok := makerKinds[callee]; ok {
		return k, true
	}
	k, ok := makerKinds[lastPart(callee)]
	return k, ok
}

var (
	callee      = regexp.MustCompile(`(?:^|[^\w.])([A-Za-z_][\w.]*)\s*\(`)
	calledValue = regexp.MustCompile(`^(?:await\s+)?([A-Za-z_][\w.]*)\s*\(`)
)

// maxHops bounds how far names are followed through assignments and
// imports of the app's own modules.
const maxHops = 4

// resolver finds what the names of modules in an app are, reading the
// app's own modules as imports lead to them.
type resolver struct {
	appDir  string
	modules map[string]*Module // by path relative to appDir; nil: none
}

func newResolver(appDir string) *resolver {
	return &resolver{appDir: appDir, modules: map[string]*Module{}}
}

// module reads the app's module at rel (relative to the app's root), or
// returns nil when there is no such file.
func (r *resolver) module(rel string) (*Module, error) {
	if m, ok := r.modules[rel]; ok {
		return m, nil
	}
	src, err := os.ReadFile(filepath.Join(r.appDir, rel))
	if errors.Is(err, fs.ErrNotExist) {
		r.modules[rel] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	m := ReadModule(src)
	r.modules[rel] = &m
	return &m, nil
}

// FindAppObject returns the app object the module at rel (relative to the
// app's root) offers; see resolver.AppObject.
func FindAppObject(appDir, rel string) (object AppObject, ok bool, err error) {
	return newResolver(appDir).AppObject(rel)
}

// AppObject returns the app object the module at rel offers: app, else
// application, else a create_app factory; ok is false when there is none.
func (r *resolver) AppObject(rel string) (object AppObject, ok bool, err error) {
	m, err := r.module(rel)
	if err != nil || m == nil {
		return AppObject{}, false, err
	}
	for _, name := range AppNames {
		if _, bound := m.bindings[name]; !bound {
			continue
		}
		k, evidence := r.kindOf(rel, m, name, maxHops)
		if k == notWeb {
			continue
		}
		return finish(AppObject{Name: name}, k, evidence), true, nil
	}
	if b, bound := m.bindings[FactoryName]; bound && b.kind == defined {
		k, evidence := r.signals(rel, m)
		return finish(AppObject{Name: FactoryName, Factory: true}, k, evidence), true, nil
	}
	return AppObject{}, false, nil
}

func finish(object AppObject, k kind, evidence string) AppObject {
	object.Interface = WSGI
	if k == asgiKind {
		object.Interface = ASGI
	}
	if k != unknownKind {
		object.Evidence = evidence
	}
	return object
}

// kindOf tells what the name bound in module m (at rel) is, following
// assignments from other names and imports from the app's own modules.
func (r *resolver) kindOf(rel string, m *Module, name string, hops int) (kind, string) {
	b, ok := m.bindings[name]
	if !ok || hops == 0 {
		return r.signals(rel, m)
	}
	switch b.kind {
	case defined:
		return wsgiKind, "def " + name + "(…)"
	case asyncDefined:
		return asgiKind, "async def " + name + "(…)"
	case imported:
		if other := r.localModule(rel, b.from); other != "" {
			if om, err := r.module(other); err == nil && om != nil {
				return r.kindOf(other, om, b.origin, hops-1)
			}
		}
	case assigned:
		value := strings.TrimSpace(b.value)
		if identifier.MatchString(value) && value != name {
			return r.kindOf(rel, m, value, hops-1)
		}
		if call := calledValue.FindStringSubmatch(value); call != nil {
			if k, known := makerKind(call[1]); known {
				return k, "made by " + call[1] + "(…)"
			}
			// a factory of this module or of the app's own modules
			if fb, ok := m.bindings[call[1]]; ok && fb.kind == imported {
				if other := r.localModule(rel, fb.from); other != "" {
					if om, err := r.module(other); err == nil && om != nil {
						if k, evidence := r.signals(other, om); k != unknownKind {
							return k, evidence
						}
					}
				}
			}
		}
	}
	return r.signals(rel, m)
}

// signals tells what the frameworks a module uses suggest: the app
// constructors it calls anywhere (inside a factory, say), else the
// frameworks it imports. Both ASGI and WSGI, or neither, tell nothing.
func (r *resolver) signals(rel string, m *Module) (kind, string) {
	var asgi, wsgi []string
	for _, maker := range m.makers {
		switch k, _ := makerKind(maker); k {
		case asgiKind:
			asgi = append(asgi, maker)
		case wsgiKind:
			wsgi = append(wsgi, maker)
		}
	}
	if len(asgi) > 0 && len(wsgi) == 0 {
		return asgiKind, rel + " calls " + asgi[0] + "(…)"
	}
	if len(wsgi) > 0 && len(asgi) == 0 {
		return wsgiKind, rel + " calls " + wsgi[0] + "(…)"
	}
	asgi, wsgi = nil, nil
	for _, module := range m.imports {
		switch frameworkOf(module) {
		case asgiKind:
			asgi = append(asgi, module)
		case wsgiKind:
			wsgi = append(wsgi, module)
		}
	}
	if len(asgi) > 0 && len(wsgi) == 0 {
		return asgiKind, rel + " imports " + asgi[0]
	}
	if len(wsgi) > 0 && len(asgi) == 0 {
		return wsgiKind, rel + " imports " + wsgi[0]
	}
	return unknownKind, ""
}

// frameworkOf tells what importing module suggests, by its longest known
// prefix (falcon.asgi before falcon).
func frameworkOf(module string) kind {
	for candidate := module; candidate != ""; {
		if k, ok := frameworkKinds[candidate]; ok {
			return k
		}
		i := strings.LastIndex(candidate, ".")
		if i < 0 {
			break
		}
		candidate = candidate[:i]
	}
	return unknownKind
}

// localModule returns the path, relative to the app's root, of the app's
// own module that `from <from> import …` in the module at rel reads, or ""
// when it is not a file of the app. Absolute imports are looked up from
// the app's root, where servers run; relative ones from rel's package.
func (r *resolver) localModule(rel, from string) string {
	base := "."
	dots := len(from) - len(strings.TrimLeft(from, "."))
	if dots > 0 {
		base = filepath.Dir(rel)
		for i := 1; i < dots; i++ {
			base = filepath.Dir(base)
		}
	}
	name := strings.TrimLeft(from, ".")
	path := base
	if name != "" {
		path = filepath.Join(base, filepath.FromSlash(strings.ReplaceAll(name, ".", "/")))
	}
	for _, candidate := range []string{path + ".py", filepath.Join(path, "__init__.py")} {
		if candidate != rel && isRegular(filepath.Join(r.appDir, candidate)) {
			return filepath.Clean(candidate)
		}
	}
	return ""
}

func lastPart(dotted string) string {
	return dotted[strings.LastIndex(dotted, ".")+1:]
}

var (
	defStatement      = regexp.MustCompile(`^(async\s+def|def|class)\s+([A-Za-z_]\w*)`)
	fromStatement     = regexp.MustCompile(`^from\s+(\S+)\s+import\s+(.+)$`)
	importStatement   = regexp.MustCompile(`^import\s+(.+)$`)
	mainGuard         = regexp.MustCompile(`^if\s+(?:__name__\s*==\s*""|""\s*==\s*__name__)\s*:$`)
	scopeHeader       = regexp.MustCompile(`^(?:async\s+def|def|class)\b`)
	keyword           = regexp.MustCompile(`^(?:if|elif|while|for|with|assert|return|del|raise|print|global|nonlocal|lambda|yield|await|async)\b`)
	blockHeaderPrefix = regexp.MustCompile(`^(?:if|elif|else|while|for|with|try|except|finally|async\s+with|async\s+for)\b[^:]*:\s*`)
)

// hidesBody tells whether a block header's body does not run on import.
func hidesBody(header string) bool {
	return scopeHeader.MatchString(header) || mainGuard.MatchString(header)
}

// importedModules returns the modules an import statement, at any level,
// imports, or nil when it is not one.
func importedModules(statement string) []string {
	statement = blockHeaderPrefix.ReplaceAllString(statement, "")
	if match := fromStatement.FindStringSubmatch(statement); match != nil {
		return []string{match[1]}
	}
	if match := importStatement.FindStringSubmatch(statement); match != nil {
		var modules []string
		for _, item := range strings.Split(match[1], ",") {
			if fields := strings.Fields(item); len(fields) > 0 {
				modules = append(modules, fields[0])
			}
		}
		return modules
	}
	return nil
}

// bindings returns the names a simple statement binds, with how.
func bindings(statement string) map[string]binding {
	if match := defStatement.FindStringSubmatch(statement); match != nil {
		k := classDefined
		switch {
		case strings.HasPrefix(match[1], "async"):
			k = asyncDefined
		case match[1] == "def":
			k = defined
		}
		return map[string]binding{match[2]: {kind: k}}
	}
	if match := fromStatement.FindStringSubmatch(statement); match != nil {
		return importedNames(match[1], strings.Trim(match[2], "() "))
	}
	if match := importStatement.FindStringSubmatch(statement); match != nil {
		return importedNames("", match[1])
	}
	if keyword.MatchString(statement) {
		return nil
	}
	names, value := assignedNames(statement)
	if len(names) == 0 {
		return nil
	}
	bound := map[string]binding{}
	for _, name := range names {
		bound[name] = binding{kind: assigned, value: value}
	}
	return bound
}

// importedNames returns the names an import list binds: the alias, or for
// `from` imports the name itself. A plain `import pkg` (from == "") binds a
// module, which is never an app object.
func importedNames(from, list string) map[string]binding {
	bound := map[string]binding{}
	for _, item := range strings.Split(list, ",") {
		fields := strings.Fields(item)
		switch {
		case len(fields) == 3 && fields[1] == "as":
			bound[fields[2]] = binding{kind: imported, from: from, origin: fields[0]}
		case len(fields) == 1 && from != "":
			bound[fields[0]] = binding{kind: imported, from: from, origin: fields[0]}
		}
	}
	return bound
}

// assignedNames returns the names on the left of each top-level `=` of an
// assignment, chained or annotated, and the value assigned; `==`, `<=`,
// `+=`, `:=` and keyword arguments inside brackets are not assignments.
func assignedNames(statement string) (names []string, value string) {
	depth, start := 0, 0
	for i := 0; i < len(statement); i++ {
		switch c := statement[i]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth = max(depth-1, 0)
		case '=':
			if depth > 0 {
				continue
			}
			if i+1 < len(statement) && statement[i+1] == '=' {
				i++
				continue
			}
			if i > 0 && strings.ContainsRune("=!<>:+-*/%&|^@~", rune(statement[i-1])) {
				return names, ""
			}
			target := statement[start:i]
			if start == 0 {
				target, _, _ = strings.Cut(target, ":") // an annotation
			}
			names = append(names, targetNames(target)...)
			start = i + 1
		}
	}
	if len(names) == 0 {
		return nil, ""
	}
	return names, statement[start:]
}

// targetNames returns the plain names of an assignment target such as
// `app`, `app, db` or `(app, *rest)`; attributes and subscripts bind none.
func targetNames(target string) []string {
	var names []string
	for _, part := range strings.Split(strings.Trim(strings.TrimSpace(target), "()[]"), ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "*")
		if identifier.MatchString(part) {
			names = append(names, part)
		}
	}
	return names
}

var selfRunGuard = regexp.MustCompile(`(?m)^if\s+(__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__)\s*:`)

// RunsItself tells whether a module has a top-level
// `if __name__ == "__main__":` block, so that running it with python does
// something (typically starting its own server).
func RunsItself(src []byte) bool {
	return selfRunGuard.Match(src)
}
