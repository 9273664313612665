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
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/layermeta"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/python-cnb/buildpack/pip/venvarchive"
	"github.com/python-cnb/buildpack/requirements"
)

// PipRunner runs Python and pip. Runner is the real one.
type PipRunner interface {
	CreateVenv(path string, out io.Writer) error
	Pip(venv, dir string, args []string, out io.Writer) error
}

// EnvMetadata is the environment layer's reuse key: the layer is reused
// whole only when every field matches, else rebuilt from scratch. CPython
// is the cpython sub-buildpack's plan.CPythonIdentityEnv: its version and
// archive checksum, which also fix the bundled pip that installs.
type EnvMetadata struct {
	Requirements string `toml:"requirements"`
	Project      string `toml:"project"`
	CPython      string `toml:"cpython"`
	PipSettings  string `toml:"pip-settings"`
	// Format is how this buildpack lays the environment out (EnvFormat).
	Format string `toml:"format"`
}

// EnvFormat changes whenever the way an environment is laid out changes
// (how bytecode is written), so that layers made the old way are rebuilt.
const EnvFormat = "2"

// packagesField holds, in the layer's metadata next to EnvMetadata, the
// distributions installed (name==version), which plan.PackagesEnv passes on.
const packagesField = "packages"

// Build installs the app's requirements, and the app itself when it is a
// project, into a virtual environment layer. The layer is for launch; for
// build when a later sub-buildpack uses it there; and cached, so that its
// files are restored for the next build, when anything uses it at build,
// this buildpack included (a wheel, a compressed environment). Otherwise a
// reused layer is kept for launch only, and the lifecycle neither restores
// nor re-exports it.
func Build(runner PipRunner, compiler bytecode.Compiling, clock chronos.Clock, logger scribe.Emitter) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		appDir := context.WorkingDir

		inputs, err := readInputs(appDir, context.Platform.Path)
		if err != nil {
			return packit.BuildResult{}, err
		}
		runner := withEnv(runner, inputs.env)

		venv, err := context.Layers.Get(VenvLayer)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", VenvLayer, err)
		}
		cache, err := context.Layers.Get(CacheLayer)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", CacheLayer, err)
		}
		cache.Cache = true

		wanted := EnvMetadata{
			Requirements: inputs.requirements.Digest,
			Project:      inputs.projectDigest,
			PipSettings:  inputs.settingsDigest,
			Format:       EnvFormat,
		}
		identity, havePython := os.LookupEnv(plan.CPythonIdentityEnv)
		if havePython {
			wanted.CPython = identity
		} else {
			// The cpython layer was kept for launch only, which it is only
			// when CPython and this buildpack's build key are unchanged.
			wanted.CPython, _ = venv.Metadata["cpython"].(string)
		}
		use := plan.BuildNeeds(context.Plan.Entries)
		needFiles := use.Any() || inputs.wheel || inputs.compress != ""

		changes, err := layermeta.Changes(venv.Metadata, wanted)
		if err != nil {
			return packit.BuildResult{}, err
		}
		present := fileExists(filepath.Join(venv.Path, "bin", "python"))
		if len(changes) == 0 && needFiles && !present {
			changes = []string{"the last build kept it for launch only, and " + filesReason(use, inputs) + " needs its files at build"}
		}
		packages, _ := venv.Metadata[packagesField].([]interface{})
		if len(changes) == 0 {
			if present {
				logger.Process("Reusing cached layer %s", venv.Path)
			} else {
				logger.Process("Reusing layer %s for launch only", venv.Path)
			}
			logger.Subprocess("requirements, project, CPython and pip settings are unchanged: pip did not run")
			logger.Break()
		} else {
			if !havePython {
				return packit.BuildResult{}, &errs.UserError{
					Title: "The virtual environment must be rebuilt (" + strings.Join(changes, "; ") + "), but the cpython buildpack kept CPython for launch only",
					Detail: "the cpython buildpack decided from this buildpack's build key that nothing would need Python in this build; " +
						"the key missed a change, which is a bug in this buildpack",
					Remedy: "report it with this log; to build now, remove the app image so the next build starts afresh",
				}
			}
			logger.Process("Creating the virtual environment (rebuilding layer: %s)", strings.Join(changes, "; "))
			venv, err = venv.Reset()
			if err != nil {
				return packit.BuildResult{}, fmt.Errorf("resetting the %s layer: %w", VenvLayer, err)
			}
			if err := install(runner, compiler, inputs, appDir, venv.Path, cache.Path, clock, logger); err != nil {
				return packit.BuildResult{}, err
			}
			venv.SharedEnv.Override("VIRTUAL_ENV", venv.Path)
			logger.EnvironmentVariables(venv)
			installed, err := Installed(venv.Path)
			if err != nil {
				return packit.BuildResult{}, err
			}
			packages = nil
			for _, p := range installed {
				packages = append(packages, p)
			}
		}
		if venv.Metadata, err = layermeta.Encode(wanted); err != nil {
			return packit.BuildResult{}, err
		}
		if packages == nil {
			packages = []interface{}{}
		}
		venv.Metadata[packagesField] = packages
		venv.Launch, venv.Build, venv.Cache = true, use.Any(), needFiles
		layers := []packit.Layer{venv}

		info, err := packagesLayer(context.Layers, packages)
		if err != nil {
			return packit.BuildResult{}, err
		}
		layers = append(layers, info)

		unpack, err := compressed(context, inputs, venv, logger)
		if err != nil {
			return packit.BuildResult{}, err
		}
		if unpack != nil {
			layers[0].Launch = false // the image carries the archive instead
			layers = append(layers, *unpack)
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

// filesReason names what needs the environment's files at build.
func filesReason(use plan.BuildUse, in inputs) string {
	switch {
	case in.wheel:
		return PackageWheelEnv
	case in.compress != "":
		return "compressing it"
	default:
		return "a later buildpack (collectstatic, a build hook)"
	}
}

// packagesLayer is a build-only layer setting plan.PackagesEnv, so that
// later sub-buildpacks know what the environment holds without its files.
func packagesLayer(layers packit.Layers, packages []interface{}) (packit.Layer, error) {
	layer, err := layers.Get(PackagesLayer)
	if err != nil {
		return packit.Layer{}, fmt.Errorf("opening the %s layer: %w", PackagesLayer, err)
	}
	if layer, err = layer.Reset(); err != nil {
		return packit.Layer{}, fmt.Errorf("resetting the %s layer: %w", PackagesLayer, err)
	}
	layer.Build = true
	names := make([]string, 0, len(packages))
	for _, p := range packages {
		names = append(names, fmt.Sprint(p))
	}
	layer.BuildEnv.Override(plan.PackagesEnv, strings.Join(names, " "))
	return layer, nil
}

// BuildKey is the pip sub-buildpack's plan.BuildKey for the app in appDir:
// everything the environment layer depends on besides CPython. ok is false
// when Python is needed at (nearly) every build: the app is a project,
// whose every change reinstalls it, or asks for a wheel or a compressed
// environment; then CPython is cached rather than downloaded again for
// each build. ok is also false when the inputs cannot be read (the build
// then reports what is wrong).
func BuildKey(appDir, platformDir string) (key string, ok bool) {
	// Asked first, so that detection does not digest a project's whole tree
	// (readInputs does) only to leave the key out.
	if project, err := IsProject(appDir); err != nil || project {
		return "", false
	}
	in, err := readInputs(appDir, platformDir)
	if err != nil || in.wheel || in.compress != "" {
		return "", false
	}
	return plan.KeyOf("pip", in.requirements.Digest, in.projectDigest, in.settingsDigest, EnvFormat), true
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

func install(runner PipRunner, compiler bytecode.Compiling, in inputs, appDir, venvPath, cachePath string, clock chronos.Clock, logger scribe.Emitter) error {
	duration, err := clock.Measure(func() error {
		if err := run("python -m venv --without-pip "+venvPath, logger, func(out io.Writer) error {
			return runner.CreateVenv(venvPath, out)
		}); err != nil {
			return err
		}
		if in.requirements.Path != "" {
			args := []string{"install", "--prefer-binary", "--no-compile", "--cache-dir", cachePath, "--requirement", in.requirements.Path}
			if err := runPip(runner, venvPath, appDir, args, logger, requirementsFailure(in.requirements.Path)); err != nil {
				return err
			}
		}
		if in.project {
			args := []string{"install", "--prefer-binary", "--no-compile", "--cache-dir", cachePath, "."}
			if err := runPip(runner, venvPath, appDir, args, logger, projectFailure); err != nil {
				return err
			}
		}
		compile(compiler, venvPath, logger)
		return nil
	})
	if err != nil {
		return err
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	return nil
}

// compile writes the environment's bytecode (pip ran with --no-compile),
// unchecked-hash so that it stays valid in the image; see internal/bytecode.
// A failure only costs start-up time, so it is a warning.
func compile(compiler bytecode.Compiling, venvPath string, logger scribe.Emitter) {
	dirs, _ := filepath.Glob(filepath.Join(venvPath, "lib", "python3.*", "site-packages"))
	if len(dirs) == 0 {
		return
	}
	logger.Subprocess("Compiling the installed packages to bytecode that stays valid in the image")
	bytecode.Run(compiler, "python", dirs, logger)
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
