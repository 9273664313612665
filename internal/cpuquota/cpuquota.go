// Package cpuquota counts the CPUs a process may use inside a container: the
// CPU bandwidth limit of its cgroup (v2 cpu.max, or v1 cpu.cfs_quota_us over
// cpu.cfs_period_us) rounded up, and never more than the CPUs the scheduler
// lets it run on. Go's runtime.NumCPU honours the CPU affinity mask but not
// the cgroup limit, so a container given 2 CPUs on a 64-CPU host would
// otherwise be sized for 64.
package cpuquota

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// v1Dirs are the names cgroup v1 mounts the cpu controller under, below
// /sys/fs/cgroup.
var v1Dirs = []string{"cpu,cpuacct", "cpu", "cpuacct,cpu"}

// Count returns how many CPUs the process may use: the cgroup limit found
// below root ("/" outside tests) rounded up, at most numCPU (pass
// runtime.NumCPU()) and at least 1. When the limit cannot be read it returns
// the error together with the count from numCPU alone, so a caller can warn
// and carry on.
func Count(root string, numCPU int) (int, error) {
	n := max(numCPU, 1)
	limit, ok, err := Limit(root)
	if err != nil {
		return n, err
	}
	if ok {
		n = max(min(n, int(math.Ceil(limit))), 1)
	}
	return n, nil
}

// Limit returns the CPU bandwidth limit, in CPUs (1.5 for cpu.max
// "150000 100000"), of the cgroup the process runs in, and false when it has
// none. Limits on parent cgroups count too: the smallest one wins. It reads
// root/proc/self/cgroup to find the cgroup, and root/sys/fs/cgroup: the
// unified (v2) hierarchy when that holds cgroup.controllers, else the v1 cpu
// controller.
func Limit(root string) (float64, bool, error) {
	paths, err := cgroupPaths(filepath.Join(root, "proc", "self", "cgroup"))
	if err != nil {
		return 0, false, err
	}
	mount := filepath.Join(root, "sys", "fs", "cgroup")
	if isFile(filepath.Join(mount, "cgroup.controllers")) {
		return walk(mount, paths.unified, readV2)
	}
	for _, name := range v1Dirs {
		dir := filepath.Join(mount, name)
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return walk(dir, paths.cpu, readV1)
		}
	}
	return 0, false, nil
}

type membership struct {
	unified string // the path on the "0::" line
	cpu     string // the path on the v1 line listing the cpu controller
}

// cgroupPaths reads /proc/self/cgroup ("id:controllers:path" lines). A
// missing file means no cgroups (not Linux), so no limit.
func cgroupPaths(file string) (membership, error) {
	var m membership
	content, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("reading %s: %w", file, err)
	}
	for _, line := range strings.Split(string(content), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			m.unified = parts[2]
			continue
		}
		for _, controller := range strings.Split(parts[1], ",") {
			if controller == "cpu" {
				m.cpu = parts[2]
			}
		}
	}
	return m, nil
}

// walk reads the limit of the process's cgroup directory below mount, and of
// each parent up to mount, and returns the smallest. Inside a container with
// its own cgroup namespace the path names a directory that is not mounted
// there; the mount itself is then the process's cgroup.
func walk(mount, rel string, read func(dir string) (float64, bool, error)) (float64, bool, error) {
	dir := filepath.Join(mount, rel)
	if !strings.HasPrefix(dir+string(filepath.Separator), mount+string(filepath.Separator)) {
		dir = mount
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		dir = mount
	}
	smallest, found := 0.0, false
	for {
		limit, ok, err := read(dir)
		if err != nil {
			return 0, false, err
		}
		if ok && (!found || limit < smallest) {
			smallest, found = limit, true
		}
		if dir == mount {
			return smallest, found, nil
		}
		dir = filepath.Dir(dir)
	}
}

// readV2 reads cpu.max: "max 100000" (no limit) or "<quota> <period>" in
// microseconds.
func readV2(dir string) (float64, bool, error) {
	file := filepath.Join(dir, "cpu.max")
	content, ok, err := readOptional(file)
	if err != nil || !ok {
		return 0, false, err
	}
	fields := strings.Fields(content)
	if len(fields) == 0 || len(fields) > 2 {
		return 0, false, fmt.Errorf("reading %s: %q is not \"<quota> <period>\"", file, content)
	}
	if fields[0] == "max" {
		return 0, false, nil
	}
	period := "100000"
	if len(fields) == 2 {
		period = fields[1]
	}
	return ratio(file, fields[0], period)
}

// readV1 reads cpu.cfs_quota_us (-1 means no limit) and cpu.cfs_period_us.
func readV1(dir string) (float64, bool, error) {
	quotaFile := filepath.Join(dir, "cpu.cfs_quota_us")
	quota, ok, err := readOptional(quotaFile)
	if err != nil || !ok {
		return 0, false, err
	}
	if strings.HasPrefix(quota, "-") {
		return 0, false, nil
	}
	periodFile := filepath.Join(dir, "cpu.cfs_period_us")
	period, ok, err := readOptional(periodFile)
	if err != nil {
		return 0, false, err
	}
	if !ok {
		return 0, false, fmt.Errorf("reading %s: %s is missing", quotaFile, filepath.Base(periodFile))
	}
	return ratio(quotaFile, quota, period)
}

func ratio(file, quota, period string) (float64, bool, error) {
	q, errQ := strconv.ParseInt(quota, 10, 64)
	p, errP := strconv.ParseInt(period, 10, 64)
	if errQ != nil || errP != nil || q <= 0 || p <= 0 {
		return 0, false, fmt.Errorf("reading %s: quota %q and period %q are not positive whole numbers", file, quota, period)
	}
	return float64(q) / float64(p), true, nil
}

// readOptional returns a file's trimmed content, and false when it does not
// exist.
func readOptional(file string) (string, bool, error) {
	content, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading %s: %w", file, err)
	}
	return strings.TrimSpace(string(content)), true, nil
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
