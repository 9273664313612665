package gunicorn_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

func testStartCommand(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		appDir string
	)

	it.Before(func() {
		appDir = t.TempDir()
		t.Setenv("BP_PYTHON_START_COMMAND", "")
		t.Setenv("PYTHON_STARTUP_COMMAND", "")
	})

	write := func(rel string, mode os.FileMode) {
		path := filepath.Join(appDir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte("#!/bin/sh\n"), mode)).To(Succeed())
	}

	it("finds nothing when neither setting is set", func() {
		_, found, err := gunicorn.ReadStartSetting(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeFalse())
	})

	it("takes a shell command line as it is", func() {
		t.Setenv("BP_PYTHON_START_COMMAND", "  python -m http.server $PORT  ")
		setting, found, err := gunicorn.ReadStartSetting(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		Expect(setting).To(Equal(gunicorn.StartSetting{Name: "BP_PYTHON_START_COMMAND", Command: "python -m http.server $PORT"}))
	})

	it("takes Oryx's PYTHON_STARTUP_COMMAND", func() {
		t.Setenv("PYTHON_STARTUP_COMMAND", "gunicorn hello:app")
		setting, _, err := gunicorn.ReadStartSetting(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(setting).To(Equal(gunicorn.StartSetting{Name: "PYTHON_STARTUP_COMMAND", Command: "gunicorn hello:app"}))
	})

	it("prefers BP_PYTHON_START_COMMAND and names the other as ignored", func() {
		t.Setenv("BP_PYTHON_START_COMMAND", "python a.py")
		t.Setenv("PYTHON_STARTUP_COMMAND", "python b.py")
		setting, _, err := gunicorn.ReadStartSetting(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(setting).To(Equal(gunicorn.StartSetting{Name: "BP_PYTHON_START_COMMAND", Command: "python a.py", Ignored: "PYTHON_STARTUP_COMMAND"}))
	})

	it("runs an executable script at the root as ./script, with its arguments", func() {
		write("startup.sh", 0o755)
		t.Setenv("BP_PYTHON_START_COMMAND", "startup.sh --fast")
		setting, _, err := gunicorn.ReadStartSetting(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(setting.Command).To(Equal("./startup.sh --fast"))
		Expect(setting.Script).To(Equal("startup.sh"))
	})

	it("runs a script in a subdirectory by its path, whatever its name", func() {
		write("bin/serve", 0o755)
		t.Setenv("BP_PYTHON_START_COMMAND", "bin/serve")
		setting, _, err := gunicorn.ReadStartSetting(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(setting.Command).To(Equal("bin/serve"))
		Expect(setting.Script).To(Equal("bin/serve"))
	})

	it("does not check absolute paths, variables or assignments", func() {
		for _, command := range []string{"/usr/bin/env python app.py", "$HOME/start.sh", "FLASK_ENV=prod ./start.sh"} {
			t.Setenv("BP_PYTHON_START_COMMAND", command)
			setting, _, err := gunicorn.ReadStartSetting(appDir)
			Expect(err).NotTo(HaveOccurred(), command)
			Expect(setting.Command).To(Equal(command))
		}
	})

	context("failure cases", func() {
		it("refuses a .sh script that is not in the app", func() {
			t.Setenv("PYTHON_STARTUP_COMMAND", "startup.sh")
			_, _, err := gunicorn.ReadStartSetting(appDir)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err).To(MatchError("PYTHON_STARTUP_COMMAND runs the script startup.sh, which is not a file in the app\n\n" +
				"To fix: add startup.sh to the app (the path is relative to the app's root), or correct PYTHON_STARTUP_COMMAND"))
		})

		it("refuses a script that is a directory", func() {
			Expect(os.Mkdir(filepath.Join(appDir, "run.sh"), 0o755)).To(Succeed())
			t.Setenv("BP_PYTHON_START_COMMAND", "run.sh")
			_, _, err := gunicorn.ReadStartSetting(appDir)
			Expect(err).To(MatchError(ContainSubstring("BP_PYTHON_START_COMMAND runs the script run.sh, which is not a file in the app")))
		})

		it("refuses a script that is not executable, saying chmod +x", func() {
			write("scripts/start.sh", 0o644)
			t.Setenv("BP_PYTHON_START_COMMAND", "scripts/start.sh prod")
			_, _, err := gunicorn.ReadStartSetting(appDir)
			Expect(err).To(MatchError("BP_PYTHON_START_COMMAND runs the script scripts/start.sh, which is not executable\n\n" +
				"To fix: run `chmod +x scripts/start.sh` and commit that (git update-index --chmod=+x scripts/start.sh), " +
				`or set BP_PYTHON_START_COMMAND="bash scripts/start.sh prod"`))
		})

		it("treats any file the command names first as a script", func() {
			write("app.py", 0o644)
			t.Setenv("BP_PYTHON_START_COMMAND", "app.py")
			_, _, err := gunicorn.ReadStartSetting(appDir)
			Expect(err).To(MatchError(ContainSubstring("BP_PYTHON_START_COMMAND runs the script app.py, which is not executable")))
		})
	})
}
