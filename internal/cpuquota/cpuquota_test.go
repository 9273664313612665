package cpuquota_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/cpuquota"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitCPUQuota(t *testing.T) {
	spec.Run(t, "cpuquota", testCPUQuota, spec.Report(report.Terminal{}))
}

func testCPUQuota(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		root   string
	)

	it.Before(func() {
		root = t.TempDir()
	})

	write := func(rel, content string) {
		path := filepath.Join(root, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}
	mkdir := func(rel string) {
		Expect(os.MkdirAll(filepath.Join(root, rel), 0o755)).To(Succeed())
	}

	context("cgroup v2", func() {
		it.Before(func() {
			write("sys/fs/cgroup/cgroup.controllers", "cpu memory\n")
		})

		it("reads cpu.max in the container's own cgroup namespace", func() {
			write("proc/self/cgroup", "0::/\n")
			write("sys/fs/cgroup/cpu.max", "150000 100000\n")
			limit, ok, err := cpuquota.Limit(root)
			Expect(err).NotTo(HaveOccurred())
			Expect(ok).To(BeTrue())
			Expect(limit).To(Equal(1.5))
			Expect(cpuquota.Count(root, 8)).To(Equal(2))
		})

		it("has no limit on max", func() {
			write("proc/self/cgroup", "0::/\n")
			write("sys/fs/cgroup/cpu.max", "max 100000\n")
			_, ok, err := cpuquota.Limit(root)
			Expect(err).NotTo(HaveOccurred())
			Expect(ok).To(BeFalse())
			Expect(cpuquota.Count(root, 8)).To(Equal(8))
		})

		it("takes the default period when cpu.max gives only a quota", func() {
			write("proc/self/cgroup", "0::/\n")
			write("sys/fs/cgroup/cpu.max", "200000\n")
			Expect(cpuquota.Count(root, 8)).To(Equal(2))
		})

		it("follows the cgroup path and takes the smallest limit of it and its parents", func() {
			write("proc/self/cgroup", "0::/kubepods/pod1/ctr\n")
			write("sys/fs/cgroup/kubepods/pod1/cpu.max", "100000 100000\n")
			write("sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "max 100000\n")
			write("sys/fs/cgroup/kubepods/cpu.max", "400000 100000\n")
			limit, ok, err := cpuquota.Limit(root)
			Expect(err).NotTo(HaveOccurred())
			Expect(ok).To(BeTrue())
			Expect(limit).To(Equal(1.0))
		})

		it("uses the mount itself when the cgroup path is not mounted there", func() {
			write("proc/self/cgroup", "0::/system.slice/docker-abc.scope\n")
			write("sys/fs/cgroup/cpu.max", "300000 100000\n")
			Expect(cpuquota.Count(root, 8)).To(Equal(3))
		})

		it("does not leave the mount for a path climbing out of it", func() {
			write("proc/self/cgroup", "0::/../../..\n")
			write("sys/fs/cgroup/cpu.max", "100000 100000\n")
			Expect(cpuquota.Count(root, 8)).To(Equal(1))
		})

		it("never counts more CPUs than the process may run on, nor fewer than 1", func() {
			write("proc/self/cgroup", "0::/\n")
			write("sys/fs/cgroup/cpu.max", "800000 100000\n")
			Expect(cpuquota.Count(root, 2)).To(Equal(2))

			write("sys/fs/cgroup/cpu.max", "10000 100000\n")
			Expect(cpuquota.Count(root, 2)).To(Equal(1))
			Expect(cpuquota.Count(root, 0)).To(Equal(1))
		})
	})

	context("cgroup v1", func() {
		it.Before(func() {
			write("proc/self/cgroup", "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n")
		})

		it("reads the quota and period of the cpu controller", func() {
			write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "250000\n")
			write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n")
			Expect(cpuquota.Count(root, 16)).To(Equal(3))
		})

		it("has no limit on a quota of -1", func() {
			write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n")
			write("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n")
			_, ok, err := cpuquota.Limit(root)
			Expect(err).NotTo(HaveOccurred())
			Expect(ok).To(BeFalse())
		})

		it("follows the cgroup path when the host hierarchy is mounted", func() {
			write("sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us", "50000\n")
			write("sys/fs/cgroup/cpu/docker/abc/cpu.cfs_period_us", "100000\n")
			limit, ok, err := cpuquota.Limit(root)
			Expect(err).NotTo(HaveOccurred())
			Expect(ok).To(BeTrue())
			Expect(limit).To(Equal(0.5))
		})
	})

	it("has no limit without cgroups", func() {
		_, ok, err := cpuquota.Limit(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
		Expect(cpuquota.Count(root, 4)).To(Equal(4))
	})

	it("has no limit when no cpu controller is mounted", func() {
		write("proc/self/cgroup", "1:name=systemd:/\n")
		mkdir("sys/fs/cgroup/memory")
		_, ok, err := cpuquota.Limit(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
	})

	context("failure cases", func() {
		it("fails when /proc/self/cgroup cannot be read", func() {
			mkdir("proc/self/cgroup")
			_, _, err := cpuquota.Limit(root)
			Expect(err).To(MatchError(ContainSubstring("reading " + filepath.Join(root, "proc/self/cgroup"))))
		})

		it("fails on a malformed cpu.max, and Count still gives the CPUs it knows", func() {
			write("sys/fs/cgroup/cgroup.controllers", "cpu\n")
			write("sys/fs/cgroup/cpu.max", "1 2 3\n")
			n, err := cpuquota.Count(root, 4)
			Expect(err).To(MatchError(ContainSubstring(`cpu.max: "1 2 3" is not "<quota> <period>"`)))
			Expect(n).To(Equal(4))
		})

		it("fails on a cpu.max that is not numbers", func() {
			write("sys/fs/cgroup/cgroup.controllers", "cpu\n")
			write("sys/fs/cgroup/cpu.max", "lots 100000\n")
			_, _, err := cpuquota.Limit(root)
			Expect(err).To(MatchError(ContainSubstring(`cpu.max: quota "lots" and period "100000" are not positive whole numbers`)))
		})

		it("fails when cpu.max cannot be read", func() {
			write("sys/fs/cgroup/cgroup.controllers", "cpu\n")
			mkdir("sys/fs/cgroup/cpu.max")
			_, _, err := cpuquota.Limit(root)
			Expect(err).To(MatchError(ContainSubstring("reading " + filepath.Join(root, "sys/fs/cgroup/cpu.max"))))
		})

		it("fails when cpu.cfs_quota_us cannot be read", func() {
			mkdir("sys/fs/cgroup/cpu/cpu.cfs_quota_us")
			_, _, err := cpuquota.Limit(root)
			Expect(err).To(MatchError(ContainSubstring("reading " + filepath.Join(root, "sys/fs/cgroup/cpu/cpu.cfs_quota_us"))))
		})

		it("fails when cpu.cfs_period_us cannot be read", func() {
			write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "100000\n")
			mkdir("sys/fs/cgroup/cpu/cpu.cfs_period_us")
			_, _, err := cpuquota.Limit(root)
			Expect(err).To(MatchError(ContainSubstring("reading " + filepath.Join(root, "sys/fs/cgroup/cpu/cpu.cfs_period_us"))))
		})

		it("fails when cpu.cfs_period_us is missing", func() {
			write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "100000\n")
			_, _, err := cpuquota.Limit(root)
			Expect(err).To(MatchError(ContainSubstring("cpu.cfs_quota_us: cpu.cfs_period_us is missing")))
		})

		it("fails on a v1 period of zero", func() {
			write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "100000\n")
			write("sys/fs/cgroup/cpu/cpu.cfs_period_us", "0\n")
			_, _, err := cpuquota.Limit(root)
			Expect(err).To(MatchError(ContainSubstring(`quota "100000" and period "0" are not positive whole numbers`)))
		})
	})
}
