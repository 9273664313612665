package sbom

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// AppName is the root component's name when the app states none.
const AppName = "app"

// ReadApp is the root component: the app, named as its pyproject.toml's
// [project] table, else its setup.cfg's [metadata] section, states it
// (with the version when it is written there, not computed), else AppName.
func ReadApp(appDir string) (Component, error) {
	app := Component{Kind: Application, Name: AppName}
	var pyproject struct {
		Project struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
		} `toml:"project"`
	}
	path := filepath.Join(appDir, "pyproject.toml")
	if _, err := toml.DecodeFile(path, &pyproject); err == nil {
		if pyproject.Project.Name != "" {
			app.Name, app.Version = pyproject.Project.Name, pyproject.Project.Version
			return app, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		// the pip and conda buildpacks report a broken pyproject.toml
		return app, nil
	}
	name, version, err := readSetupCfg(filepath.Join(appDir, "setup.cfg"))
	if err != nil {
		return app, err
	}
	if name != "" {
		app.Name, app.Version = name, version
	}
	return app, nil
}

// readSetupCfg reads name and version from setup.cfg's [metadata] section,
// leaving out values setuptools computes (attr:, file:).
func readSetupCfg(path string) (name, version string, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", nil
	} else if err != nil {
		return "", "", fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	section := ""
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if section != "metadata" || !ok {
			continue
		}
		value = strings.TrimSpace(value)
		if strings.HasPrefix(value, "attr:") || strings.HasPrefix(value, "file:") {
			continue
		}
		switch strings.TrimSpace(key) {
		case "name":
			name = value
		case "version":
			version = value
		}
	}
	return name, version, scanner.Err()
}
