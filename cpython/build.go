package cpython

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/layermeta"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/python-cnb/buildpack/internal/settings"
)

// DependencyInstaller unpacks a dependency archive into a layer and reports
// whether it came from the buildpack's vendored copy.
type DependencyInstaller interface {
	Install(dependency postal.Dependency, cnbPath, layerPath, platformPath string) (vendored bool, err error)
}

// LayerMetadata is the cpython layer's reuse key: the layer is reused only
// when every field matches.
type LayerMetadata struct {
	Version  string `toml:"version"`
	Checksum string `toml:"checksum"`
	Arch     string `toml:"arch"`
	Distro   string `toml:"distro"`
	// Format is how this buildpack lays the installation out (LayerFormat).
	Format string `toml:"format"`
}

// LayerFormat changes whenever the way an installation is laid out changes
// (what is removed, how bytecode is written, the rewritten build
// configuration, pip moved out), so that layers made the old way are
// rebuilt.
const LayerFormat = "4"

// buildKeysField holds, in the layer's metadata next to LayerMetadata, the
// digest of the build keys later sub-buildpacks gave (see plan.BuildKey).
const buildKeysField = "build-keys"

// Build resolves the CPython version and installs it into the cpython
// layer (launch), reusing the layer when its metadata matches. Python is
// needed at build when a later sub-buildpack requires it without a build
// key, or when their keys or CPython changed: then the cpython-build layer
// puts it on the build's PATH, and the layer is cached (to be restored for
// the next build) when a requirement has no key. Otherwise the layer is kept
// for launch only, and the lifecycle neither restores nor re-exports it.
//
// Being first in every group, it first validates every build setting of
// every sub-buildpack (checks), so that a bad value fails the build before
// any work.
func Build(installer DependencyInstaller, compiler bytecode.Compiling, checks []settings.Check, clock chronos.Clock, logger scribe.Emitter) packit.BuildFunc {
	return func(context packit.BuildContext) (packit.BuildResult, error) {
		logger.Title("%s %s", context.BuildpackInfo.Name, context.BuildpackInfo.Version)
		if err := settings.Validate(context.WorkingDir, checks); err != nil {
			return packit.BuildResult{}, err
		}

		logger.Process("Resolving CPython version")
		arch := settings.TargetArch()
		deps, err := LoadDependencies(filepath.Join(context.CNBPath, "buildpack.toml"), arch)
		if err != nil {
			return packit.BuildResult{}, err
		}
		requests, err := ReadRequests(context.WorkingDir, context.Plan.Entries)
		if err != nil {
			return packit.BuildResult{}, err
		}
		selection, err := Select(deps, requests.List)
		if err != nil {
			return packit.BuildResult{}, err
		}
		selection, why := PreferLockedWheels(selection, deps, requests.List, context.WorkingDir, arch)
		logSelection(logger, selection, requests, why, clock.Now())
		dependency := selection.Dependency

		layer, err := context.Layers.Get(LayerName)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", LayerName, err)
		}

		metadata := LayerMetadata{
			Version:  dependency.Version,
			Checksum: dependency.Checksum,
			Arch:     arch,
			Distro:   strings.Trim(os.Getenv("CNB_TARGET_DISTRO_NAME")+"-"+os.Getenv("CNB_TARGET_DISTRO_VERSION"), "-"),
			Format:   LayerFormat,
		}
		changes, err := layermeta.Changes(layer.Metadata, metadata)
		if err != nil {
			return packit.BuildResult{}, err
		}
		use := plan.BuildNeeds(context.Plan.Entries)
		storedKeys, _ := layer.Metadata[buildKeysField].(string)
		// Python is needed at build unless CPython and every later
		// buildpack's build key are as the last build recorded them.
		needed := use.Always || storedKeys != use.Digest()
		launchOnly := len(changes) == 0 && !fileExists(filepath.Join(layer.Path, "bin", "python3"))
		if launchOnly && use.Always {
			changes = []string{"the last build kept it for launch only, and Python is needed at build: " + buildReason(use, storedKeys)}
		}

		pip, err := context.Layers.Get(PipLayerName)
		if err != nil {
			return packit.BuildResult{}, fmt.Errorf("opening the %s layer: %w", PipLayerName, err)
		}

		buildPython := layer.Path
		switch {
		case len(changes) == 0 && !needed:
			logger.Process("Reusing layer %s for launch only", layer.Path)
			logger.Subprocess("CPython and what later buildpacks build with it are unchanged: nothing needs Python in this build")
			logger.Break()
		case launchOnly:
			// CPython is unchanged and the image has it: the image keeps the
			// layer it has, and this build gets a copy of its own, which
			// costs neither the standard library's bytecode nor exporting
			// CPython again.
			logger.Process("Reusing layer %s for launch only", layer.Path)
			logger.Subprocess("Python is needed at build: %s", buildReason(use, storedKeys))
			logger.Subprocess("Installing CPython %s for this build only (the image keeps the layer it has)", dependency.Version)
			if buildPython, err = installForBuild(installer, dependency, context, clock, logger); err != nil {
				return packit.BuildResult{}, err
			}
		case len(changes) == 0:
			logger.Process("Reusing cached layer %s", layer.Path)
			logger.Subprocess("Python is needed at build: %s", buildReason(use, storedKeys))
			logger.Break()
		default:
			needed = true
			logger.Process("Installing CPython %s (rebuilding layer: %s)", dependency.Version, strings.Join(changes, "; "))
			if layer, pip, err = install(installer, compiler, dependency, context, layer, pip, clock, logger); err != nil {
				return packit.BuildResult{}, err
			}
		}

		// The layer itself is never a build layer: the lifecycle does not
		// restore the metadata of an uncached build layer, which would leave
		// the next build nothing to compare. The cpython-build layer puts it
		// on the build's PATH instead, when it is needed. It is cached only
		// for buildpacks that need Python at every build.
		layer.Launch, layer.Build, layer.Cache = true, false, use.Always
		layer.Metadata, err = layermeta.Encode(metadata)
		if err != nil {
			return packit.BuildResult{}, err
		}
		layer.Metadata[buildKeysField] = use.Digest()
		if err := sbom.Layer(context, &layer, logger, dependency); err != nil {
			return packit.BuildResult{}, err
		}
		layers := []packit.Layer{layer}
		if needed {
			buildLayer, err := buildEnvLayer(context.Layers, buildPython, layer.Path, pipPackage(buildPython, layer.Path, pip.Path), dependency)
			if err != nil {
				return packit.BuildResult{}, err
			}
			layers = append(layers, buildLayer)
		}
		if needed && buildPython == layer.Path {
			// the pip of the CPython in the layer, while it is at build
			pip.Launch, pip.Build, pip.Cache = false, true, use.Always
			pip.Metadata = layer.Metadata
			layers = append(layers, pip)
		}
		return packit.BuildResult{Layers: layers}, nil
	}
}

// install resets the layer and installs the dependency into it, with its
// launch environment, moving its pip into the pip layer.
func install(installer DependencyInstaller, compiler bytecode.Compiling, dependency postal.Dependency, context packit.BuildContext,
	layer, pip packit.Layer, clock chronos.Clock, logger scribe.Emitter) (packit.Layer, packit.Layer, error) {
	layer, err := layer.Reset()
	if err != nil {
		return layer, pip, fmt.Errorf("resetting the %s layer: %w", LayerName, err)
	}
	if pip, err = pip.Reset(); err != nil {
		return layer, pip, fmt.Errorf("resetting the %s layer: %w", PipLayerName, err)
	}
	var vendored bool
	duration, err := clock.Measure(func() error {
		vendored, err = installer.Install(dependency, context.CNBPath, layer.Path, context.Platform.Path)
		if err != nil {
			return err
		}
		return linkPython(layer.Path)
	})
	if err != nil {
		return layer, pip, installError(dependency, vendored, err)
	}
	if vendored {
		logger.Subprocess("Used the copy vendored in this buildpack")
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	if removed, err := Trim(layer.Path); err != nil {
		return layer, pip, fmt.Errorf("removing unused parts of CPython: %w", err)
	} else if removed > 0 {
		logger.Process("Removed the test suite, IDLE, the turtle demos, the Tk toolkit and the static libpython (%.1f MB), which apps in a container do not use", float64(removed)/1e6)
		logger.Break()
	}
	if err := rewriteSysconfig(layer.Path, logger); err != nil {
		return layer, pip, err
	}
	if moved, err := splitPip(layer.Path, pip.Path); err != nil {
		return layer, pip, err
	} else if moved > 0 {
		logger.Process("Moved pip (%.1f MB) into the build-only %s layer: the image carries no installer", float64(moved)/1e6, PipLayerName)
		logger.Break()
	}
	compileStdlib(compiler, layer.Path, pip.Path, clock, logger)

	for name, value := range sharedEnv() {
		layer.LaunchEnv.Default(name, value)
	}
	logger.EnvironmentVariables(layer)
	return layer, pip, nil
}

// installForBuild installs CPython into the build-only cpython-build
// layer, as it comes in the archive: no parts removed and no bytecode
// written, as nothing of it reaches the image. It returns where it is.
func installForBuild(installer DependencyInstaller, dependency postal.Dependency, context packit.BuildContext,
	clock chronos.Clock, logger scribe.Emitter) (string, error) {
	layer, err := context.Layers.Get(BuildEnvLayerName)
	if err != nil {
		return "", fmt.Errorf("opening the %s layer: %w", BuildEnvLayerName, err)
	}
	if layer, err = layer.Reset(); err != nil {
		return "", fmt.Errorf("resetting the %s layer: %w", BuildEnvLayerName, err)
	}
	home := filepath.Join(layer.Path, "python")
	var vendored bool
	duration, err := clock.Measure(func() error {
		vendored, err = installer.Install(dependency, context.CNBPath, home, context.Platform.Path)
		if err != nil {
			return err
		}
		return linkPython(home)
	})
	if err != nil {
		return "", installError(dependency, vendored, err)
	}
	if vendored {
		logger.Subprocess("Used the copy vendored in this buildpack")
	}
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
	return home, rewriteSysconfig(home, logger)
}

// rewriteSysconfig points the build configuration of the CPython at home
// at the system compiler and at home itself (see RewriteSysconfig).
func rewriteSysconfig(home string, logger scribe.Emitter) error {
	changed, err := RewriteSysconfig(home)
	if err != nil {
		return err
	}
	if changed > 0 {
		logger.Process("Pointed CPython's build configuration (sysconfig) at the system compiler (cc, c++) and at %s, for packages built from source", home)
		logger.Break()
	}
	return nil
}

// sharedEnv is the environment CPython runs with at build and launch.
func sharedEnv() map[string]string {
	env := map[string]string{"PYTHONUNBUFFERED": "1"}
	// python-build-standalone's OpenSSL does not look where Debian, Ubuntu
	// or RHEL keep their CA bundle: point it there, unless the user chose a
	// bundle already.
	if bundle := SystemCABundle(); bundle != "" && os.Getenv("SSL_CERT_FILE") == "" {
		env["SSL_CERT_FILE"] = bundle
	}
	return env
}

// buildEnvLayer is the build-only layer that puts the CPython in
// cpythonPath on the build's PATH, with plan.CPythonIdentityEnv and, in
// plan.CPythonHomeEnv, where the image has CPython (launchPath). The layer
// holds that CPython itself when it is a copy for the build only
// (installForBuild), and its files are kept. pipDir, when there is one, is
// the build's pip package, which buildpip.DirEnv names.
func buildEnvLayer(layers packit.Layers, cpythonPath, launchPath, pipDir string, dependency postal.Dependency) (packit.Layer, error) {
	layer, err := layers.Get(BuildEnvLayerName)
	if err != nil {
		return layer, fmt.Errorf("opening the %s layer: %w", BuildEnvLayerName, err)
	}
	if cpythonPath == launchPath {
		if layer, err = layer.Reset(); err != nil {
			return layer, fmt.Errorf("resetting the %s layer: %w", BuildEnvLayerName, err)
		}
	}
	layer.Build = true
	layer.BuildEnv.Prepend("PATH", filepath.Join(cpythonPath, "bin"), string(os.PathListSeparator))
	layer.BuildEnv.Override(plan.CPythonHomeEnv, launchPath)
	for name, value := range sharedEnv() {
		layer.BuildEnv.Default(name, value)
	}
	// Imports during the build (collectstatic, hooks) must not leave
	// __pycache__ directories in the app.
	layer.BuildEnv.Override("PYTHONDONTWRITEBYTECODE", "1")
	// The build's tools written in Python (Poetry, Pipenv) fetch with
	// requests, which trusts only its own CA list unless told otherwise:
	// point it at the build image's bundle too.
	if bundle := SystemCABundle(); bundle != "" && os.Getenv("REQUESTS_CA_BUNDLE") == "" {
		layer.BuildEnv.Default("REQUESTS_CA_BUNDLE", firstOf(os.Getenv("SSL_CERT_FILE"), bundle))
	}
	layer.BuildEnv.Override(plan.CPythonIdentityEnv, identity(dependency))
	if pipDir != "" {
		layer.BuildEnv.Override(buildpip.DirEnv, pipDir)
	}
	return layer, nil
}

// pipPackage returns the directory of the pip package the CPython at
// cpythonPath runs at build: in the pip layer (pipLayerPath) when that
// CPython is the cpython layer's (launchPath), as it comes in the archive
// otherwise (a copy for the build only); "" when it has none.
func pipPackage(cpythonPath, launchPath, pipLayerPath string) string {
	candidates := []string{filepath.Join(pipLayerPath, "pip")}
	if cpythonPath != launchPath {
		candidates, _ = filepath.Glob(filepath.Join(cpythonPath, "lib", "python3.*", "site-packages", "pip"))
	}
	for _, dir := range candidates {
		if buildpip.IsPackage(dir) {
			return dir
		}
	}
	return ""
}

// identity is plan.CPythonIdentityEnv's value: what later sub-buildpacks
// key their layers on.
func identity(dependency postal.Dependency) string {
	return dependency.Version + " " + dependency.Checksum
}

// buildReason says why Python is needed at build, for the log.
func buildReason(use plan.BuildUse, storedKeys string) string {
	switch {
	case use.Always:
		return "a later buildpack runs it in every build (collectstatic, a build hook, conda, a wheel or a compressed environment)"
	case storedKeys == "":
		return "the last build recorded nothing about later buildpacks"
	default:
		return "what a later buildpack builds with it changed (requirements, project files or settings)"
	}
}

// compileStdlib writes unchecked-hash bytecode for the standard library and
// the bundled pip (in pipPath), so that neither the build's pip nor the app
// compiles them again (see internal/bytecode). A failure only costs speed:
// it is a warning.
func compileStdlib(compiler bytecode.Compiling, layerPath, pipPath string, clock chronos.Clock, logger scribe.Emitter) {
	dirs, _ := filepath.Glob(filepath.Join(layerPath, "lib", "python3.*"))
	if len(dirs) == 0 {
		return
	}
	if info, err := os.Stat(filepath.Join(pipPath, "pip")); err == nil && info.IsDir() {
		dirs = append(dirs, pipPath)
	}
	logger.Process("Compiling the standard library to bytecode that stays valid in the image")
	duration, _ := clock.Measure(func() error {
		bytecode.Run(compiler, filepath.Join(layerPath, "bin", "python3"), dirs, logger)
		return nil
	})
	logger.Action("Completed in %s", duration.Round(time.Millisecond))
	logger.Break()
}

func logSelection(logger scribe.Emitter, selection Selection, requests Requests, why string, now time.Time) {
	if len(requests.List) > 0 {
		logger.Subprocess("Version sources, highest precedence first:")
		for _, r := range requests.List {
			logger.Action("%-36s -> %q", r.Source, r.Constraint.String())
		}
	}
	for _, warning := range requests.Warnings {
		logger.Subprocess("%s", warning)
	}
	request := selection.Request
	if request.Source == DefaultSource {
		logger.Subprocess("Selected CPython %s (%s: no runtime.txt, .python-version, Pipfile, requires-python or %s)",
			selection.Dependency.Version, DefaultSource, VersionEnv)
	} else {
		logger.Subprocess("Selected CPython %s (from %s: %q)", selection.Dependency.Version, request.Source, request.Constraint.String())
	}
	if why != "" {
		logger.Subprocess("%s", why)
	}
	for _, r := range selection.Overruled {
		logger.Subprocess("Warning: %s asks for %q, but %s takes precedence", r.Source, r.Constraint.String(), request.Source)
	}
	if eol := selection.Dependency.DeprecationDate; !eol.IsZero() {
		minor := mustVersion(selection.Dependency.Version)[:2].String()
		switch {
		case now.After(eol):
			logger.Subprocess("Warning: CPython %s reached end of life on %s and gets no more security fixes; move to a newer version", minor, eol.Format("2006-01-02"))
		case now.Add(30 * 24 * time.Hour).After(eol):
			logger.Subprocess("Warning: CPython %s reaches end of life on %s; plan a move to a newer version", minor, eol.Format("2006-01-02"))
		}
	}
	logger.Break()
}

// caBundles are where Linux distributions keep the system CA bundle.
var caBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu
	"/etc/pki/tls/certs/ca-bundle.crt",   // RHEL, Fedora
	"/etc/ssl/ca-bundle.pem",             // SUSE
	"/etc/ssl/cert.pem",                  // Alpine
}

// SystemCABundle returns the build image's CA bundle, or "".
func SystemCABundle() string {
	for _, path := range caBundles {
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
			return path
		}
	}
	return ""
}

// linkPython adds bin/python when the archive has only bin/python3, so that
// scripts and start commands calling "python" work.
func linkPython(layerPath string) error {
	bin := filepath.Join(layerPath, "bin")
	if _, err := os.Lstat(filepath.Join(bin, "python")); err == nil {
		return nil
	}
	if _, err := os.Stat(filepath.Join(bin, "python3")); err != nil {
		return fmt.Errorf("the CPython archive has no bin/python3: %w", err)
	}
	return os.Symlink("python3", filepath.Join(bin, "python"))
}

func installError(dependency postal.Dependency, vendored bool, err error) error {
	where := errs.RedactURL(dependency.URI)
	switch {
	case vendored:
		where = "the copy vendored in this buildpack"
	case os.Getenv("BP_DEPENDENCY_MIRROR") != "":
		where += " (through the mirror in BP_DEPENDENCY_MIRROR)"
	case mirrorForHostSet():
		where += " (through a BP_DEPENDENCY_MIRROR_<HOST> mirror)"
	}
	switch msg := err.Error(); {
	case strings.Contains(msg, "checksum does not match"):
		return &errs.UserError{
			Title:  fmt.Sprintf("The CPython %s archive from %s does not match its checksum", dependency.Version, where),
			Detail: fmt.Sprintf("expected %s; the file was truncated or is a different file", dependency.Checksum),
			Remedy: "if you use a dependency mirror, replace its copy with the file from the original URI; otherwise retry the build",
			Err:    err,
		}
	case strings.Contains(msg, "downloading") || strings.Contains(msg, "opening"):
		detail := err // drop Installer's "installing CPython …:" prefix when there is one
		if inner := errors.Unwrap(err); inner != nil {
			detail = inner
		}
		return &errs.UserError{
			Title:  fmt.Sprintf("Could not download CPython %s", dependency.Version),
			Detail: detail.Error(),
			Remedy: "let the build reach " + errs.RedactURL(dependency.URI) + ", or point BP_DEPENDENCY_MIRROR at a mirror that has it, or build with the offline package of this buildpack (see the README)",
			Err:    err,
		}
	}
	return &errs.UserError{
		Title:  fmt.Sprintf("Could not install CPython %s from %s", dependency.Version, where),
		Detail: err.Error(),
		Remedy: "check that the archive (or the mirror's copy) is a python-build-standalone install_only tarball; retry the build",
		Err:    err,
	}
}

func mirrorForHostSet() bool {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "BP_DEPENDENCY_MIRROR_") {
			return true
		}
	}
	return false
}
