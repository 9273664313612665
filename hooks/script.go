package hooks

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/python-cnb/buildpack/internal/apppath"
	"github.com/python-cnb/buildpack/internal/errs"
)

// locateScript resolves a script path setting: relative to appDir unless
// absolute, with symlinks and .. resolved. The result must be a regular
// file inside the app (itself resolved); otherwise a UserError names the
// setting and the path.
func locateScript(appDir, setting, value string) (string, error) {
	p, err := apppath.Resolve(appDir, value, setting+"="+value)
	if err != nil {
		return "", err
	}
	if !p.Exists {
		return "", &errs.UserError{
			Title:  fmt.Sprintf("%s=%s: there is no such file in the app", setting, value),
			Detail: "looked for " + p.Abs,
			Remedy: fmt.Sprintf("commit the script with the app, or correct %s: a path relative to the app's root, such as scripts/build.sh", setting),
		}
	}
	resolved := p.Abs
	info, err := os.Stat(resolved)
	if err != nil {
		return "", fmt.Errorf("reading %s=%s: %w", setting, value, err)
	}
	if !info.Mode().IsRegular() {
		what := "not a regular file"
		if info.IsDir() {
			what = "a directory"
		}
		return "", &errs.UserError{
			Title:  fmt.Sprintf("%s=%s is %s, not a script", setting, value, what),
			Remedy: fmt.Sprintf("set %s to the path of the script itself", setting),
		}
	}
	return resolved, nil
}

// maxShebang is how much of a script's first line the kernel reads.
const maxShebang = 256

// scriptArgs decides how to run the script at path. One that starts with
// #! is run directly when it is executable, else with the interpreter its
// #! line names (as the kernel would, had it been executable); one without
// a #! line is run with bash. Scripts are never chmod-ed: the app's files
// are exported as they are.
func scriptArgs(path string) (args []string, how string, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, "", err
	}
	interpreter, arg, err := shebang(path)
	if err != nil {
		return nil, "", err
	}
	executable := info.Mode().Perm()&0o111 != 0
	switch {
	case interpreter != "" && executable:
		return []string{path}, "directly, as it is executable", nil
	case interpreter != "":
		args = []string{interpreter}
		if arg != "" {
			args = append(args, arg)
		}
		return append(args, path), fmt.Sprintf("with '%s' from its #! line, as it is not executable", strings.Join(args, " ")), nil
	}
	return []string{Shell, path}, "with " + Shell + ", as it has no #! line", nil
}

// shebang reads the interpreter and its optional single argument from the
// #! line at the start of the file, as Linux does; both are "" without one.
func shebang(path string) (interpreter, arg string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	head := make([]byte, maxShebang)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", "", err
	}
	line, found := strings.CutPrefix(string(head[:n]), "#!")
	if !found {
		return "", "", nil
	}
	line, _, _ = strings.Cut(line, "\n")
	line = strings.TrimSpace(line)
	i := strings.IndexAny(line, " \t")
	if i < 0 {
		return line, "", nil
	}
	return line[:i], strings.TrimSpace(line[i+1:]), nil
}
