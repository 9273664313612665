package hooks_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/sclevine/spec"
)

func testDetect(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect     = NewWithT(t).Expect
		workingDir string
	)

	it.Before(func() {
		clearSettings(t)
		workingDir = t.TempDir()
	})

	cpython := []packit.BuildPlanRequirement{{Name: plan.CPython, Metadata: map[string]interface{}{"build": true}}}
	wantPlan := map[hooks.Phase]packit.BuildPlan{
		hooks.Pre: {Requires: cpython, Or: []packit.BuildPlan{{}}},
		hooks.Post: {
			Requires: append(cpython, packit.BuildPlanRequirement{Name: plan.SitePackages, Metadata: map[string]interface{}{"build": true}}),
			Or:       []packit.BuildPlan{{Requires: cpython}, {}},
		},
	}

	for _, c := range []struct {
		phase  hooks.Phase
		detect func() packit.DetectFunc
		env    string
	}{
		{hooks.Pre, hooks.PreDetect, hooks.PreBuildCommandEnv},
		{hooks.Pre, hooks.PreDetect, hooks.PreBuildScriptPathEnv},
		{hooks.Post, hooks.PostDetect, hooks.PostBuildCommandEnv},
		{hooks.Post, hooks.PostDetect, hooks.PostBuildScriptPathEnv},
	} {
		c := c
		it("passes for "+string(c.phase)+" when "+c.env+" is set, requiring CPython (and after the installer, site-packages) at build, or less in a group without them", func() {
			t.Setenv(c.env, "scripts/anything.sh")
			result, err := c.detect()(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Plan).To(Equal(wantPlan[c.phase]))
		})
	}

	it("does not check that the script exists: the build reports that", func() {
		t.Setenv(hooks.PostBuildScriptPathEnv, "no/such/script.sh")
		_, err := hooks.PostDetect()(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
	})

	it("does not pass for one phase on the other phase's settings", func() {
		t.Setenv(hooks.PostBuildCommandEnv, "echo post")
		_, err := hooks.PreDetect()(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).To(MatchError(packit.Fail.WithMessage("PRE_BUILD_COMMAND and PRE_BUILD_SCRIPT_PATH are unset: there is no pre-build hook to run")))
	})

	context("failure cases", func() {
		it("fails, naming both settings, when neither is set", func() {
			_, err := hooks.PostDetect()(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(packit.Fail.WithMessage("POST_BUILD_COMMAND and POST_BUILD_SCRIPT_PATH are unset: there is no post-build hook to run")))
		})

		it("fails when the settings hold only whitespace", func() {
			t.Setenv(hooks.PreBuildCommandEnv, "  \n\t")
			t.Setenv(hooks.PreBuildScriptPathEnv, " ")
			_, err := hooks.PreDetect()(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(packit.Fail.WithMessage("PRE_BUILD_COMMAND and PRE_BUILD_SCRIPT_PATH are unset: there is no pre-build hook to run")))
		})

		it("returns an error for an unknown phase", func() {
			_, err := hooks.Detect(hooks.Phase("mid-build"))(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(`unknown hook phase "mid-build"`))
		})
	})
}
