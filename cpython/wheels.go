package cpython

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/python-cnb/buildpack/internal/lockfile"
)

// readLock reads the app's first lock file of lockfile.Names: its name and
// packages, or "" when there is none. A lock file that cannot be read is
// left to the package manager, which reports it.
func readLock(dir string) (string, []lockfile.Package) {
	for _, name := range lockfile.Names {
		packages, err := lockfile.Read(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", nil
		}
		return name, packages
	}
	return "", nil
}

// Machines are the machine names of the architectures, as wheel platform
// tags and python-build-standalone's archive names write them.
var Machines = map[string]string{"amd64": "x86_64", "arm64": "aarch64"}

// cpMinor reads a CPython tag ("cp312") as its minor version (12).
func cpMinor(tag string) (int, bool) {
	digits, ok := strings.CutPrefix(tag, "cp3")
	if !ok {
		return 0, false
	}
	minor, err := strconv.Atoi(digits)
	return minor, err == nil
}

// wheel is what a wheel file name says of the CPython versions it runs on.
type wheel struct {
	// pure wheels run on every version; the others on minors (the minor
	// numbers of Python 3), and on every later one too when stable (abi3)
	pure, stable bool
	minors       []int
}

// fits tells whether the wheel runs on Python 3.minor.
func (w wheel) fits(minor int) bool {
	for _, m := range w.minors {
		if m == minor || w.stable && m <= minor {
			return true
		}
	}
	return w.pure
}

// parseWheel reads a file name for arch: ok false for a file that is not a
// wheel (an sdist), a wheel for another platform, or one for free-threaded
// CPython only.
func parseWheel(file, arch string) (wheel, bool) {
	python, abi, platform, ok := lockfile.WheelTags(file)
	if !ok {
		return wheel{}, false
	}
	onPlatform := false
	for _, p := range platform {
		onPlatform = onPlatform || p == "any" || strings.Contains(p, "linux") && strings.HasSuffix(p, "_"+Machines[arch])
	}
	if !onPlatform {
		return wheel{}, false
	}
	var w wheel
	for _, a := range abi {
		if a == "abi3" {
			w.stable = true
		}
		if strings.HasPrefix(a, "cp") && strings.HasSuffix(a, "t") {
			return wheel{}, false
		}
	}
	for _, py := range python {
		if strings.HasPrefix(py, "py3") {
			w.pure = true
		}
		if m, ok := cpMinor(py); ok {
			w.minors = append(w.minors, m)
		}
	}
	return w, w.pure || len(w.minors) > 0
}

// missingWheels lists the packages that ship wheels built for particular
// CPython minors on arch, none of them for minor: pip, uv or Poetry would
// build them from source on it. A package whose newest such wheel is for a
// minor older than oldest (the oldest the app allows) is left out: its
// wheels stop there because the lock installs it on old versions only (a
// backport behind a marker).
func missingWheels(packages []lockfile.Package, arch string, minor, oldest int) []string {
	var missing []string
	for _, p := range packages {
		binary, fits, newest := false, false, -1
		for _, file := range p.Files {
			w, ok := parseWheel(file.Name, arch)
			if !ok {
				continue
			}
			fits = fits || w.fits(minor)
			if !w.pure && !w.stable {
				binary = true
				for _, m := range w.minors {
					newest = max(newest, m)
				}
			}
		}
		if binary && !fits && newest >= oldest {
			missing = append(missing, p.Name+" "+p.Version)
		}
	}
	sort.Strings(missing)
	return missing
}

// PreferLockedWheels revisits a selection that had several CPython minors
// to choose from (deps newest first) that every request it satisfies
// allows (a range, or no request at all): when the
// app's lock file pins packages that have wheels for some of them but not
// for the newest, building them from source on it could fail or take
// long, so the newest minor for which every locked package has a wheel is
// chosen instead. It returns the selection and, when it changed it, why.
func PreferLockedWheels(selection Selection, deps []postal.Dependency, requests []Request, dir, arch string) (Selection, string) {
	var candidates []postal.Dependency // the newest build of each allowed minor
	seen := map[string]bool{}
	for _, d := range deps {
		v := mustVersion(d.Version)
		if v[0] != 3 || seen[v[:2].String()] {
			continue
		}
		if selection.Request.Source != DefaultSource && !selection.Request.Constraint.Check(v) ||
			len(requests) > 0 && !within(overruled(d, requests[1:]), selection.Overruled) {
			continue // not asked for, or not by a request the first choice satisfies
		}
		seen[v[:2].String()] = true
		candidates = append(candidates, d)
	}
	if len(candidates) < 2 || candidates[0].Version != selection.Dependency.Version {
		return selection, ""
	}
	lockFile, packages := readLock(dir)
	if lockFile == "" {
		return selection, ""
	}
	oldest := mustVersion(candidates[len(candidates)-1].Version)[1]
	var skipped []string
	var lacking []string
	for i, c := range candidates {
		minor := mustVersion(c.Version)[:2]
		missing := missingWheels(packages, arch, minor[1], oldest)
		if len(missing) > 0 {
			if i == 0 {
				lacking = missing
			}
			skipped = append(skipped, minor.String())
			continue
		}
		if i == 0 {
			return selection, ""
		}
		chosen := selection
		chosen.Dependency = c
		return chosen, fmt.Sprintf("%s pins %s with no wheel for CPython %s, which would be built from source there: "+
			"CPython %s is the newest for which every package it pins has a wheel", lockFile, describe(lacking), strings.Join(skipped, " or "), minor)
	}
	return selection, ""
}

// within tells whether every request of some is in all.
func within(some, all []Request) bool {
	for _, r := range some {
		found := false
		for _, a := range all {
			found = found || a.Source == r.Source
		}
		if !found {
			return false
		}
	}
	return true
}

// describe names up to three packages.
func describe(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}
