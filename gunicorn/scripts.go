package gunicorn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/python-cnb/buildpack/internal/errs"
)

// ProjectScript is a command a project declares in pyproject.toml, which
// installing the project puts on PATH.
type ProjectScript struct {
	// Name is the command; Entry is what it runs (module:function).
	Name, Entry string
	// Table is the table that declares it.
	Table string
}

// Project is what pyproject.toml says about the project's scripts.
type Project struct {
	// Scripts are the entries of [project.scripts] and
	// [tool.poetry.scripts], by name.
	Scripts []ProjectScript
	// Installed is true when it has a [build-system] table, so that the
	// installer installs the project and with it its scripts.
	Installed bool
}

// ReadProject reads pyproject.toml at the app's root; a missing file is an
// empty Project.
func ReadProject(appDir string) (Project, error) {
	content, err := os.ReadFile(filepath.Join(appDir, PyprojectFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Project{}, nil
	}
	if err != nil {
		return Project{}, fmt.Errorf("reading %s: %w", PyprojectFile, err)
	}
	var doc struct {
		BuildSystem map[string]interface{} `toml:"build-system"`
		Project     struct {
			Scripts map[string]interface{} `toml:"scripts"`
		} `toml:"project"`
		Tool struct {
			Poetry struct {
				Scripts map[string]interface{} `toml:"scripts"`
			} `toml:"poetry"`
		} `toml:"tool"`
	}
	if _, err := toml.Decode(string(content), &doc); err != nil {
		return Project{}, &errs.UserError{
			Title:  PyprojectFile + " is not valid TOML",
			Detail: err.Error(),
			Remedy: "correct " + PyprojectFile + " (https://toml.io)",
			Err:    err,
		}
	}
	project := Project{Installed: doc.BuildSystem != nil}
	add := func(table string, scripts map[string]interface{}) {
		for name, value := range scripts {
			entry := fmt.Sprint(value)
			if t, ok := value.(map[string]interface{}); ok { // Poetry's {callable = "…"} or {reference = "…"}
				entry = fmt.Sprint(t["callable"])
				if _, ok := t["callable"]; !ok {
					entry = fmt.Sprint(t["reference"])
				}
			}
			if !containsScript(project.Scripts, name) {
				project.Scripts = append(project.Scripts, ProjectScript{Name: name, Entry: entry, Table: table})
			}
		}
	}
	add("[project.scripts]", doc.Project.Scripts)
	add("[tool.poetry.scripts]", doc.Tool.Poetry.Scripts)
	sort.Slice(project.Scripts, func(i, j int) bool { return project.Scripts[i].Name < project.Scripts[j].Name })
	return project, nil
}

func containsScript(scripts []ProjectScript, name string) bool {
	for _, script := range scripts {
		if script.Name == name {
			return true
		}
	}
	return false
}

// Module returns the app's file the script imports first (its entry's
// module, at the root or under src/), or nil.
func (s ProjectScript) Module(appDir string) []string {
	module, _, ok := strings.Cut(s.Entry, ":")
	if !ok || !identifierPath.MatchString(module) {
		return nil
	}
	path := filepath.FromSlash(strings.ReplaceAll(module, ".", "/"))
	return appFiles(appDir, path+".py", filepath.Join(path, "__init__.py"),
		filepath.Join("src", path+".py"), filepath.Join("src", path, "__init__.py"))
}
