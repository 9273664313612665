package settings_test

import (
	"errors"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/sclevine/spec"
)

func testCheck(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect
	checks := []settings.Check{
		settings.BoolCheck("PYCNB_TEST_A"),
		settings.BoolCheck("PYCNB_TEST_B"),
		{Name: "PYCNB_TEST_PATH", Validate: func(appDir string) error {
			if appDir != "/workspace" {
				return errors.New("wrong app dir")
			}
			return errs.New("PYCNB_TEST_PATH points outside the app", "fix it")
		}},
	}

	it.Before(func() {
		for _, name := range []string{"PYCNB_TEST_A", "PYCNB_TEST_B", "PYCNB_TEST_PATH"} {
			t.Setenv(name, "")
		}
	})

	it("passes when the settings that are set are valid, and skips the ones unset", func() {
		t.Setenv("PYCNB_TEST_A", "true")
		Expect(settings.Validate("/workspace", checks)).To(Succeed())
	})

	it("returns the one error of a single bad setting", func() {
		t.Setenv("PYCNB_TEST_A", "yes")
		err := settings.Validate("/workspace", checks)
		Expect(err).To(MatchError(ContainSubstring(`PYCNB_TEST_A="yes" is not a boolean`)))
	})

	it("names every bad setting at once", func() {
		t.Setenv("PYCNB_TEST_A", "yes")
		t.Setenv("PYCNB_TEST_B", "no")
		t.Setenv("PYCNB_TEST_PATH", "../x")
		err := settings.Validate("/workspace", checks)
		Expect(errs.IsUser(err)).To(BeTrue())
		Expect(err.Error()).To(HavePrefix("3 settings cannot be used"))
		Expect(err.Error()).To(ContainSubstring(`- PYCNB_TEST_A="yes" is not a boolean`))
		Expect(err.Error()).To(ContainSubstring(`- PYCNB_TEST_B="no" is not a boolean`))
		Expect(err.Error()).To(ContainSubstring("- PYCNB_TEST_PATH points outside the app"))
		Expect(err.Error()).To(ContainSubstring("To fix: correct or unset each setting named above"))
	})
}
