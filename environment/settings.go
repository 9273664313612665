package environment

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/python-cnb/buildpack/internal/apppath"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/python-cnb/buildpack/internal/settings"
)

// Checks validate, before any work, the settings every manager's
// environment reads.
var Checks = []settings.Check{
	{Name: VirtualenvNameEnv, Validate: func(appDir string) error {
		_, err := readOptions(appDir)
		return err
	}},
	{Name: CompressEnv, Validate: func(string) error { _, err := CompressFormat(); return err }},
	{Name: OryxCompressEnv, Validate: func(string) error { _, err := CompressFormat(); return err }},
	{Name: ManagerEnv, Validate: func(appDir string) error { _, err := Choose(appDir); return err }},
}

// GroupsEnv adds dependency groups or extras to what uv and Poetry install
// (comma-separated); development dependencies are left out otherwise.
const GroupsEnv = "BP_PYTHON_INSTALL_GROUPS"

// Groups reads GroupsEnv: names, without blanks or repeats.
func Groups() []string {
	var groups []string
	seen := map[string]bool{}
	for _, name := range strings.Split(os.Getenv(GroupsEnv), ",") {
		name = strings.TrimSpace(name)
		if name != "" && !seen[name] {
			seen[name] = true
			groups = append(groups, name)
		}
	}
	return groups
}

// UnknownGroup is the error for a name in GroupsEnv the project does not
// define; available lists what it does define.
func UnknownGroup(name, file string, available []string) error {
	sort.Strings(available)
	list := "none"
	if len(available) > 0 {
		list = strings.Join(available, ", ")
	}
	return &errs.UserError{
		Title:  fmt.Sprintf("%s names %q, which %s defines as neither a dependency group nor an extra", GroupsEnv, name, file),
		Detail: "defined: " + list,
		Remedy: fmt.Sprintf("set %s to names %s defines (comma-separated), or unset it", GroupsEnv, file),
	}
}

// FileSettings adds to set the files that the settings in names point at
// (space-separated paths, relative to the app's root; URLs are left to the
// tool), after checking that each stays inside the app.
func FileSettings(app App, set *inputs.Set, names ...string) error {
	for _, name := range names {
		for _, value := range strings.Fields(os.Getenv(name)) {
			if strings.Contains(value, "://") {
				continue
			}
			subject := name + "=" + value
			p, err := apppath.Resolve(app.Dir, value, subject)
			if err != nil {
				return err
			}
			if !p.IsFile() {
				return errs.New(fmt.Sprintf("%s names a file that does not exist in the app", subject),
					fmt.Sprintf("set %s to a file's path relative to the app's root, or unset it", name))
			}
			set.File(p.Rel, filepath.Join(app.Dir, p.Rel))
		}
	}
	return nil
}

// LocalSources adds to set the trees of the app's local packages a lock
// file names (paths relative to the app's root), refusing one outside the
// app; "." (the project itself) is left to the caller.
func LocalSources(app App, set *inputs.Set, lockFile string, paths []string) error {
	for _, path := range paths {
		if path == "" || path == "." {
			continue
		}
		p, err := apppath.Resolve(app.Dir, path, lockFile+"'s local package "+path)
		if err != nil {
			return err
		}
		if !p.Exists {
			return errs.New(fmt.Sprintf("%s names the local package %s, which is not in the app", lockFile, path),
				"commit the package with the app, or lock again without it")
		}
		if p.IsDir() {
			set.Tree(p.Rel, p.Abs)
		} else {
			set.File(p.Rel, p.Abs)
		}
	}
	return nil
}
