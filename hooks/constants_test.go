package hooks_test

import (
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/hooks"
	"github.com/sclevine/spec"
)

func testConstants(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("names each phase's settings as Oryx does", func() {
		Expect(hooks.Pre.CommandEnv()).To(Equal("PRE_BUILD_COMMAND"))
		Expect(hooks.Pre.ScriptEnv()).To(Equal("PRE_BUILD_SCRIPT_PATH"))
		Expect(hooks.Post.CommandEnv()).To(Equal("POST_BUILD_COMMAND"))
		Expect(hooks.Post.ScriptEnv()).To(Equal("POST_BUILD_SCRIPT_PATH"))
		Expect(string(hooks.Pre)).To(Equal("pre-build"))
		Expect(string(hooks.Post)).To(Equal("post-build"))
	})

	it("knows only the two phases", func() {
		Expect(hooks.Pre.Valid()).To(BeTrue())
		Expect(hooks.Post.Valid()).To(BeTrue())
		other := hooks.Phase("mid-build")
		Expect(other.Valid()).To(BeFalse())
		Expect(other.CommandEnv()).To(BeEmpty())
		Expect(other.ScriptEnv()).To(BeEmpty())
	})

	it("has a sub-buildpack directory for each phase", func() {
		for dir, want := range map[string][2]string{
			"prebuild":  {"python-cnb/pre-build", "Python CNB: pre-build hook"},
			"postbuild": {"python-cnb/post-build", "Python CNB: post-build hook"},
		} {
			var descriptor struct {
				API       string `toml:"api"`
				Buildpack struct {
					ID, Name, Version string
				} `toml:"buildpack"`
				Targets []struct{ OS, Arch string } `toml:"targets"`
				Order   []interface{}               `toml:"order"`
				Meta    struct {
					IncludeFiles []string `toml:"include-files"`
				} `toml:"metadata"`
			}
			_, err := toml.DecodeFile(filepath.Join("..", dir, "buildpack.toml"), &descriptor)
			Expect(err).NotTo(HaveOccurred())
			Expect(descriptor.API).To(Equal("0.10"))
			Expect(descriptor.Buildpack.ID).To(Equal(want[0]))
			Expect(descriptor.Buildpack.Name).To(Equal(want[1]))
			Expect(descriptor.Buildpack.Version).To(Equal("0.1.0"))
			Expect(descriptor.Targets).To(ConsistOf(
				struct{ OS, Arch string }{"linux", "amd64"},
				struct{ OS, Arch string }{"linux", "arm64"},
			))
			Expect(descriptor.Order).To(BeEmpty())
			Expect(descriptor.Meta.IncludeFiles).To(Equal([]string{"bin/build", "bin/detect", "buildpack.toml"}))
		}
	})
}
