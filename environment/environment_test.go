package environment_test

import (
	"bytes"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/python-cnb/buildpack/environment"
	"github.com/sclevine/spec"
)

func testPrograms(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("runs a program found on PATH, in the directory given", func() {
		var out bytes.Buffer
		dir := t.TempDir()
		Expect(environment.Programs{}.Execute("pwd", pexec.Execution{Dir: dir, Stdout: &out})).To(Succeed())
		Expect(out.String()).To(ContainSubstring(dir))
		Expect(environment.Programs{}.Execute("false", pexec.Execution{})).To(HaveOccurred())
	})
}
