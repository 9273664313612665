package sbom

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/python-cnb/buildpack/internal/lockfile"
)

// Archive is one file a lock file pins for a distribution, with its
// sha256.
type Archive struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// RecordLock notes, for the bill of materials of the environment at
// layerPath, the archives the lock file at lockPath pins with their
// digests, so that each distribution installed from one gets that
// archive's sha256 (see lockDigest). It reads uv.lock and poetry.lock, by
// the file's name; Pipfile.lock names no files (Pipenv installs with pip,
// whose report gives the digests), and other files are left alone.
func RecordLock(layerPath, lockPath string) error {
	packages, err := lockfile.Read(lockPath)
	if err != nil {
		return fmt.Errorf("reading the archive digests of %s for the bill of materials: %w", filepath.Base(lockPath), err)
	}
	if packages == nil {
		return nil
	}
	archives := map[string][]Archive{}
	for _, p := range packages {
		for _, f := range p.Files {
			addArchive(archives, p.Name, p.Version, f.Name, f.Hash)
		}
	}
	encoded, err := json.Marshal(archives)
	if err != nil {
		return err
	}
	dir := reportDir(layerPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, fmt.Sprintf("lock-%d.json", reports.Add(1))), encoded, 0o644)
}

// readLockRecords returns the archives RecordLock noted for the layer, by
// distribution (normalized name==version).
func readLockRecords(layerPath string) (map[string][]Archive, error) {
	files, err := filepath.Glob(filepath.Join(reportDir(layerPath), "lock-*.json"))
	if err != nil {
		return nil, err
	}
	all := map[string][]Archive{}
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var archives map[string][]Archive
		if err := json.Unmarshal(content, &archives); err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
		for key, list := range archives {
			all[key] = append(all[key], list...)
		}
	}
	return all, nil
}

// addArchive records a file with a sha256 hash ("sha256:<hex>"); files
// without a name or with another kind of hash are left out.
func addArchive(archives map[string][]Archive, name, version, file, hash string) {
	algorithm, sum, ok := strings.Cut(hash, ":")
	if !ok || algorithm != "sha256" || file == "" || name == "" {
		return
	}
	key := NormalizeName(name) + "==" + version
	archives[key] = append(archives[key], Archive{File: file, SHA256: strings.ToLower(sum)})
}

// lockDigest picks, among a distribution's pinned archives, the one it was
// installed from: the wheel whose tags include one of the installed
// distribution's (tags, from its WHEEL file), else the source
// distribution, from which the installer built the wheel itself. It is ""
// when neither is there, or when several archives fit.
func lockDigest(archives []Archive, tags []string) string {
	var wheels, sdists []string
	for _, a := range archives {
		if strings.HasSuffix(a.File, ".whl") {
			if wheelMatches(a.File, tags) {
				wheels = append(wheels, a.SHA256)
			}
		} else {
			sdists = append(sdists, a.SHA256)
		}
	}
	switch {
	case len(wheels) == 1:
		return wheels[0]
	case len(wheels) == 0 && len(sdists) == 1:
		return sdists[0]
	}
	return ""
}

// wheelMatches reports whether the wheel file's name carries one of tags
// (python-abi-platform, as a WHEEL file lists them). A file name
// compresses tag sets with dots (cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64).
func wheelMatches(file string, tags []string) bool {
	pythons, abis, platforms, ok := lockfile.WheelTags(file)
	if !ok {
		return false
	}
	for _, tag := range tags {
		fields := strings.Split(tag, "-")
		if len(fields) == 3 && slices.Contains(pythons, fields[0]) && slices.Contains(abis, fields[1]) && slices.Contains(platforms, fields[2]) {
			return true
		}
	}
	return false
}

// wheelTags reads the Tag lines of a dist-info directory's WHEEL file.
func wheelTags(distInfo string) []string {
	content, err := os.ReadFile(filepath.Join(distInfo, "WHEEL"))
	if err != nil {
		return nil
	}
	var tags []string
	for _, line := range strings.Split(string(content), "\n") {
		if key, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(key) == "Tag" {
			tags = append(tags, strings.TrimSpace(value))
		}
	}
	return tags
}
