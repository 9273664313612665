// Package wiring maps each sub-buildpack's id to its Detect and Build
// functions with real collaborators. The detect and build binaries are the
// same in every sub-buildpack directory and find out which one they are
// from that directory's buildpack.toml.
package wiring

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/internal/plan"
)

// Buildpack is one sub-buildpack's pair of phases.
type Buildpack struct {
	Detect func() packit.DetectFunc
	Build  func(logger scribe.Emitter) packit.BuildFunc
}

// Buildpacks lists every sub-buildpack by id.
var Buildpacks = map[string]Buildpack{
	plan.CPythonID: {
		Detect: cpython.Detect,
		Build: func(logger scribe.Emitter) packit.BuildFunc {
			return cpython.Build(cpython.NewInstaller(cpython.NewTransport()), chronos.DefaultClock, logger)
		},
	},
	plan.GunicornID: {
		Detect: gunicorn.Detect,
		Build:  gunicorn.Build,
	},
}

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

// Lookup reads the buildpack id from dir/buildpack.toml and returns its phases.
func Lookup(dir string) (Buildpack, error) {
	var descriptor struct {
		Buildpack struct {
			ID string `toml:"id"`
		} `toml:"buildpack"`
	}
	path := filepath.Join(dir, "buildpack.toml")
	if _, err := toml.DecodeFile(path, &descriptor); err != nil {
		return Buildpack{}, fmt.Errorf("reading the buildpack id: %w", err)
	}
	bp, ok := Buildpacks[descriptor.Buildpack.ID]
	if !ok {
		return Buildpack{}, fmt.Errorf("%s names buildpack %q, which this binary does not implement (known: %s)",
			path, descriptor.Buildpack.ID, strings.Join(ids(), ", "))
	}
	return bp, nil
}

// Logger is the emitter every phase logs through, honouring BP_LOG_LEVEL.
func Logger() scribe.Emitter {
	return scribe.NewEmitter(os.Stdout).WithLevel(os.Getenv("BP_LOG_LEVEL"))
}

func ids() []string {
	var out []string
	for id := range Buildpacks {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
