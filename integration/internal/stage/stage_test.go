package stage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/integration/internal/stage"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitStage(t *testing.T) {
	spec.Run(t, "stage", testStage, spec.Report(report.Terminal{}))
}

func testStage(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		root   string
		out    string
	)

	write := func(rel, content string) {
		path := filepath.Join(root, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o755)).To(Succeed())
	}

	it.Before(func() {
		root = t.TempDir()
		out = filepath.Join(t.TempDir(), "staged")
		write("buildpack.toml", "api = \"0.10\"\n[[order]]\n")
		write("package.toml", "[buildpack]\nuri = \".\"\n[[dependencies]]\nuri = \"cpython\"\n")
		write("cpython/buildpack.toml", "api = \"0.10\"\n[buildpack]\nid = \"x/cpython\"\n[[metadata.dependencies]]\nid = \"cpython\"\nversion = \"3.9.0\"\n")
		write("cpython/bin/detect", "d")
		write("cpython/bin/build", "b")
		write("cpython/bin/unpack", "u")
		write("cpython/build.go", "package cpython")
	})

	it("copies only the descriptors and binaries", func() {
		staged, err := stage.Stage(root, out, stage.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(staged).To(Equal(filepath.Join(out, "composite")))
		Expect(os.ReadFile(filepath.Join(staged, "package.toml"))).To(ContainSubstring(`uri = "../cpython"`))
		Expect(filepath.Join(staged, "buildpack.toml")).To(BeARegularFile())
		Expect(filepath.Join(staged, "cpython")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(out, "cpython", "bin", "detect")).To(BeARegularFile())
		Expect(filepath.Join(out, "cpython", "bin", "unpack")).To(BeARegularFile())
		Expect(filepath.Join(out, "cpython", "build.go")).NotTo(BeAnExistingFile())
		info, err := os.Stat(filepath.Join(out, "cpython", "bin", "build"))
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o755)))
	})

	it("replaces the dependency list and vendors archives", func() {
		archive := filepath.Join(t.TempDir(), "py.tgz")
		Expect(os.WriteFile(archive, []byte("archive"), 0o644)).To(Succeed())
		sum, err := appscan.FileDigest(archive)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(MatchRegexp(`^sha256:[0-9a-f]{64}$`))

		_, err = stage.Stage(root, out, stage.Options{Arch: "amd64", Dependencies: []stage.Dependency{
			{Version: "3.11.11", URI: "http://127.0.0.1:1/py.tgz", Checksum: sum, Vendor: archive},
			{Version: "3.11.11", URI: "http://127.0.0.1:1/py-arm64.tgz", Checksum: sum, Arch: "arm64"},
		}})
		Expect(err).NotTo(HaveOccurred())

		var config struct {
			Buildpack struct{ ID string } `toml:"buildpack"`
			Metadata  struct {
				Dependencies []map[string]interface{} `toml:"dependencies"`
			} `toml:"metadata"`
		}
		_, err = toml.DecodeFile(filepath.Join(out, "cpython", "buildpack.toml"), &config)
		Expect(err).NotTo(HaveOccurred())
		Expect(config.Buildpack.ID).To(Equal("x/cpython"))
		Expect(config.Metadata.Dependencies).To(HaveLen(2))
		Expect(config.Metadata.Dependencies[0]).To(HaveKeyWithValue("version", "3.11.11"))
		Expect(config.Metadata.Dependencies[0]).To(HaveKeyWithValue("arch", "amd64"))
		Expect(config.Metadata.Dependencies[0]).To(HaveKeyWithValue("checksum", sum))
		// an entry's own architecture wins over Options.Arch
		Expect(config.Metadata.Dependencies[1]).To(HaveKeyWithValue("arch", "arm64"))
		Expect(config.Metadata.Dependencies[1]).To(HaveKeyWithValue("uri", "http://127.0.0.1:1/py-arm64.tgz"))
		Expect(filepath.Join(out, "cpython", "dependencies", sum[len("sha256:"):], "py.tgz")).To(BeARegularFile())
	})

	context("failure cases", func() {
		it("says to run scripts/build.sh when binaries are missing", func() {
			Expect(os.Remove(filepath.Join(root, "cpython", "bin", "build"))).To(Succeed())
			_, err := stage.Stage(root, out, stage.Options{})
			Expect(err).To(MatchError(ContainSubstring("run scripts/build.sh first")))
		})

		it("fails without package.toml", func() {
			Expect(os.Remove(filepath.Join(root, "package.toml"))).To(Succeed())
			_, err := stage.Stage(root, out, stage.Options{})
			Expect(err).To(MatchError(ContainSubstring("reading package.toml")))
		})

		it("fails when a vendored archive is missing", func() {
			_, err := stage.Stage(root, out, stage.Options{Dependencies: []stage.Dependency{
				{Version: "3.11.11", URI: "http://x/py.tgz", Checksum: "sha256:00", Vendor: "/nonexistent"},
			}})
			Expect(err).To(MatchError(ContainSubstring("vendoring /nonexistent")))
		})
	})
}
