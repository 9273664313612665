package environment

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/python-cnb/buildpack/internal/sbom"
)

// Installed lists the distributions in the virtual environment at venvPath
// as name==version, names normalized (lower case, runs of -_. as -), read
// from the names of their .dist-info directories.
func Installed(venvPath string) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(venvPath, "lib", "python3.*", "site-packages", "*.dist-info"))
	if err != nil {
		return nil, fmt.Errorf("listing the environment's packages: %w", err)
	}
	var packages []string
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			continue
		}
		base := strings.TrimSuffix(filepath.Base(dir), ".dist-info")
		i := strings.LastIndex(base, "-")
		if i <= 0 || i == len(base)-1 {
			continue
		}
		packages = append(packages, sbom.NormalizeName(base[:i])+"=="+base[i+1:])
	}
	sort.Strings(packages)
	return packages, nil
}
