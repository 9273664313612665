package environment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/python-cnb/buildpack/internal/layermeta"
)

// ToolMetadata is a tool layer's reuse key.
type ToolMetadata struct {
	Version  string `toml:"version"`
	Checksum string `toml:"checksum"`
	// CPython is the CPython the tool was installed with (PerPython).
	CPython string `toml:"cpython"`
}

// addTools makes the tools' versions inputs of the environment.
func addTools(set *inputs.Set, tools []Tool) {
	for _, tool := range tools {
		set.Value(tool.Name, strings.TrimSpace(tool.Version+" "+tool.Checksum))
	}
}

// provideTools makes sure each tool's layer holds it, reusing the layer
// when its metadata matches, and returns the executables by name. Tool
// layers are never in the image; they are cached for the next build when
// keep is true.
func provideTools(context packit.BuildContext, tools []Tool, deps Deps, cpython string, keep bool, logger scribe.Emitter) (map[string]string, []packit.Layer, error) {
	executables := map[string]string{}
	var layers []packit.Layer
	for _, tool := range tools {
		layer, err := context.Layers.Get(tool.Name)
		if err != nil {
			return nil, nil, fmt.Errorf("opening the %s layer: %w", tool.Name, err)
		}
		layer.Launch, layer.Build, layer.Cache = false, false, keep
		wanted := ToolMetadata{Version: tool.Version, Checksum: tool.Checksum}
		if tool.PerPython {
			wanted.CPython = cpython
		}
		changes, err := layermeta.Changes(layer.Metadata, wanted)
		if err != nil {
			return nil, nil, err
		}
		exe := tool.Executable(layer.Path)
		if len(changes) == 0 {
			if _, err := os.Stat(exe); err != nil {
				changes = []string{"its files are not there"}
			}
		}
		if len(changes) == 0 {
			logger.Process("Reusing cached layer %s (%s %s)", layer.Path, tool.Name, tool.Version)
			logger.Break()
			executables[tool.Name] = exe
			layers = append(layers, layer)
			continue
		}
		logger.Process("Installing %s %s (rebuilding layer: %s)", tool.Name, tool.Version, strings.Join(changes, "; "))
		if layer, err = layer.Reset(); err != nil {
			return nil, nil, fmt.Errorf("resetting the %s layer: %w", tool.Name, err)
		}
		layer.Launch, layer.Build, layer.Cache = false, false, keep
		toolDeps := ToolDeps{
			Run: func(c Command) error {
				output, err := execute(c, context.WorkingDir, deps.Executor, logger.ActionWriter)
				if err != nil {
					return fmt.Errorf("'%s' failed: %w\n%s", strings.Join(c.Args, " "), err, RootCause(output))
				}
				return nil
			},
			Fetch: func(id, dir string) error {
				return deps.Fetch(context.CNBPath, context.Platform.Path, id, dir, logger.ActionWriter)
			},
			Out: logger.ActionWriter,
		}
		duration, err := deps.Clock.Measure(func() error {
			exe, err = tool.Provide(layer.Path, toolDeps)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		if layer.Metadata, err = layermeta.Encode(wanted); err != nil {
			return nil, nil, err
		}
		logger.Action("Completed in %s", duration.Round(time.Millisecond))
		logger.Break()
		executables[tool.Name] = exe
		layers = append(layers, layer)
	}
	return executables, layers, nil
}

// keptTools returns the layers of tools this build did not need that hold
// a tool from an earlier build, cache-only, so that the next build that
// needs them finds them.
func keptTools(layers packit.Layers, tools []Tool) ([]packit.Layer, error) {
	var kept []packit.Layer
	for _, tool := range tools {
		layer, err := layers.Get(tool.Name)
		if err != nil {
			return nil, fmt.Errorf("opening the %s layer: %w", tool.Name, err)
		}
		if len(layer.Metadata) == 0 {
			continue
		}
		if _, err := os.Stat(tool.Executable(layer.Path)); err != nil {
			continue
		}
		layer.Launch, layer.Build, layer.Cache = false, false, true
		kept = append(kept, layer)
	}
	return kept, nil
}

// PipTool is a tool installed from the package index with the build's pip
// into a virtual environment of its own in the tool's layer (so that
// PIP_INDEX_URL and the pip binding apply, and the app's environment holds
// none of the tool's dependencies). program is its executable's name. pip
// writes no bytecode (--no-compile): the tool compiles only what it imports
// when it runs. With Poetry 2.5.1, installing it and then running its
// install of a 15-package lock took 1.2 s less than with pip compiling all
// of Poetry at install.
func PipTool(name, version, program string, env []string) Tool {
	executable := func(dir string) string { return filepath.Join(dir, "venv", "bin", program) }
	return Tool{
		Name:      name,
		Version:   version,
		PerPython: true,
		Provide: func(dir string, deps ToolDeps) (string, error) {
			venv := filepath.Join(dir, "venv")
			if err := deps.Run(Command{Args: []string{"python", "-I", "-m", "venv", "--without-pip", venv}}); err != nil {
				return "", err
			}
			err := deps.Run(Command{
				Args: append(buildpip.Command(filepath.Join(venv, "bin", "python")), "install", "--no-compile", name+"=="+version),
				Env:  env,
			})
			if err != nil {
				return "", fmt.Errorf("installing %s %s with pip: %w", name, version, err)
			}
			return executable(dir), nil
		},
		Executable: executable,
	}
}
