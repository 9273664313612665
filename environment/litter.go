package environment

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2/scribe"
)

// isLitter tells whether a directory is of the kind that building a
// project in place leaves in its source (setuptools' build/ and
// <name>.egg-info), which would otherwise ship in the image.
func isLitter(entry fs.DirEntry) bool {
	return entry.IsDir() && (entry.Name() == "build" || strings.HasSuffix(entry.Name(), ".egg-info"))
}

// SnapshotLitter lists the litter-like directories the app has before the
// install, which are the app's own and stay.
func SnapshotLitter(appDir string) (map[string]bool, error) {
	found := map[string]bool{}
	err := walkLitter(appDir, func(rel string) { found[rel] = true })
	return found, err
}

// RemoveLitter removes the litter-like directories the install added.
func RemoveLitter(appDir string, before map[string]bool, logger scribe.Emitter) error {
	var added []string
	if err := walkLitter(appDir, func(rel string) {
		if !before[rel] {
			added = append(added, rel)
		}
	}); err != nil {
		return err
	}
	for _, rel := range added {
		if err := os.RemoveAll(filepath.Join(appDir, rel)); err != nil {
			return fmt.Errorf("removing %s, which the install left in the app: %w", rel, err)
		}
	}
	if len(added) > 0 {
		logger.Subprocess("Removed what building the project left in the app: %s", strings.Join(added, ", "))
	}
	return nil
}

// walkLitter calls found for each litter-like directory, up to two levels
// below the app's root (src/<name>.egg-info), skipping what appscan skips.
func walkLitter(appDir string, found func(rel string)) error {
	return filepath.WalkDir(appDir, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			if path == appDir {
				return err
			}
			return nil
		}
		rel, _ := filepath.Rel(appDir, path)
		if rel == "." {
			return nil
		}
		if !entry.IsDir() {
			return nil
		}
		if isLitter(entry) {
			found(rel)
			return filepath.SkipDir
		}
		if strings.Count(rel, string(filepath.Separator)) >= 1 || strings.HasPrefix(entry.Name(), ".") || entry.Name() == "node_modules" {
			return filepath.SkipDir
		}
		return nil
	})
}
