// Package wiring lets the detect and build binaries, which are the same in
// every sub-buildpack directory, find out which sub-buildpack they are from
// that directory's buildpack.toml. Each binary holds its own table of phases
// (detect/phases.go, build/phases.go), so that the detect binary links no
// build code.
package wiring

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2/scribe"
)

// Dir is the running sub-buildpack's directory: CNB_BUILDPACK_DIR, or the
// parent of the directory holding the executable.
func Dir() (string, error) {
	if dir := os.Getenv("CNB_BUILDPACK_DIR"); dir != "" {
		return dir, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding the buildpack directory: %w", err)
	}
	return filepath.Dir(filepath.Dir(exe)), nil
}

// Lookup reads the buildpack id from dir/buildpack.toml and returns its
// entry in phases.
func Lookup[T any](dir string, phases map[string]T) (T, error) {
	var zero T
	var descriptor struct {
		Buildpack struct {
			ID string `toml:"id"`
		} `toml:"buildpack"`
	}
	path := filepath.Join(dir, "buildpack.toml")
	if _, err := toml.DecodeFile(path, &descriptor); err != nil {
		return zero, fmt.Errorf("reading the buildpack id: %w", err)
	}
	phase, ok := phases[descriptor.Buildpack.ID]
	if !ok {
		return zero, fmt.Errorf("%s names buildpack %q, which this binary does not implement (known: %s)",
			path, descriptor.Buildpack.ID, strings.Join(ids(phases), ", "))
	}
	return phase, nil
}

// Run finds the running sub-buildpack in phases and hands its entry to run.
// When it cannot tell which sub-buildpack it is, it prints why and exits 1.
func Run[T any](phases map[string]T, run func(T)) {
	dir, err := Dir()
	if err == nil {
		var phase T
		if phase, err = Lookup(dir, phases); err == nil {
			run(phase)
			return
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// Logger is the emitter every phase logs through, honouring BP_LOG_LEVEL.
func Logger() scribe.Emitter {
	return scribe.NewEmitter(os.Stdout).WithLevel(os.Getenv("BP_LOG_LEVEL"))
}

// SubBuildpackDirs lists the directories under root holding a sub-buildpack
// (a buildpack.toml without [[order]]), for tests that check every one is
// wired.
func SubBuildpackDirs(root string) ([]string, error) {
	descriptors, err := filepath.Glob(filepath.Join(root, "*", "buildpack.toml"))
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, descriptor := range descriptors {
		content, err := os.ReadFile(descriptor)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(string(content), "[[order]]") {
			dirs = append(dirs, filepath.Dir(descriptor))
		}
	}
	return dirs, nil
}

func ids[T any](phases map[string]T) []string {
	var out []string
	for id := range phases {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
