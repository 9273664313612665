package plan_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitBuildNeeds(t *testing.T) {
	spec.Run(t, "buildneeds", func(t *testing.T, context spec.G, it spec.S) {
		Expect := NewWithT(t).Expect
		entry := func(metadata map[string]interface{}) packit.BuildpackPlanEntry {
			return packit.BuildpackPlanEntry{Name: plan.CPython, Metadata: metadata}
		}

		it("collects the keys of keyed build requirements, sorted", func() {
			use := plan.BuildNeeds([]packit.BuildpackPlanEntry{
				entry(map[string]interface{}{"build": true, plan.BuildKey: "pip:2"}),
				entry(map[string]interface{}{"launch": true}),
				entry(map[string]interface{}{"build": true, plan.BuildKey: "gunicorn:1"}),
			})
			Expect(use.Always).To(BeFalse())
			Expect(use.Keys).To(Equal([]string{"gunicorn:1", "pip:2"}))
			Expect(use.Any()).To(BeTrue())
		})

		it("needs the layer always when a build requirement has no key", func() {
			use := plan.BuildNeeds([]packit.BuildpackPlanEntry{
				entry(map[string]interface{}{"build": true, plan.BuildKey: "pip:2"}),
				entry(map[string]interface{}{"build": true}),
			})
			Expect(use.Always).To(BeTrue())
			Expect(use.Any()).To(BeTrue())
		})

		it("needs nothing at build for launch requirements", func() {
			use := plan.BuildNeeds([]packit.BuildpackPlanEntry{entry(map[string]interface{}{"launch": true}), entry(nil)})
			Expect(use.Any()).To(BeFalse())
		})

		it("digests the key set independently of order", func() {
			a := plan.BuildNeeds([]packit.BuildpackPlanEntry{
				entry(map[string]interface{}{"build": true, plan.BuildKey: "a"}),
				entry(map[string]interface{}{"build": true, plan.BuildKey: "b"}),
			})
			b := plan.BuildNeeds([]packit.BuildpackPlanEntry{
				entry(map[string]interface{}{"build": true, plan.BuildKey: "b"}),
				entry(map[string]interface{}{"build": true, plan.BuildKey: "a"}),
			})
			c := plan.BuildNeeds([]packit.BuildpackPlanEntry{entry(map[string]interface{}{"build": true, plan.BuildKey: "a"})})
			Expect(a.Digest()).To(Equal(b.Digest()))
			Expect(a.Digest()).NotTo(Equal(c.Digest()))
		})

		it("hashes key parts, so that no value shows", func() {
			key := plan.KeyOf("pip", "https://user:secret@example.com/simple")
			Expect(key).To(HavePrefix("pip:"))
			Expect(key).NotTo(ContainSubstring("secret"))
			Expect(plan.KeyOf("pip", "a", "b")).NotTo(Equal(plan.KeyOf("pip", "ab")))
		})
	}, spec.Report(report.Terminal{}))
}
