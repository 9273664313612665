// Package hooks holds the pre-build and post-build hook sub-buildpacks.
// Each runs the command or script the user gives in Oryx's settings: the
// pre-build hook right after CPython is installed and before any dependency,
// the post-build hook after everything else, with the app's virtual
// environment (when there is one) active.
package hooks

const (
	// PreBuildCommandEnv is a shell command run before dependencies are installed.
	PreBuildCommandEnv = "PRE_BUILD_COMMAND"
	// PreBuildScriptPathEnv is a script in the app run before dependencies
	// are installed; it wins over PreBuildCommandEnv.
	PreBuildScriptPathEnv = "PRE_BUILD_SCRIPT_PATH"
	// PostBuildCommandEnv is a shell command run after everything else.
	PostBuildCommandEnv = "POST_BUILD_COMMAND"
	// PostBuildScriptPathEnv is a script in the app run after everything
	// else; it wins over PostBuildCommandEnv.
	PostBuildScriptPathEnv = "POST_BUILD_SCRIPT_PATH"

	// Shell runs commands, and scripts that have no #! line.
	Shell = "bash"

	// TailLines is how many of a failed hook's last output lines the
	// failure message repeats.
	TailLines = 20
)

// Phase is one of the two hooks.
type Phase string

const (
	// Pre runs PRE_BUILD_SCRIPT_PATH or PRE_BUILD_COMMAND.
	Pre Phase = "pre-build"
	// Post runs POST_BUILD_SCRIPT_PATH or POST_BUILD_COMMAND.
	Post Phase = "post-build"
)

// CommandEnv is the name of the phase's command setting.
func (p Phase) CommandEnv() string {
	switch p {
	case Pre:
		return PreBuildCommandEnv
	case Post:
		return PostBuildCommandEnv
	}
	return ""
}

// ScriptEnv is the name of the phase's script path setting.
func (p Phase) ScriptEnv() string {
	switch p {
	case Pre:
		return PreBuildScriptPathEnv
	case Post:
		return PostBuildScriptPathEnv
	}
	return ""
}

// Valid tells whether p is Pre or Post.
func (p Phase) Valid() bool {
	return p == Pre || p == Post
}
