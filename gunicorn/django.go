package gunicorn

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Django is a Django project's package and how gunicorn serves it.
type Django struct {
	// Dir is the package directory, relative to the app's root.
	Dir string
	// Target is what gunicorn serves, relative to Dir's parent.
	Target string
	// Module is the file gunicorn imports, relative to the app's root.
	Module string
	// Interface is WSGI (wsgi.py) or ASGI (asgi.py).
	Interface Interface
	// Why says, for ASGI, why asgi.py was chosen.
	Why string
}

// asgiApplication finds ASGI_APPLICATION = "dotted.path" in a settings file.
var asgiApplication = regexp.MustCompile(`(?m)^ASGI_APPLICATION\s*(?::[^=]*)?=\s*['"]([A-Za-z_][\w.]*)['"]`)

// DjangoStart decides how gunicorn serves the Django project in dir (see
// FindDjango), as Oryx does with wsgi.py first: asgi.py when there is no
// wsgi.py or the project's settings set ASGI_APPLICATION (then what it
// names), unless asgi is false (DISABLE_FASTAPI_DETECTION).
func DjangoStart(appDir, dir string, asgi bool) Django {
	pkg := filepath.Base(dir)
	wsgiFile, asgiFile := filepath.Join(dir, WSGIFile), filepath.Join(dir, ASGIFile)
	hasWSGI := isRegular(filepath.Join(appDir, wsgiFile))
	wsgiStart := Django{Dir: dir, Target: pkg + ".wsgi", Module: wsgiFile, Interface: WSGI}
	if !asgi {
		return wsgiStart
	}
	if setting, file := settingsASGIApplication(appDir, dir); setting != "" {
		i := strings.LastIndex(setting, ".")
		if i > 0 {
			module := setting[:i]
			start := Django{Dir: dir, Target: module + ":" + setting[i+1:], Interface: ASGI,
				Why: fmt.Sprintf("%s sets ASGI_APPLICATION", file)}
			start.Module = filepath.Join(filepath.Dir(dir), filepath.FromSlash(strings.ReplaceAll(module, ".", "/"))+".py")
			return start
		}
	}
	if hasWSGI || !isRegular(filepath.Join(appDir, asgiFile)) {
		return wsgiStart
	}
	name := "application"
	if object, ok, err := newResolver(appDir).AppObject(asgiFile); err == nil && ok && !object.Factory {
		name = object.Name
	}
	return Django{Dir: dir, Target: pkg + ".asgi:" + name, Module: asgiFile, Interface: ASGI,
		Why: "there is no " + WSGIFile}
}

// settingsASGIApplication returns the ASGI_APPLICATION a Django project's
// settings (settings.py, or the files of a settings package, beside
// wsgi.py) set, and the file that sets it.
func settingsASGIApplication(appDir, dir string) (value, file string) {
	files := []string{filepath.Join(dir, "settings.py")}
	if entries, err := os.ReadDir(filepath.Join(appDir, dir, "settings")); err == nil {
		for _, entry := range entries {
			if strings.HasSuffix(entry.Name(), ".py") {
				files = append(files, filepath.Join(dir, "settings", entry.Name()))
			}
		}
	}
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(appDir, rel))
		if err != nil {
			continue
		}
		if match := asgiApplication.FindSubmatch(src); match != nil {
			return string(match[1]), rel
		}
	}
	return "", ""
}

// notApp are directories that never hold the app's own packages.
var notApp = map[string]bool{
	"node_modules": true, "__pycache__": true, "site-packages": true,
	"venv": true, "antenv": true,
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// FindDjango looks for a Django project's wsgi.py the way Oryx does, and
// deeper: breadth first through the app's subdirectories, up to DjangoDepth
// levels below the root, alphabetically within a level, and returns the
// first directory holding wsgi.py (or, when asgi is true, asgi.py),
// relative to appDir, or "" when there is none. That directory's name must be a Python identifier, as gunicorn
// imports it as a package. It skips hidden directories, node_modules,
// caches, site-packages and virtual environments (any directory holding
// pyvenv.cfg), and does not follow symlinks. A wsgi.py at the root itself is
// not a Django project here: it is one of AppModules.
func FindDjango(appDir string, asgi bool) (string, error) {
	level, err := subdirectories(appDir, "")
	if err != nil {
		return "", fmt.Errorf("looking for %s: %w", WSGIFile, err)
	}
	for depth := 1; depth <= DjangoDepth && len(level) > 0; depth++ {
		var next []string
		for _, rel := range level {
			if identifier.MatchString(filepath.Base(rel)) && (isRegular(filepath.Join(appDir, rel, WSGIFile)) ||
				asgi && isRegular(filepath.Join(appDir, rel, ASGIFile))) {
				return rel, nil
			}
			if depth < DjangoDepth {
				children, err := subdirectories(appDir, rel)
				if err == nil {
					next = append(next, children...)
				}
			}
		}
		level = next
	}
	return "", nil
}

// subdirectories lists rel's subdirectories that may hold app code, in
// alphabetical order.
func subdirectories(appDir, rel string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(appDir, rel))
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, entry := range entries {
		name := entry.Name()
		if !entry.IsDir() || strings.HasPrefix(name, ".") || notApp[name] {
			continue
		}
		if _, err := os.Lstat(filepath.Join(appDir, rel, name, "pyvenv.cfg")); err == nil {
			continue
		}
		dirs = append(dirs, filepath.Join(rel, name))
	}
	return dirs, nil
}

func isRegular(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
