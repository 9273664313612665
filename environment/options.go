package environment

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/environment/venvarchive"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/settings"
)

// options are the settings every manager's environment honours.
type options struct {
	// venvName is VIRTUALENV_NAME: the app gets a link of that name.
	venvName string
	// compress is the archive format the environment is written into the
	// app as ("" for none).
	compress string
}

func readOptions(appDir string) (options, error) {
	var opts options
	var err error
	if opts.venvName, err = VenvName(); err != nil {
		return opts, err
	}
	if opts.venvName != "" {
		if err := checkVenvName(appDir, opts.venvName); err != nil {
			return opts, err
		}
	}
	if opts.compress, err = CompressFormat(); err != nil {
		return opts, err
	}
	return opts, nil
}

// VenvName reads VIRTUALENV_NAME: a plain directory name.
func VenvName() (string, error) {
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

// CompressFormat reads BP_PIP_COMPRESS_VIRTUALENV (or Oryx's
// COMPRESS_VIRTUALENV): "", "tar-gz" or "zip".
func CompressFormat() (string, error) {
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

// compressionAsked tells whether a valid compression setting is set.
func compressionAsked() bool {
	format, err := CompressFormat()
	return err != nil || format != ""
}

// compressed writes the environment into the app as one archive when asked
// to, and returns the launch layer that unpacks it at container start. When
// not asked to, it removes that layer left by an earlier build.
func compressed(context packit.BuildContext, opts options, venv packit.Layer, logger scribe.Emitter) (*packit.Layer, error) {
	if opts.compress == "" {
		err := os.Remove(filepath.Join(context.Layers.Path, UnpackLayer+".toml"))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("removing the %s layer: %w", UnpackLayer, err)
		}
		return nil, nil
	}
	name := opts.venvName
	if name == "" {
		name = "venv"
	}
	archive := filepath.Join(context.WorkingDir, name+venvarchive.Formats[opts.compress])
	logger.Process("Compressing the virtual environment into %s (%s)", filepath.Base(archive), opts.compress)
	if err := venvarchive.Write(venv.Path, archive, opts.compress); err != nil {
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
	unpack.ExecD = []string{filepath.Join(context.CNBPath, "bin", UnpackProgram)}
	unpack.LaunchEnv.Override("VIRTUAL_ENV", venv.Path)
	unpack.LaunchEnv.Override(ArchiveEnv, archive)
	unpack.LaunchEnv.Prepend("PATH", filepath.Join(venv.Path, "bin"), string(os.PathListSeparator))
	return &unpack, nil
}
