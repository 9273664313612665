package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitExecD(t *testing.T) {
	spec.Run(t, "execd", testExecD, spec.Report(report.Terminal{}), spec.Sequential())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("bad file descriptor") }

func testExecD(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect         = NewWithT(t).Expect
		root           string
		stdout, stderr *bytes.Buffer
	)

	it.Before(func() {
		root = t.TempDir()
		stdout, stderr = bytes.NewBuffer(nil), bytes.NewBuffer(nil)
		for _, name := range []string{"PORT", "GUNICORN_CMD_ARGS", "PYTHON_GUNICORN_TIMEOUT", "PYTHON_ENABLE_GUNICORN_MULTIWORKERS",
			"PYTHON_GUNICORN_CUSTOM_WORKER_NUM", "PYTHON_GUNICORN_CUSTOM_THREAD_NUM", "PYTHON_CNB_GUNICORN_DEFAULTS"} {
			t.Setenv(name, "")
		}
	})

	it("prints the variables as TOML", func() {
		Expect(run(root, stdout, stderr)).To(Equal(0))
		Expect(stdout.String()).To(Equal("PORT = \"8000\"\n"))
		Expect(stderr.String()).To(BeEmpty())
	})

	it("sizes the workers from the cgroup CPU limit below root", func() {
		Expect(os.MkdirAll(filepath.Join(root, "sys/fs/cgroup"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(root, "sys/fs/cgroup/cgroup.controllers"), []byte("cpu\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(root, "sys/fs/cgroup/cpu.max"), []byte("100000 100000\n"), 0o644)).To(Succeed())
		t.Setenv("PYTHON_CNB_GUNICORN_DEFAULTS", "true")
		t.Setenv("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "true")
		Expect(run(root, stdout, stderr)).To(Equal(0))
		Expect(stdout.String()).To(ContainSubstring("--workers 3"))
		Expect(stderr.String()).To(ContainSubstring("3 gunicorn workers for 1 CPU (set"))
	})

	it("tells a writable directory from one that is not, or that is missing", func() {
		dir := t.TempDir()
		Expect(writable(dir)).To(BeTrue())
		Expect(writable(filepath.Join(dir, "missing"))).To(BeFalse())
		Expect(os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)).To(Succeed())
		Expect(writable(filepath.Join(dir, "file"))).To(BeFalse())
		if os.Geteuid() != 0 {
			Expect(os.Chmod(dir, 0o555)).To(Succeed())
			defer os.Chmod(dir, 0o755)
			Expect(writable(dir)).To(BeFalse())
		}
	})

	context("failure cases", func() {
		it("exits 1 naming a bad setting, printing nothing on fd 3", func() {
			t.Setenv("PYTHON_CNB_GUNICORN_DEFAULTS", "true")
			t.Setenv("PYTHON_GUNICORN_CUSTOM_THREAD_NUM", "many")
			Expect(run(root, stdout, stderr)).To(Equal(1))
			Expect(stdout.String()).To(BeEmpty())
			Expect(stderr.String()).To(HavePrefix(`python-cnb: PYTHON_GUNICORN_CUSTOM_THREAD_NUM="many" is not a whole number of at least 1`))
		})

		it("exits 1 when fd 3 cannot be written", func() {
			Expect(run(root, failingWriter{}, stderr)).To(Equal(1))
			Expect(stderr.String()).To(Equal("python-cnb: writing the exec.d output: bad file descriptor\n"))
		})
	})
}
