package requirements

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2/servicebindings"
	"github.com/python-cnb/buildpack/internal/apppath"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/python-cnb/buildpack/internal/settings"
)

// InstallSettings are the pip settings that change what an install
// produces; each is an input of the environment (as a digest of its value).
var InstallSettings = []string{
	"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX",
	"PIP_TRUSTED_HOST", "PIP_PRE", "PIP_ONLY_BINARY", "PIP_NO_BINARY", "PIP_PREFER_BINARY",
	"PIP_CONSTRAINT", "PIP_REQUIREMENT", "PIP_REQUIRE_HASHES", "PIP_NO_DEPS",
	"PIP_UPGRADE_STRATEGY", "PIP_CONFIG_FILE", "PIP_NO_BUILD_ISOLATION", "PIP_USE_PEP517",
	"PIP_CONFIG_SETTINGS", "PIP_EDITABLE", "PIP_EXTRA",
}

// BindingType is the service binding type whose pip.conf (and netrc)
// configure pip without putting credentials into the environment.
const BindingType = "pip"

// PipSettings are the pip settings of a build that name files, read: the
// constraint and requirement files PIP_CONSTRAINT and PIP_REQUIREMENT name
// (with their includes and local paths), the configuration file
// PIP_CONFIG_FILE names, the local directories in PIP_FIND_LINKS, and the
// pip service binding.
type PipSettings struct {
	// Sets are the files of PIP_CONSTRAINT and PIP_REQUIREMENT, read.
	Sets []Set
	// ConfigFile is PIP_CONFIG_FILE inside the app, relative to it, or "".
	ConfigFile string
	// FindLinks are PIP_FIND_LINKS's local directories, relative to the app.
	FindLinks []string
	// BindingEnv are the variables that point pip at the binding's files.
	BindingEnv []string
	// bindingFiles are those files, by name, with their content read.
	bindingFiles map[string]string

	appDir string
}

// ReadPipSettings reads the pip settings that name files, and the pip
// binding. Relative paths are relative to the app's root, where pip runs; a
// path that leads outside the app is refused without reading it, naming
// the setting.
func ReadPipSettings(appDir, platformDir string) (PipSettings, error) {
	s, err := readPaths(appDir)
	if err != nil {
		return s, err
	}
	return s, s.readBinding(platformDir)
}

// Checks validate, before any work, the settings this package reads.
var Checks = []settings.Check{
	{Name: CustomPathEnv, Validate: func(appDir string) error {
		_, err := Locate(appDir)
		return err
	}},
	{Name: "PIP_CONSTRAINT", Validate: checkPaths},
	{Name: "PIP_REQUIREMENT", Validate: checkPaths},
	{Name: "PIP_CONFIG_FILE", Validate: checkPaths},
	{Name: "PIP_FIND_LINKS", Validate: checkPaths},
}

func checkPaths(appDir string) error {
	_, err := readPaths(appDir)
	return err
}

// readPaths reads the files the pip settings name.
func readPaths(appDir string) (PipSettings, error) {
	s := PipSettings{appDir: appDir}
	for _, name := range []string{"PIP_CONSTRAINT", "PIP_REQUIREMENT"} {
		for _, value := range strings.Fields(os.Getenv(name)) {
			if strings.Contains(value, "://") {
				continue // pip fetches it; its value is an input already
			}
			subject := name + "=" + value
			p, err := apppath.Resolve(appDir, value, subject)
			if err != nil {
				return s, err
			}
			if !p.IsFile() {
				return s, &errs.UserError{
					Title:  fmt.Sprintf("%s names a file that does not exist in the app", subject),
					Remedy: fmt.Sprintf("set %s to a file's path relative to the app's root, or unset it", name),
				}
			}
			set, err := Read(appDir, p.Rel)
			if err != nil {
				return s, err
			}
			s.Sets = append(s.Sets, set)
		}
	}
	if value := strings.TrimSpace(os.Getenv("PIP_CONFIG_FILE")); value != "" && value != os.DevNull {
		subject := "PIP_CONFIG_FILE=" + value
		p, err := apppath.Resolve(appDir, value, subject)
		if err != nil {
			return s, err
		}
		if !p.IsFile() {
			return s, &errs.UserError{
				Title:  fmt.Sprintf("%s names a file that does not exist in the app", subject),
				Remedy: "set PIP_CONFIG_FILE to a pip.conf's path relative to the app's root, or give the configuration through a service binding of type pip",
			}
		}
		s.ConfigFile = p.Rel
	}
	for _, value := range strings.Fields(os.Getenv("PIP_FIND_LINKS")) {
		path, ok := localPath(value)
		if !ok {
			continue
		}
		subject := "PIP_FIND_LINKS=" + value
		p, err := apppath.Resolve(appDir, path, subject)
		if err != nil {
			return s, err
		}
		if !p.Exists {
			return s, &errs.UserError{
				Title:  fmt.Sprintf("%s names a directory that does not exist in the app", subject),
				Remedy: "set PIP_FIND_LINKS to directories relative to the app's root, or to URLs",
			}
		}
		s.FindLinks = append(s.FindLinks, p.Rel)
	}
	return s, nil
}

// readBinding reads a service binding of type pip. Its pip.conf becomes
// PIP_CONFIG_FILE and its netrc (or .netrc) becomes NETRC, so index
// credentials reach pip without entering the environment of the image.
func (s *PipSettings) readBinding(platformDir string) error {
	bindings, err := servicebindings.NewResolver().Resolve(BindingType, "", platformDir)
	if err != nil {
		return fmt.Errorf("reading service bindings of type %s: %w", BindingType, err)
	}
	if len(bindings) == 0 {
		return nil
	}
	if len(bindings) > 1 {
		return errs.New(fmt.Sprintf("found %d service bindings of type %s", len(bindings), BindingType),
			"give the build exactly one binding of type pip")
	}
	s.bindingFiles = map[string]string{}
	binding := bindings[0]
	for _, entry := range []struct{ name, variable string }{
		{"pip.conf", "PIP_CONFIG_FILE"}, {"netrc", "NETRC"}, {".netrc", "NETRC"},
	} {
		path := filepath.Join(binding.Path, entry.name)
		content, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading %s from the %s binding: %w", entry.name, BindingType, err)
		}
		if hasVariable(s.BindingEnv, entry.variable) {
			continue // netrc and .netrc: the first one found counts
		}
		s.BindingEnv = append(s.BindingEnv, entry.variable+"="+path)
		s.bindingFiles[entry.name] = string(content)
	}
	return nil
}

// AddTo adds the settings and the files they name to a layer's inputs.
func (s PipSettings) AddTo(in *inputs.Set) {
	for _, name := range InstallSettings {
		in.Setting(name)
	}
	for _, set := range s.Sets {
		set.AddTo(in)
	}
	if s.ConfigFile != "" {
		in.File(s.ConfigFile, filepath.Join(s.appDir, s.ConfigFile))
	}
	for _, rel := range s.FindLinks {
		in.Tree(rel, filepath.Join(s.appDir, rel))
	}
	for name, content := range s.bindingFiles {
		in.Content("the pip binding's "+name, content)
	}
}

// Env is the environment pip runs with besides the build's own.
func (s PipSettings) Env() []string {
	return s.BindingEnv
}

func hasVariable(env []string, name string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}
