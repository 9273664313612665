package bytecode_test

import (
	"bytes"
	"errors"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/internal/bytecode"
	"github.com/sclevine/spec"
)

func testRun(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("compiles with the given python and says nothing when all files compile", func() {
		python := &fakePython{}
		var log bytes.Buffer
		bytecode.Run(compiler(python), "/py/bin/python3", []string{"/a"}, scribe.NewEmitter(&log))
		Expect(python.names).To(Equal([]string{"/py/bin/python3"}))
		Expect(log.String()).To(BeEmpty())
	})

	it("warns, with the compiler's last lines, when some files did not compile", func() {
		python := &fakePython{err: errors.New("exit status 1")}
		var log bytes.Buffer
		bytecode.Run(compiler(python), "python", []string{"/a"}, scribe.NewEmitter(&log))
		Expect(log.String()).To(ContainSubstring("Warning: some files did not compile (exit status 1); Python compiles them when they are imported:"))
		Expect(log.String()).To(ContainSubstring("Error compiling 'bad.py'"))
	})
}
