package gunicorn_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/sclevine/spec"
)

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect     = NewWithT(t).Expect
		workingDir string
		buffer     *bytes.Buffer
		build      packit.BuildFunc
		ctx        packit.BuildContext
	)

	it.Before(func() {
		workingDir = t.TempDir()
		buffer = bytes.NewBuffer(nil)
		build = gunicorn.Build(scribe.NewEmitter(buffer))
		ctx = packit.BuildContext{
			WorkingDir:    workingDir,
			BuildpackInfo: packit.BuildpackInfo{Name: "Python CNB: start command", Version: "1.2.3"},
		}
	})

	it("runs app.py with python", func() {
		Expect(os.WriteFile(filepath.Join(workingDir, "app.py"), nil, 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(workingDir, "main.py"), nil, 0o644)).To(Succeed())
		result, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Launch.DirectProcesses).To(Equal([]packit.DirectProcess{
			{Type: "web", Command: []string{"python", "app.py"}, Default: true},
		}))
		Expect(buffer.String()).To(ContainSubstring("Python CNB: start command 1.2.3"))
		Expect(buffer.String()).To(ContainSubstring("Found app.py"))
		Expect(buffer.String()).To(ContainSubstring("web (default): python app.py"))
	})

	it("falls back to main.py", func() {
		Expect(os.WriteFile(filepath.Join(workingDir, "main.py"), nil, 0o644)).To(Succeed())
		result, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Launch.DirectProcesses[0].Command).To(Equal([]string{"python", "main.py"}))
	})

	it("sets no process and says what it looked for", func() {
		result, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Launch.DirectProcesses).To(BeEmpty())
		Expect(buffer.String()).To(ContainSubstring("No web process: none of app.py, main.py is at the app's root."))
	})

	context("failure cases", func() {
		it("returns an error when the app dir cannot be read", func() {
			ctx.WorkingDir = string([]byte{0})
			_, err := build(ctx)
			Expect(err).To(HaveOccurred())
		})
	})
}
