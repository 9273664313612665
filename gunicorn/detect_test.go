package gunicorn_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/sclevine/spec"
)

func testDetect(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect     = NewWithT(t).Expect
		workingDir string
		detect     packit.DetectFunc
	)

	it.Before(func() {
		workingDir = t.TempDir()
		detect = gunicorn.Detect()
	})

	write := func(rel string) {
		path := filepath.Join(workingDir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte("x"), 0o644)).To(Succeed())
	}

	requiresCPythonAtLaunch := packit.BuildPlan{
		Requires: []packit.BuildPlanRequirement{{Name: "cpython", Metadata: map[string]interface{}{"launch": true, "build": true,
			"build-key": plan.KeyOf("gunicorn", gunicorn.GunicornVersion, gunicorn.LayerFormat, "false")}}},
	}

	context("the build key", func() {
		key := func() interface{} {
			result, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
			return result.Plan.Requires[0].Metadata.(map[string]interface{})["build-key"]
		}

		it("changes when the web process starts running gunicorn", func() {
			t.Setenv("BP_PYTHON_START_COMMAND", "")
			t.Setenv("PYTHON_STARTUP_COMMAND", "")
			Expect(os.WriteFile(filepath.Join(workingDir, "main.py"), []byte("if __name__ == '__main__':\n    pass\n"), 0o644)).To(Succeed())
			script := key()
			Expect(os.WriteFile(filepath.Join(workingDir, "app.py"), []byte("def app(environ, start_response):\n    pass\n"), 0o644)).To(Succeed())
			Expect(key()).NotTo(Equal(script))
			Expect(key()).To(Equal(plan.KeyOf("gunicorn", gunicorn.GunicornVersion, gunicorn.LayerFormat, "true")))
		})

		it("is left out when the start command cannot be decided, so that the build says why", func() {
			Expect(os.WriteFile(filepath.Join(workingDir, "Procfile"), []byte("not a procfile line\n"), 0o644)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(workingDir, "main.py"), []byte(""), 0o644)).To(Succeed())
			Expect(key()).To(BeNil())
		})
	})

	it("passes on runtime.txt alone", func() {
		write("runtime.txt")
		result, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Plan).To(Equal(requiresCPythonAtLaunch))
	})

	it("passes on a *.py file at the root", func() {
		write("hello.py")
		result, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Plan).To(Equal(requiresCPythonAtLaunch))
	})

	it("passes on a *.py file in a subdirectory", func() {
		write("src/app/server.py")
		_, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
	})

	context("DISABLE_RECURSIVE_LOOKUP=true", func() {
		it.Before(func() { t.Setenv("DISABLE_RECURSIVE_LOOKUP", "true") })

		it("ignores *.py files below the root", func() {
			write("src/app/server.py")
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(ContainSubstring("no runtime.txt and no *.py file at the app's root (DISABLE_RECURSIVE_LOOKUP=true)")))
		})

		it("still passes on a *.py file at the root", func() {
			write("app.py")
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
		})
	})

	context("failure cases", func() {
		it("fails detection on an app with no Python", func() {
			write("index.js")
			write("node_modules/x/setup.py")
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(packit.Fail.WithMessage("no runtime.txt and no *.py file at the app's root or below it")))
		})

		it("refuses a DISABLE_RECURSIVE_LOOKUP that is not a boolean", func() {
			t.Setenv("DISABLE_RECURSIVE_LOOKUP", "maybe")
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(ContainSubstring(`DISABLE_RECURSIVE_LOOKUP="maybe" is not a boolean`)))
		})

		it("returns I/O errors instead of failing detection", func() {
			_, err := detect(packit.DetectContext{WorkingDir: filepath.Join(workingDir, "missing")})
			Expect(err).To(MatchError(ContainSubstring("scanning")))
		})

		it("returns an error when runtime.txt cannot be checked", func() {
			Expect(os.Chmod(workingDir, 0o000)).To(Succeed())
			defer os.Chmod(workingDir, 0o755)
			if os.Geteuid() == 0 {
				t.Skip("root reads anything")
			}
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(HaveOccurred())
		})
	})
}
