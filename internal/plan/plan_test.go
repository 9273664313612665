package plan_test

import (
	"testing"

	"github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitPlan(t *testing.T) {
	spec.Run(t, "plan", func(t *testing.T, context spec.G, it spec.S) {
		Expect := gomega.NewWithT(t).Expect

		it("uses the plan names other CNB Python buildpacks use", func() {
			Expect(plan.CPython).To(gomega.Equal("cpython"))
			Expect(plan.SitePackages).To(gomega.Equal("site-packages"))
		})
	}, spec.Report(report.Terminal{}))
}
