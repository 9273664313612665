package settings_test

import (
	"runtime"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitSettings(t *testing.T) {
	suite := spec.New("settings", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Settings", testSettings)
	suite("Check", testCheck)
	suite.Run(t)
}

func testSettings(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	context("TargetArch", func() {
		it("prefers CNB_TARGET_ARCH", func() {
			t.Setenv("CNB_TARGET_ARCH", "arm64")
			t.Setenv("BP_ARCH", "amd64")
			Expect(settings.TargetArch()).To(Equal("arm64"))
		})

		it("falls back to BP_ARCH", func() {
			t.Setenv("CNB_TARGET_ARCH", "")
			t.Setenv("BP_ARCH", "arm64")
			Expect(settings.TargetArch()).To(Equal("arm64"))
		})

		it("falls back to the architecture of this binary", func() {
			t.Setenv("CNB_TARGET_ARCH", "")
			t.Setenv("BP_ARCH", "")
			Expect(settings.TargetArch()).To(Equal(runtime.GOARCH))
		})
	})

	context("Bool", func() {
		it("gives the default when unset or empty", func() {
			v, err := settings.Bool("PYCNB_TEST_FLAG", true)
			Expect(err).NotTo(HaveOccurred())
			Expect(v).To(BeTrue())

			t.Setenv("PYCNB_TEST_FLAG", " ")
			v, err = settings.Bool("PYCNB_TEST_FLAG", false)
			Expect(err).NotTo(HaveOccurred())
			Expect(v).To(BeFalse())
		})

		it("reads true and false in any case", func() {
			t.Setenv("PYCNB_TEST_FLAG", "TRUE")
			v, err := settings.Bool("PYCNB_TEST_FLAG", false)
			Expect(err).NotTo(HaveOccurred())
			Expect(v).To(BeTrue())

			t.Setenv("PYCNB_TEST_FLAG", "False")
			v, err = settings.Bool("PYCNB_TEST_FLAG", true)
			Expect(err).NotTo(HaveOccurred())
			Expect(v).To(BeFalse())
		})

		context("failure cases", func() {
			it("names the setting and the accepted values", func() {
				t.Setenv("PYCNB_TEST_FLAG", "yes")
				_, err := settings.Bool("PYCNB_TEST_FLAG", false)
				Expect(err).To(MatchError(ContainSubstring(`PYCNB_TEST_FLAG="yes" is not a boolean`)))
				Expect(err).To(MatchError(ContainSubstring("set PYCNB_TEST_FLAG to true or false")))
			})
		})
	})

	context("First", func() {
		it("returns the first non-empty setting and its name", func() {
			t.Setenv("PYCNB_A", "")
			t.Setenv("PYCNB_B", "3.11")
			v, name := settings.First("PYCNB_A", "PYCNB_B")
			Expect(v).To(Equal("3.11"))
			Expect(name).To(Equal("PYCNB_B"))
		})

		it("returns nothing when none is set", func() {
			v, name := settings.First("PYCNB_UNSET_1", "PYCNB_UNSET_2")
			Expect(v).To(BeEmpty())
			Expect(name).To(BeEmpty())
		})
	})
}
