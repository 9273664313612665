package cpython_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/cpython"
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
		detect = cpython.Detect()
	})

	it("provides cpython and requires nothing, even in an empty app", func() {
		result, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Plan).To(Equal(packit.BuildPlan{
			Provides: []packit.BuildPlanProvision{{Name: plan.CPython}},
		}))
	})

	context("when the app has version files", func() {
		it("still only provides cpython", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python-3.12\n")).To(Succeed())

			result, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Plan.Provides).To(ConsistOf(packit.BuildPlanProvision{Name: plan.CPython}))
			Expect(result.Plan.Requires).To(BeEmpty())
			Expect(result.Plan.Or).To(BeEmpty())
		})
	})
}
