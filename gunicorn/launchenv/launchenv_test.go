package launchenv_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/gunicorn/launchenv"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitLaunchenv(t *testing.T) {
	spec.Run(t, "launchenv", testLaunchenv, spec.Report(report.Terminal{}), spec.Sequential())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("bad file descriptor") }

func testLaunchenv(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect   = NewWithT(t).Expect
		appDir   string
		log      *bytes.Buffer
		cpus     launchenv.CPUCounter
		writable launchenv.Writable
		// dirs are the directories writable says yes to.
		dirs map[string]bool
	)

	it.Before(func() {
		appDir = t.TempDir()
		log = bytes.NewBuffer(nil)
		cpus = func() (int, error) { return 2, nil }
		dirs = map[string]bool{}
		writable = func(dir string) bool { return dirs[dir] }
		for _, name := range []string{"PORT", "GUNICORN_CMD_ARGS", "PYTHON_GUNICORN_TIMEOUT", "PYTHON_ENABLE_GUNICORN_MULTIWORKERS",
			"PYTHON_GUNICORN_CUSTOM_WORKER_NUM", "PYTHON_GUNICORN_CUSTOM_THREAD_NUM", "PYTHON_CNB_GUNICORN_DEFAULTS",
			"PYTHON_CNB_GUNICORN_CONTROL_SOCKET"} {
			t.Setenv(name, "")
		}
		t.Setenv("HOME", "/home/cnb")
	})

	compute := func() map[string]string {
		vars, err := launchenv.Compute(appDir, cpus, writable, log)
		Expect(err).NotTo(HaveOccurred())
		return vars
	}

	context("a process the user gave", func() {
		it("sets PORT to 8000 when unset, and nothing else", func() {
			Expect(compute()).To(Equal(map[string]string{"PORT": "8000"}))
		})

		it("leaves a PORT that is set alone", func() {
			t.Setenv("PORT", "8080")
			Expect(compute()).To(BeEmpty())
		})

		it("ignores the gunicorn settings", func() {
			t.Setenv("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "true")
			dirs["/dev/shm"] = true
			Expect(compute()).To(Equal(map[string]string{"PORT": "8000"}))
		})
	})

	context("a process the user gave that runs gunicorn", func() {
		it.Before(func() {
			t.Setenv("PYTHON_CNB_GUNICORN_DEFAULTS", "platform")
			t.Setenv("PYTHON_CNB_GUNICORN_CONTROL_SOCKET", "true")
			t.Setenv("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "true")
			dirs["/dev/shm"] = true
		})

		it("gets only what a read-only root and an arbitrary user need: heartbeat files and the control socket in /dev/shm", func() {
			Expect(compute()).To(Equal(map[string]string{"PORT": "8000",
				"GUNICORN_CMD_ARGS": "--worker-tmp-dir /dev/shm --control-socket /dev/shm/gunicorn.ctl"}))
		})

		it("leaves the control socket in a writable home", func() {
			dirs["/home/cnb"] = true
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", "--worker-tmp-dir /dev/shm"))
		})

		it("goes by the socket's own directory when the home has one", func() {
			home := t.TempDir()
			t.Setenv("HOME", home)
			Expect(os.Mkdir(filepath.Join(home, ".gunicorn"), 0o755)).To(Succeed())
			dirs[home] = true
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", ContainSubstring("--control-socket /dev/shm/gunicorn.ctl")))
			dirs[filepath.Join(home, ".gunicorn")] = true
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", "--worker-tmp-dir /dev/shm"))
		})

		it("turns the control socket off when /dev/shm is not writable either, and leaves the heartbeat files alone", func() {
			dirs["/dev/shm"] = false
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", "--no-control-socket"))
		})

		it("leaves out the control socket for a gunicorn without one", func() {
			t.Setenv("PYTHON_CNB_GUNICORN_CONTROL_SOCKET", "")
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", "--worker-tmp-dir /dev/shm"))
		})

		it("leaves alone what the user's GUNICORN_CMD_ARGS or gunicorn.conf.py set", func() {
			t.Setenv("GUNICORN_CMD_ARGS", "--worker-tmp-dir=/run/gunicorn --no-control-socket")
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", "--worker-tmp-dir=/run/gunicorn --no-control-socket"))
			t.Setenv("GUNICORN_CMD_ARGS", "")
			Expect(os.WriteFile(filepath.Join(appDir, "gunicorn.conf.py"), []byte("worker_tmp_dir = '/run'\ncontrol_socket = '/run/g.ctl'\n"), 0o644)).To(Succeed())
			Expect(compute()).To(Equal(map[string]string{"PORT": "8000"}))
		})
	})

	context("the web process started with gunicorn", func() {
		it.Before(func() {
			t.Setenv("PYTHON_CNB_GUNICORN_DEFAULTS", "true")
		})

		it("binds to PORT on every interface, logs to the console and times out after 120 s", func() {
			Expect(compute()).To(Equal(map[string]string{
				"PORT":              "8000",
				"GUNICORN_CMD_ARGS": "--bind 0.0.0.0:8000 --access-logfile - --error-logfile - --timeout 120",
			}))
		})

		it("binds to the PORT given at run time", func() {
			t.Setenv("PORT", "9000")
			Expect(compute()).To(Equal(map[string]string{
				"GUNICORN_CMD_ARGS": "--bind 0.0.0.0:9000 --access-logfile - --error-logfile - --timeout 120",
			}))
		})

		it("takes the timeout from PYTHON_GUNICORN_TIMEOUT, 0 included", func() {
			t.Setenv("PYTHON_GUNICORN_TIMEOUT", "0")
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", ContainSubstring("--timeout 0")))
		})

		it("puts the user's GUNICORN_CMD_ARGS after its own, so theirs win", func() {
			t.Setenv("GUNICORN_CMD_ARGS", "--timeout 30 --log-level debug")
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS",
				"--bind 0.0.0.0:8000 --access-logfile - --error-logfile - --timeout 120 --timeout 30 --log-level debug"))
		})

		it("leaves out its --bind when the user's GUNICORN_CMD_ARGS binds, as gunicorn would listen on both", func() {
			t.Setenv("GUNICORN_CMD_ARGS", "-b unix:/tmp/app.sock")
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS",
				"--access-logfile - --error-logfile - --timeout 120 -b unix:/tmp/app.sock"))
		})

		context("PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true", func() {
			it.Before(func() {
				t.Setenv("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "TRUE")
			})

			it("runs 2 × CPUs + 1 workers and says so", func() {
				Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", HaveSuffix("--timeout 120 --workers 5")))
				Expect(log.String()).To(Equal("python-cnb: PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true: 5 gunicorn workers for 2 CPUs (set PYTHON_GUNICORN_CUSTOM_WORKER_NUM to choose)\n"))
			})

			it("takes the worker and thread counts from the settings", func() {
				t.Setenv("PYTHON_GUNICORN_CUSTOM_WORKER_NUM", "3")
				t.Setenv("PYTHON_GUNICORN_CUSTOM_THREAD_NUM", " 4 ")
				cpus = func() (int, error) { panic("CPUs counted though the worker count is set") }
				Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", HaveSuffix("--workers 3 --threads 4")))
				Expect(log.String()).To(BeEmpty())
			})

			it("warns and uses the CPUs it knows when the cgroup limit cannot be read", func() {
				cpus = func() (int, error) { return 4, errors.New("reading cpu.max: garbage") }
				Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", HaveSuffix("--workers 9")))
				Expect(log.String()).To(ContainSubstring("python-cnb: counting CPUs from the cgroup limit failed, using 4: reading cpu.max: garbage\n"))
			})
		})

		it("ignores worker and thread counts without PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true, and says so", func() {
			t.Setenv("PYTHON_GUNICORN_CUSTOM_WORKER_NUM", "3")
			t.Setenv("PYTHON_GUNICORN_CUSTOM_THREAD_NUM", "2")
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", Not(ContainSubstring("--workers"))))
			Expect(log.String()).To(Equal(
				"python-cnb: PYTHON_GUNICORN_CUSTOM_WORKER_NUM is ignored unless PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true\n" +
					"python-cnb: PYTHON_GUNICORN_CUSTOM_THREAD_NUM is ignored unless PYTHON_ENABLE_GUNICORN_MULTIWORKERS=true\n"))
		})

		context("the app has gunicorn.conf.py", func() {
			it.Before(func() {
				Expect(os.WriteFile(filepath.Join(appDir, "gunicorn.conf.py"), []byte("bind = '0.0.0.0:5000'\n"), 0o644)).To(Succeed())
			})

			it("adds no flags of its own, so the file's bind, timeout and logging hold", func() {
				Expect(compute()).To(Equal(map[string]string{"PORT": "8000"}))
			})

			it("adds the settings the user gave explicitly", func() {
				t.Setenv("PYTHON_GUNICORN_TIMEOUT", "60")
				t.Setenv("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "true")
				t.Setenv("PYTHON_GUNICORN_CUSTOM_WORKER_NUM", "2")
				t.Setenv("GUNICORN_CMD_ARGS", "--log-level info")
				Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", "--timeout 60 --workers 2 --log-level info"))
			})
		})

		it("adds the platform flags after its own, before the user's", func() {
			dirs["/dev/shm"] = true
			t.Setenv("GUNICORN_CMD_ARGS", "--log-level debug")
			Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS",
				"--bind 0.0.0.0:8000 --access-logfile - --error-logfile - --timeout 120 --worker-tmp-dir /dev/shm --log-level debug"))
		})

		it("treats a config file named in the user's GUNICORN_CMD_ARGS like gunicorn.conf.py", func() {
			for _, flags := range []string{"-c conf/prod.py", "-cconf/prod.py", "--config conf/prod.py", "--config=conf/prod.py"} {
				t.Setenv("GUNICORN_CMD_ARGS", flags)
				Expect(compute()).To(HaveKeyWithValue("GUNICORN_CMD_ARGS", flags), flags)
			}
		})
	})

	it("writes the variables as exec.d's TOML", func() {
		var out bytes.Buffer
		vars := map[string]string{"PORT": "8000", "GUNICORN_CMD_ARGS": `--bind 0.0.0.0:8000 --log-config "my conf.ini"`}
		Expect(launchenv.WriteTOML(&out, vars)).To(Succeed())
		decoded := map[string]string{}
		_, err := toml.Decode(out.String(), &decoded)
		Expect(err).NotTo(HaveOccurred())
		Expect(decoded).To(Equal(vars))
		Expect(out.String()).To(ContainSubstring(`PORT = "8000"`))
	})

	context("failure cases", func() {
		it("refuses a PORT that is not a port number", func() {
			for _, port := range []string{"http", "0", "70000"} {
				t.Setenv("PORT", port)
				_, err := launchenv.Compute(appDir, cpus, writable, log)
				Expect(err).To(MatchError(`PORT="` + port + `" is not a port number` + "\n\nTo fix: set PORT to a number from 1 to 65535, or unset it (default 8000)"))
			}
		})

		it("refuses a PYTHON_CNB_GUNICORN_DEFAULTS it does not know", func() {
			t.Setenv("PYTHON_CNB_GUNICORN_DEFAULTS", "yes")
			_, err := launchenv.Compute(appDir, cpus, writable, log)
			Expect(err).To(MatchError(`PYTHON_CNB_GUNICORN_DEFAULTS="yes" is neither true nor platform`))
		})

		context("on the gunicorn web process", func() {
			it.Before(func() {
				t.Setenv("PYTHON_CNB_GUNICORN_DEFAULTS", "true")
			})

			it("refuses a PYTHON_ENABLE_GUNICORN_MULTIWORKERS that is not a boolean", func() {
				t.Setenv("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "1")
				_, err := launchenv.Compute(appDir, cpus, writable, log)
				Expect(err).To(MatchError(ContainSubstring(`PYTHON_ENABLE_GUNICORN_MULTIWORKERS="1" is not a boolean`)))
				Expect(err).To(MatchError(ContainSubstring("set PYTHON_ENABLE_GUNICORN_MULTIWORKERS to true or false")))
			})

			it("refuses a worker count that is not a number", func() {
				t.Setenv("PYTHON_GUNICORN_CUSTOM_WORKER_NUM", "four")
				_, err := launchenv.Compute(appDir, cpus, writable, log)
				Expect(err).To(MatchError(`PYTHON_GUNICORN_CUSTOM_WORKER_NUM="four" is not a whole number of at least 1` +
					"\n\nTo fix: set PYTHON_GUNICORN_CUSTOM_WORKER_NUM to a whole number of at least 1, or unset it (default: 2 × CPUs + 1)"))
			})

			it("refuses a thread count of 0", func() {
				t.Setenv("PYTHON_GUNICORN_CUSTOM_THREAD_NUM", "0")
				_, err := launchenv.Compute(appDir, cpus, writable, log)
				Expect(err).To(MatchError(ContainSubstring(`PYTHON_GUNICORN_CUSTOM_THREAD_NUM="0" is not a whole number of at least 1`)))
			})

			it("refuses a timeout that is not a number", func() {
				t.Setenv("PYTHON_GUNICORN_TIMEOUT", "2m")
				_, err := launchenv.Compute(appDir, cpus, writable, log)
				Expect(err).To(MatchError(`PYTHON_GUNICORN_TIMEOUT="2m" is not a whole number of at least 0` +
					"\n\nTo fix: set PYTHON_GUNICORN_TIMEOUT to a whole number of at least 0, or unset it (default 120; 0 means no timeout)"))
			})
		})

		it("fails when the output cannot be written", func() {
			err := launchenv.WriteTOML(failingWriter{}, map[string]string{"PORT": "8000"})
			Expect(err).To(MatchError("writing the exec.d output: bad file descriptor"))
		})
	})
}
