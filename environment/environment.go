// Package environment is the one mechanism every package manager
// sub-buildpack (pip/, uv/, poetry/, pipenv/) uses to give the app a Python
// environment: a virtual environment in a launch layer, made from scratch
// with the manager's tool whenever any of its inputs changed, and otherwise
// reused whole without running anything.
//
// Why it is shaped this way:
//   - A virtual environment in a layer, not packages in the app directory
//     or `pip install --user`: a layer can be reused across builds and kept
//     for launch only (restored nor re-exported) when nothing changed.
//   - Rebuilt from scratch rather than updated in place: an update would keep
//     a package that left the lock or requirements file. Reuse is all or
//     nothing, keyed on every input the manager reads (internal/inputs), and
//     the log names the inputs that changed.
//   - The environment is created by `python -m venv --without-pip` and the
//     managers install into it from outside (pip --python, uv's
//     UV_PROJECT_ENVIRONMENT, VIRTUAL_ENV for Poetry and Pipenv), so that the
//     image holds no installer the app does not need.
//   - Its bytecode is written once, unchecked-hash (internal/bytecode), so
//     that it stays valid after the lifecycle resets modification times.
//
// A manager supplies only what differs: its name, and a Recipe read from
// the app (its inputs, its tools, the commands to run). Which manager an app
// gets is decided once, by Choose.
package environment

import (
	"io"
	"strings"

	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/internal/inputs"
)

const (
	// VenvLayer holds the virtual environment (launch; build and cache when
	// something uses it at build).
	VenvLayer = "venv"
	// PackagesLayer (build only) sets plan.PackagesEnv for later
	// sub-buildpacks.
	PackagesLayer = "packages"
	// UnpackLayer carries, when the environment is compressed, the exec.d
	// program that unpacks it at launch and the launch environment.
	UnpackLayer = "venv-unpack"
	// UnpackProgram is that exec.d program in each sub-buildpack's bin/.
	UnpackProgram = "unpack-venv"
	// ArchiveEnv tells the unpacking program where the archive is.
	ArchiveEnv = "PYTHON_CNB_VENV_ARCHIVE"

	// VirtualenvNameEnv is Oryx's setting: the app dir gets a link of that
	// name pointing at the environment.
	VirtualenvNameEnv = "VIRTUALENV_NAME"
	// CompressEnv and OryxCompressEnv ask for the environment to be written
	// into the app as one archive (tar-gz or zip) that is unpacked at
	// container start, as Oryx's compress_virtualenv does.
	CompressEnv     = "BP_PIP_COMPRESS_VIRTUALENV"
	OryxCompressEnv = "COMPRESS_VIRTUALENV"

	// Format changes whenever the way an environment is laid out changes,
	// so that layers made the old way are rebuilt.
	Format = "3"
)

// Manager is a package manager as the mechanism sees it.
type Manager struct {
	// Name is the manager's name: "pip", "uv", "poetry" or "pipenv".
	Name string
	// Recipe reads the app and the settings and says how its environment
	// is made.
	Recipe func(app App) (Recipe, error)
}

// App is what a recipe reads.
type App struct {
	// Dir is the app's directory.
	Dir string
	// PlatformDir is the platform directory (service bindings).
	PlatformDir string
	// CNBPath is the sub-buildpack's directory (its buildpack.toml).
	CNBPath string
	// Choice is why this manager was chosen.
	Choice Choice
}

// Recipe is how one app's environment is made.
type Recipe struct {
	// Inputs are everything the environment is made from besides CPython,
	// the tools (added by the mechanism) and the layout Format.
	Inputs inputs.Set
	// EveryBuild is true when an install copies the app itself into the
	// environment (pip install ., a uv project that is a package): then any
	// change to the app's files rebuilds it, so CPython is kept cached
	// rather than downloaded again for nearly every build.
	EveryBuild bool
	// Tools are the programs the steps run, provided before them.
	Tools []Tool
	// Steps run in order, in the app's directory, into a new environment.
	Steps []Step
	// After runs at every build once the environment is there (building
	// the project's wheel, say).
	After []Step
	// Notes are lines for the log about what was read.
	Notes []string
	// Lock is the lock file the steps install from, whose archive digests
	// go into the environment's bill of materials (sbom.RecordLock).
	Lock string
}

// Context is what a step's command is made from.
type Context struct {
	// Venv is the environment's directory.
	Venv string
	// App is the app's directory, where steps run.
	App string
	// Cache is the manager's cache-only layer.
	Cache string
	// Tools are the provided tools' executables, by name.
	Tools map[string]string
}

// Command is one program run.
type Command struct {
	// Args are the program and its arguments; "python" is the build's
	// CPython.
	Args []string
	// Env is added to the build's environment.
	Env []string
	// Display is how the log shows the command (no secrets); Args joined
	// when empty.
	Display string
}

// Shown is how the log shows the command.
func (c Command) Shown() string {
	if c.Display != "" {
		return c.Display
	}
	return strings.Join(c.Args, " ")
}

// Step is one command of a recipe.
type Step struct {
	// Name says what the step is for, in a few words.
	Name string
	// Command makes the command.
	Command func(Context) Command
	// Failure turns what the command printed into the error the build
	// ends with.
	Failure func(output string, err error) error
	// Fallback, when set, runs instead when the step fails.
	Fallback *Step
}

// Tool is a program a manager runs at build and the image never needs.
type Tool struct {
	// Name is the tool's name, also its layer's and the key of
	// Context.Tools.
	Name string
	// Version is the tool's version, and Checksum its archive's, when it
	// has one: a change to either rebuilds the tool's layer and the
	// environment.
	Version  string
	Checksum string
	// PerPython is true when the tool is installed with the build's CPython
	// (a virtual environment of its own), so that a new CPython remakes it.
	PerPython bool
	// Provide installs the tool into dir and returns its executable.
	Provide func(dir string, deps ToolDeps) (string, error)
	// Executable is the executable in dir of an installed tool.
	Executable func(dir string) string
}

// ToolDeps are what Provide may use.
type ToolDeps struct {
	// Run runs a command (python is the build's CPython) with output to Out.
	Run func(Command) error
	// Fetch delivers a checksummed wheel dependency of the sub-buildpack,
	// unpacked into dir (see internal/wheeldep).
	Fetch func(id, dir string) error
	// Out receives the tool's output.
	Out io.Writer
}

// Executor runs programs; pexec.NewExecutable(program).Execute is the real
// one.
type Executor interface {
	Execute(program string, execution pexec.Execution) error
}

// Programs is the real Executor.
type Programs struct{}

// Execute runs program (a name on PATH or a path).
func (Programs) Execute(program string, execution pexec.Execution) error {
	return pexec.NewExecutable(program).Execute(execution)
}
