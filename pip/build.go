package pip

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/layermeta"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/python-cnb/buildpack/pip/venvarchive"
	"github.com/python-cnb/buildpack/requirements"
)

// Interpreter is what the reuse key needs to know about Python and pip.
type Interpreter struct {
	// Version is sys.version: release, build date and compiler.
	Version string
	// Pip is pip's version.
	Pip string
}

// PipRunner runs Python and pip. Runner is the real one.
type PipRunner interface {
	Interpreter() (Interpreter, error)
	CreateVenv(path string, out io.Writer) error
	Pip(venv, dir string, args []string, out io.Writer) error
}

// EnvMetadata is the environment layer's reuse key: the layer is reused
// whole only when every field matches, else rebuilt from scratch.
type EnvMetadata struct {
	Requirements string `toml:"requirements"`
	Project      string `toml:"project"`
	Python       string `toml:"python"`
	Pip          string `toml:"pip"`
	PipSettings  string `toml:"pip-settings"`
}

// Build installs the app's requirements, and the app itself when it is a
// project, into a virtual environment layer.
func Build(runner PipRunner, clock chronos.Clock, logger scribe.Emitter) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		appDir := context.WorkingDir

		inputs, err := readInputs(appDir, context.Platform.Path)
		if err != nil {
			return packit.BuildResult{}, err
		}
		runner := withEnv(runner, inputs.env)
		interpreter, err := runner.Interpreter()
		if err != nil {
			return packit.BuildResult{}, err
		}
		wanted := EnvMetadata{
			Requirements: inputs.requirements.Digest,
			Project:      inputs.projectDigest,
			Python:       interpreter.Version,
			Pip:          interpreter.Pip,
			PipSettings:  inputs.settingsDigest,
		}

		venv, err := context.Layers.Get(VenvLayer)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", VenvLayer, err)
		}
		cache, err := context.Layers.Get(CacheLayer)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", CacheLayer, err)
		}
		cache.Cache = true

		changes, err := layermeta.Changes(venv.Metadata, wanted)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if len(changes) == 0 && !fileExists(filepath.Join(venv.Path, "bin", "python")) {
			changes = []string{"the cached environment has no bin/python"}
		}
		if len(changes) == 0 {
			logger.Process("Reusing cached layer %s", venv.Path)
			logger.Subprocess("requirements, project, Python, pip and pip settings are unchanged: pip did not run")
			logger.Break()
		} else {
			logger.Process("Creating the virtual environment (rebuilding layer: %s)", strings.Join(changes, "; "))
			venv, err = venv.Reset()
			if err != nil {
				return packit.BuildResult{}, fmt.Errorf("resetting the %s layer: %w", VenvLayer, err)
			}
			if err := install(runner, inputs, appDir, venv.Path, cache.Path, clock, logger); err != nil {
				return packit.BuildResult{}, err
			}
			venv.SharedEnv.Override("VIRTUAL_ENV", venv.Path)
			logger.EnvironmentVariables(venv)
			if venv.Metadata, err = layermeta.Encode(wanted); err != nil {
				return packit.BuildResult{}, err
			}
		}
		venv.Launch, venv.Build, venv.Cache = true, true, true
		layers := []packit.Layer{venv}

		unpack, err := compressed(context, inputs, venv, logger)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if unpack != nil {
			venv.Launch = false // the image carries the archive instead
			layers = []packit.Layer{venv, *unpack}
		}

		if inputs.wheel {
			if err := buildWheel(runner, appDir, venv.Path, cache.Path, clock, logger); err != nil {
				return packit.BuildResult{}, err
			}
		}
		if inputs.venvName != "" {
			if err := linkVenv(appDir, inputs.venvName, venv.Path); err != nil {
				return packit.BuildResult{}, err
			}
			logger.Process("Linked %s in the app to the virtual environment (%s)", inputs.venvName, VirtualenvNameEnv)
			logger.Break()
		}
		if !appscan.IsEmptyDir(cache.Path) {
			layers = append(layers, cache)
		}
		return packit.BuildResult{Layers: layers}, nil
	}
}

// inputs is everything read from the app and the settings.
type inputs struct {
	requirements   requirements.Set
	project        bool
	projectDigest  string
	venvName       string
	wheel          bool
	compress       string
	env            []string
	settingsDigest string
}

func readInputs(appDir, platformDir string) (inputs, error) {
	var in inputs
	path, err := requirements.Locate(appDir)
	if err != nil {
		return in, err
	}
	if path != "" {
		if in.requirements, err = requirements.Read(appDir, path); err != nil {
			return in, err
		}
	}
	if in.project, err = IsProject(appDir); err != nil {
		return in, err
	}
	if path == "" && !in.project {
		return in, errs.New("There is nothing for pip to install: no requirements.txt, setup.py or pyproject.toml with [build-system]",
			"add a requirements.txt, or set "+requirements.CustomPathEnv+" to your requirements file")
	}
	if in.venvName, err = venvName(); err != nil {
		return in, err
	}
	if in.venvName != "" {
		if err := checkVenvName(appDir, in.venvName); err != nil {
			return in, err
		}
	}
	if in.project {
		// pip install . copies the project into the environment, so any
		// change to its files must rebuild it.
		if in.projectDigest, err = appscan.Digest(appDir, in.venvName, "dist", "build"); err != nil {
			return in, err
		}
	}
	if in.wheel, err = settings.Bool(PackageWheelEnv, false); err != nil {
		return in, err
	}
	if in.wheel && !in.project {
		return in, errs.New(PackageWheelEnv+"=true, but the app is not a project pip can build a wheel of",
			"add a setup.py or a pyproject.toml with a [build-system] table, or unset "+PackageWheelEnv)
	}
	if in.compress, err = compressFormat(); err != nil {
		return in, err
	}
	bindingEnv, bindingDigest, err := pipBinding(platformDir)
	if err != nil {
		return in, err
	}
	in.env = bindingEnv
	in.settingsDigest = SettingsDigest(bindingDigest)
	return in, nil
}

func install(runner PipRunner, in inputs, appDir, venvPath, cachePath string, clock chronos.Clock, logger scribe.Emitter) error {
	duration, err := clock.Measure(func() error {
		if err := run("python -m venv --without-pip "+venvPath, logger, func(out io.Writer) error {
			return runner.CreateVenv(venvPath, out)
		}); err != nil {
			return err
		}
		if in.requirements.Path != "" {
			args := []string{"install", "--prefer-binary", "--cache-dir", cachePath, "--requirement", in.requirements.Path}
			if err := runPip(runner, venvPath, appDir, args, logger, requirementsFailure(in.requirements.Path)); err != nil {
				return err
			}
		}
		if in.project {
			args := []string{"install", "--prefer-binary", "--cache-dir", cachePath, "."}
			if err := runPip(runner, venvPath, appDir, args, logger, projectFailure); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	return nil
}

func buildWheel(runner PipRunner, appDir, venvPath, cachePath string, clock chronos.Clock, logger scribe.Emitter) error {
	logger.Process("Building the project's wheel into dist/ (%s)", PackageWheelEnv)
	duration, err := clock.Measure(func() error {
		args := []string{"wheel", "--no-deps", "--cache-dir", cachePath, "--wheel-dir", "dist", "."}
		return runPip(runner, venvPath, appDir, args, logger, func(tail string) error {
			return &errs.UserError{
				Title:  "Building the project's wheel (pip wheel .) failed",
				Detail: tail,
				Remedy: "fix the packaging error pip shows above, or unset " + PackageWheelEnv,
			}
		})
	})
	if err != nil {
		return err
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	return nil
}

func runPip(runner PipRunner, venvPath, appDir string, args []string, logger scribe.Emitter, failure func(tail string) error) error {
	tail := errs.NewTailWriter(errs.TailBytes)
	logger.Subprocess("Running 'pip %s'", strings.Join(args, " "))
	err := runner.Pip(venvPath, appDir, args, io.MultiWriter(logger.ActionWriter, tail))
	if err != nil {
		return failure(fmt.Sprintf("%s\n(pip: %v)", ErrorLines(tail.String()), err))
	}
	return nil
}

func run(command string, logger scribe.Emitter, f func(io.Writer) error) error {
	tail := errs.NewTailWriter(errs.TailBytes)
	logger.Subprocess("Running '%s'", command)
	if err := f(io.MultiWriter(logger.ActionWriter, tail)); err != nil {
		return fmt.Errorf("%s failed: %w\n%s", command, err, errs.Tail(tail.String(), 25))
	}
	return nil
}

func requirementsFailure(path string) func(string) error {
	return func(tail string) error {
		return &errs.UserError{
			Title:  fmt.Sprintf("pip could not install the requirements in %s", path),
			Detail: tail,
			Remedy: fmt.Sprintf("fix what pip reports above in %s: a name or version that does not exist on the index, a package that does not build, or an index the build cannot reach (PIP_INDEX_URL)", path),
		}
	}
}

func projectFailure(tail string) error {
	return &errs.UserError{
		Title:  "pip could not install the app itself (pip install .)",
		Detail: tail,
		Remedy: "fix the error in setup.py or pyproject.toml that pip reports above",
	}
}

// compressFormat reads BP_PIP_COMPRESS_VIRTUALENV (or Oryx's
// COMPRESS_VIRTUALENV): "", "tar-gz" or "zip".
func compressFormat() (string, error) {
	value, name := settings.First(CompressEnv, OryxCompressEnv)
	if value == "" {
		return "", nil
	}
	if _, ok := venvarchive.Formats[value]; !ok {
		return "", errs.New(fmt.Sprintf("%s=%q is not a known archive format", name, value),
			fmt.Sprintf("set %s to tar-gz or zip, or unset it", name))
	}
	return value, nil
}

// compressed writes the environment into the app as one archive when asked
// to, and returns the launch layer that unpacks it at container start. When
// not asked to, it removes that layer left by an earlier build.
func compressed(context packit.BuildContext, in inputs, venv packit.Layer, logger scribe.Emitter) (*packit.Layer, error) {
	if in.compress == "" {
		err := os.Remove(filepath.Join(context.Layers.Path, UnpackLayer+".toml"))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("removing the %s layer: %w", UnpackLayer, err)
		}
		return nil, nil
	}
	name := in.venvName
	if name == "" {
		name = "venv"
	}
	archive := filepath.Join(context.WorkingDir, name+venvarchive.Formats[in.compress])
	logger.Process("Compressing the virtual environment into %s (%s)", filepath.Base(archive), in.compress)
	if err := venvarchive.Write(venv.Path, archive, in.compress); err != nil {
		return nil, err
	}
	logger.Break()

	unpack, err := context.Layers.Get(UnpackLayer)
	if err != nil {
		return nil, fmt.Errorf("opening the %s layer: %w", UnpackLayer, err)
	}
	if unpack, err = unpack.Reset(); err != nil {
		return nil, fmt.Errorf("resetting the %s layer: %w", UnpackLayer, err)
	}
	unpack.Launch = true
	unpack.ExecD = []string{filepath.Join(context.CNBPath, "bin", "unpack-venv")}
	unpack.LaunchEnv.Override("VIRTUAL_ENV", venv.Path)
	unpack.LaunchEnv.Override(ArchiveEnv, archive)
	unpack.LaunchEnv.Prepend("PATH", filepath.Join(venv.Path, "bin"), string(os.PathListSeparator))
	return &unpack, nil
}

// venvName reads VIRTUALENV_NAME: a plain directory name.
func venvName() (string, error) {
	name := strings.TrimSpace(os.Getenv(VirtualenvNameEnv))
	if name == "" {
		return "", nil
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", errs.New(fmt.Sprintf("%s=%q is not a plain directory name", VirtualenvNameEnv, name),
			fmt.Sprintf("set %s to a name such as antenv", VirtualenvNameEnv))
	}
	return name, nil
}

// checkVenvName refuses a VIRTUALENV_NAME that the app's source already
// holds (a committed virtualenv would hide the built one), before any work.
func checkVenvName(appDir, name string) error {
	link := filepath.Join(appDir, name)
	info, err := os.Lstat(link)
	switch {
	case err == nil && info.Mode()&os.ModeSymlink == 0:
		return errs.New(fmt.Sprintf("%s=%s, but the app already has an entry named %s that would hide the built environment", VirtualenvNameEnv, name, name),
			fmt.Sprintf("remove %s from the app's source (add it to .gitignore), or choose another %s", name, VirtualenvNameEnv))
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("checking %s: %w", link, err)
	}
	return nil
}

// linkVenv makes <app>/<name> point at the environment, as Oryx's layout has
// the environment there (checkVenvName has vetted the name).
func linkVenv(appDir, name, venvPath string) error {
	link := filepath.Join(appDir, name)
	if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("replacing %s: %w", link, err)
	}
	return os.Symlink(venvPath, link)
}

// SettingsDigest hashes the pip settings that change an install's result,
// so that their values (which may hold credentials) never enter metadata.
func SettingsDigest(extra string) string {
	h := sha256.New()
	for _, name := range settingsThatMatter {
		fmt.Fprintf(h, "%s=%s\x00", name, os.Getenv(name))
	}
	h.Write([]byte(extra))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func withEnv(runner PipRunner, env []string) PipRunner {
	if r, ok := runner.(Runner); ok && len(env) > 0 {
		return r.WithEnv(env...)
	}
	return runner
}

// ErrorLines picks pip's own ERROR lines out of its output, or its last
// lines when it printed none, for the end of a failure message.
func ErrorLines(output string) string {
	var lines []string
	for _, line := range strings.Split(output, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "ERROR:") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	if len(lines) == 0 {
		return errs.Tail(output, 15)
	}
	return errs.Tail(strings.Join(lines, "\n"), 10)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
