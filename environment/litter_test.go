package environment_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/environment"
	"github.com/sclevine/spec"
)

func testLitter(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("removes only what appeared, two levels deep at most, and not in hidden directories", func() {
		app := t.TempDir()
		for _, dir := range []string{"build", "node_modules/x/build", ".git/build"} {
			Expect(os.MkdirAll(filepath.Join(app, dir), 0o755)).To(Succeed())
		}
		before, err := environment.SnapshotLitter(app)
		Expect(err).NotTo(HaveOccurred())
		for _, dir := range []string{"app.egg-info", "src/app.egg-info", "src/pkg/build", ".cache/build"} {
			Expect(os.MkdirAll(filepath.Join(app, dir), 0o755)).To(Succeed())
		}
		var log bytes.Buffer
		Expect(environment.RemoveLitter(app, before, scribe.NewEmitter(&log))).To(Succeed())
		Expect(filepath.Join(app, "app.egg-info")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(app, "src", "app.egg-info")).NotTo(BeAnExistingFile())
		for _, kept := range []string{"build", "src/pkg/build", ".cache/build", "node_modules/x/build"} {
			Expect(filepath.Join(app, kept)).To(BeADirectory())
		}
		Expect(log.String()).To(ContainSubstring("app.egg-info, src/app.egg-info"))
	})

	it("says nothing when nothing appeared, and fails on an app it cannot read", func() {
		app := t.TempDir()
		before, err := environment.SnapshotLitter(app)
		Expect(err).NotTo(HaveOccurred())
		var log bytes.Buffer
		Expect(environment.RemoveLitter(app, before, scribe.NewEmitter(&log))).To(Succeed())
		Expect(log.String()).To(BeEmpty())
		_, err = environment.SnapshotLitter(filepath.Join(app, "missing"))
		Expect(err).To(HaveOccurred())
	})
}
