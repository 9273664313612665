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
			"build-key": plan.KeyOf("start", gunicorn.LayerFormat, "")}}},
	}

	it.Before(func() {
		t.Setenv("BP_PYTHON_START_COMMAND", "")
		t.Setenv("PYTHON_STARTUP_COMMAND", "")
		t.Setenv("DISABLE_FASTAPI_DETECTION", "")
	})

	context("the build key", func() {
		key := func() interface{} {
			result, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
			return result.Plan.Requires[0].Metadata.(map[string]interface{})["build-key"]
		}
		source := func(rel, content string) {
			Expect(os.WriteFile(filepath.Join(workingDir, rel), []byte(content), 0o644)).To(Succeed())
		}

		it("changes when the web process starts running gunicorn, or serves ASGI rather than WSGI", func() {
			source("main.py", "if __name__ == '__main__':\n    pass\n")
			script := key()
			source("app.py", "def app(environ, start_response):\n    pass\n")
			wsgi := key()
			Expect(wsgi).NotTo(Equal(script))
			Expect(wsgi).To(HavePrefix("start:"))
			source("app.py", "async def app(scope, receive, send):\n    pass\n")
			Expect(key()).NotTo(Equal(wsgi))
			t.Setenv("DISABLE_FASTAPI_DETECTION", "true")
			Expect(key()).NotTo(Equal(wsgi), "the module changed")
			source("app.py", "def app(environ, start_response):\n    pass\n")
			Expect(key()).To(Equal(wsgi))
		})

		it("changes when a module the processes import first changes, and not for other files", func() {
			source("app.py", "def app(environ, start_response):\n    pass\n")
			before := key()
			source("helpers.py", "x = 1\n")
			Expect(key()).To(Equal(before))
			source("app.py", "def app(environ, start_response):\n    return []\n")
			Expect(key()).NotTo(Equal(before))
		})

		it("changes when a Procfile names another server", func() {
			source("api.py", "")
			source("Procfile", "web: uvicorn api:app\n")
			uvicorn := key()
			source("Procfile", "web: hypercorn api:app\n")
			Expect(key()).NotTo(Equal(uvicorn))
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

		it("refuses a DISABLE_FASTAPI_DETECTION that is not a boolean", func() {
			write("app.py")
			t.Setenv("DISABLE_FASTAPI_DETECTION", "maybe")
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(ContainSubstring(`DISABLE_FASTAPI_DETECTION="maybe" is not a boolean`)))
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
