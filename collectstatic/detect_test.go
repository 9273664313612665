package collectstatic_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/collectstatic"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/sclevine/spec"
)

func testDetect(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		workingDir string
		detect     packit.DetectFunc
	)

	it.Before(func() {
		workingDir = t.TempDir()
		detect = collectstatic.Detect()
	})

	context("when manage.py is at the app's root", func() {
		it.Before(func() {
			Expect(os.WriteFile(filepath.Join(workingDir, "manage.py"), []byte("#!/usr/bin/env python\n"), 0o644)).To(Succeed())
		})

		it("requires CPython and site-packages at build, and provides nothing", func() {
			result, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Plan).To(Equal(packit.BuildPlan{
				Requires: []packit.BuildPlanRequirement{
					{Name: plan.CPython, Metadata: map[string]interface{}{"build": true}},
					{Name: plan.SitePackages, Metadata: map[string]interface{}{"build": true}},
				},
			}))
		})

		it("still passes with DISABLE_COLLECTSTATIC=true, so that build logs the skip", func() {
			t.Setenv("DISABLE_COLLECTSTATIC", "true")
			result, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Plan.Requires).To(HaveLen(2))
		})

		it("passes when manage.py is a symlink to a file", func() {
			Expect(os.Rename(filepath.Join(workingDir, "manage.py"), filepath.Join(workingDir, "real_manage.py"))).To(Succeed())
			Expect(os.Symlink("real_manage.py", filepath.Join(workingDir, "manage.py"))).To(Succeed())
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
		})
	})

	context("when there is no manage.py at the root", func() {
		it("fails, saying so", func() {
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(packit.Fail.WithMessage("no manage.py at the app's root")))
		})

		it("does not look below the root", func() {
			Expect(os.MkdirAll(filepath.Join(workingDir, "src"), 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(workingDir, "src", "manage.py"), nil, 0o644)).To(Succeed())
			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(packit.Fail.WithMessage("no manage.py at the app's root")))
		})
	})

	context("failure cases", func() {
		context("when the app's directory cannot be read", func() {
			it("returns the I/O error rather than failing detection", func() {
				notADir := filepath.Join(workingDir, "file")
				Expect(os.WriteFile(notADir, nil, 0o644)).To(Succeed())

				_, err := detect(packit.DetectContext{WorkingDir: notADir})
				Expect(err).To(MatchError(ContainSubstring("checking for manage.py")))
				Expect(err).NotTo(MatchError(packit.Fail))
			})
		})
	})
}
