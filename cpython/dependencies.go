package cpython

import (
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/python-cnb/buildpack/internal/errs"
)

// DefaultSource names the request used when the app asks for no version.
const DefaultSource = "default (newest supported)"

// LoadDependencies reads the CPython builds for arch from buildpack.toml,
// newest first.
func LoadDependencies(buildpackToml, arch string) ([]postal.Dependency, error) {
	var config struct {
		Metadata struct {
			Dependencies []postal.Dependency `toml:"dependencies"`
		} `toml:"metadata"`
	}
	if _, err := toml.DecodeFile(buildpackToml, &config); err != nil {
		return nil, fmt.Errorf("reading the dependency list in %s: %w", buildpackToml, err)
	}
	var deps []postal.Dependency
	for _, d := range config.Metadata.Dependencies {
		if d.ID != DependencyID || (d.Arch != "" && d.Arch != arch) {
			continue
		}
		if _, err := ParseVersion(d.Version); err != nil {
			return nil, fmt.Errorf("%s lists CPython version %q: %w", buildpackToml, d.Version, err)
		}
		deps = append(deps, d)
	}
	if len(deps) == 0 {
		return nil, errs.New(
			fmt.Sprintf("this buildpack has no CPython build for the %s architecture", arch),
			"build on a supported architecture (see [[targets]] in buildpack.toml)")
	}
	sort.SliceStable(deps, func(i, j int) bool {
		return mustVersion(deps[i].Version).Compare(mustVersion(deps[j].Version)) > 0
	})
	return deps, nil
}

// Selection is the CPython build chosen for the app and why.
type Selection struct {
	Dependency postal.Dependency
	// Request is the request that decided: the first one, or the default.
	Request Request
	// Overruled are lower-precedence requests that the choice does not satisfy.
	Overruled []Request
}

// Select picks the newest build satisfying the highest-precedence request
// (deps must be newest first). With no request it picks the newest build.
func Select(deps []postal.Dependency, requests []Request) (Selection, error) {
	if len(requests) == 0 {
		return Selection{Dependency: deps[0], Request: Request{Source: DefaultSource}}, nil
	}
	winner := requests[0]
	for _, d := range deps {
		if !winner.Constraint.Check(mustVersion(d.Version)) {
			continue
		}
		return Selection{Dependency: d, Request: winner, Overruled: overruled(d, requests[1:])}, nil
	}
	return Selection{}, &errs.UserError{
		Title:  fmt.Sprintf("%s asks for Python %s, which this buildpack does not provide", winner.Source, winner.Constraint),
		Detail: "Supported versions: " + strings.Join(versions(deps), ", "),
		Remedy: remedyFor(winner.Source, deps),
	}
}

// overruled lists the requests d does not satisfy.
func overruled(d postal.Dependency, requests []Request) []Request {
	var out []Request
	for _, r := range requests {
		if !r.Constraint.Check(mustVersion(d.Version)) {
			out = append(out, r)
		}
	}
	return out
}

func remedyFor(source string, deps []postal.Dependency) string {
	minor := mustVersion(deps[0].Version)[:2].String()
	switch source {
	case RuntimeTxt:
		return fmt.Sprintf("write a supported version in runtime.txt, for example python-%s", minor)
	case PythonVersion:
		return fmt.Sprintf("write a supported version in .python-version, for example %s", minor)
	case PyprojectToml + " requires-python":
		return fmt.Sprintf("widen requires-python in pyproject.toml to include a supported version, for example >=%s", minor)
	case PoetryPythonSource:
		return fmt.Sprintf("widen python under [tool.poetry.dependencies] in pyproject.toml to include a supported version, for example ^%s", minor)
	case VersionEnv, OryxVersionEnv:
		return fmt.Sprintf("set %s to a supported version, for example %s", source, minor)
	}
	return fmt.Sprintf("ask for a supported version, for example %s", minor)
}

func versions(deps []postal.Dependency) []string {
	var out []string
	for _, d := range deps {
		out = append(out, d.Version)
	}
	return out
}

func mustVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err) // LoadDependencies has checked every version
	}
	return v
}
