package testsetup_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/testsetup"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitTestSetup(t *testing.T) {
	suite := spec.New("testsetup", spec.Report(report.Terminal{}))
	suite("TestSetup", testTestSetup)
	suite.Run(t)
}

func testTestSetup(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("writes a file, making its directories", func() {
		dir := t.TempDir()
		Expect(testsetup.WriteFile(dir, "a/b/c.txt", "hello")).To(Succeed())
		Expect(os.ReadFile(filepath.Join(dir, "a", "b", "c.txt"))).To(Equal([]byte("hello")))
	})

	it("fails when a directory cannot be made", func() {
		dir := t.TempDir()
		Expect(testsetup.WriteFile(dir, "f", "")).To(Succeed())
		Expect(testsetup.WriteFile(dir, "f/g", "")).NotTo(Succeed())
	})

	it("unsets variables for the test", func() {
		t.Setenv("TESTSETUP_VARIABLE", "set")
		testsetup.UnsetEnv(t, "TESTSETUP_VARIABLE")
		_, ok := os.LookupEnv("TESTSETUP_VARIABLE")
		Expect(ok).To(BeFalse())
	})
}
