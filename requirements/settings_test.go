package requirements_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/python-cnb/buildpack/requirements"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitPipSettings(t *testing.T) {
	spec.Run(t, "pip settings", testPipSettings, spec.Report(report.Terminal{}), spec.Sequential())
}

func testPipSettings(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect   = NewWithT(t).Expect
		app      string
		platform string
	)

	write := func(rel, content string) {
		path := filepath.Join(app, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}
	keyOf := func() map[string]string {
		s, err := requirements.ReadPipSettings(app, platform)
		Expect(err).NotTo(HaveOccurred())
		var in inputs.Set
		s.AddTo(&in)
		m, err := in.Map()
		Expect(err).NotTo(HaveOccurred())
		return m
	}

	it.Before(func() {
		app = t.TempDir()
		platform = t.TempDir()
		for _, name := range append(requirements.InstallSettings, "SERVICE_BINDING_ROOT", "CNB_BINDINGS") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	})

	it("has no inputs without settings", func() {
		Expect(keyOf()).To(BeEmpty())
	})

	it("digests the files PIP_CONSTRAINT and PIP_REQUIREMENT name, with their includes and local packages", func() {
		write("constraints.txt", "-c more.txt\nsix<2\n")
		write("more.txt", "idna<4\n")
		write("extra.txt", "-e ./libs/x\n")
		write("libs/x/setup.py", "")
		t.Setenv("PIP_CONSTRAINT", "constraints.txt")
		t.Setenv("PIP_REQUIREMENT", "extra.txt https://example.com/remote.txt")
		first := keyOf()
		Expect(first).To(HaveKey("setting:PIP_CONSTRAINT"))
		Expect(first).To(HaveKey("setting:PIP_REQUIREMENT"))
		Expect(first).To(HaveKey("file:constraints.txt"))
		Expect(first).To(HaveKey("file:more.txt"))
		Expect(first).To(HaveKey("file:extra.txt"))
		Expect(first).To(HaveKey("tree:libs/x"))

		write("more.txt", "idna<3\n")
		Expect(keyOf()["file:more.txt"]).NotTo(Equal(first["file:more.txt"]))
	})

	it("digests PIP_CONFIG_FILE's content and PIP_FIND_LINKS's local directories", func() {
		write("pip.conf", "[global]\nindex-url = https://example.com/simple\n")
		write("wheels/a-1.0-py3-none-any.whl", "one")
		t.Setenv("PIP_CONFIG_FILE", "pip.conf")
		t.Setenv("PIP_FIND_LINKS", "./wheels https://example.com/links")
		first := keyOf()
		Expect(first).To(HaveKey("file:pip.conf"))
		Expect(first).To(HaveKey("tree:wheels"))
		write("wheels/a-1.0-py3-none-any.whl", "two")
		Expect(keyOf()["tree:wheels"]).NotTo(Equal(first["tree:wheels"]))
	})

	it("accepts PIP_CONFIG_FILE=/dev/null, which turns pip's configuration off", func() {
		t.Setenv("PIP_CONFIG_FILE", os.DevNull)
		Expect(keyOf()).To(HaveKey("setting:PIP_CONFIG_FILE"))
	})

	it("reads a pip binding: its files become variables for pip and inputs of the layer", func() {
		dir := filepath.Join(platform, "bindings", "index")
		Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "type"), []byte("pip\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "pip.conf"), []byte("[global]\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "netrc"), []byte("machine x login y password z\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, ".netrc"), []byte("ignored\n"), 0o644)).To(Succeed())
		s, err := requirements.ReadPipSettings(app, platform)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Env()).To(ConsistOf("PIP_CONFIG_FILE="+filepath.Join(dir, "pip.conf"), "NETRC="+filepath.Join(dir, "netrc")))
		m := keyOf()
		Expect(m).To(HaveKey("file:the pip binding's pip.conf"))
		Expect(m).To(HaveKey("file:the pip binding's netrc"))
		Expect(m).NotTo(HaveKey("file:the pip binding's .netrc"))
	})

	context("failure cases", func() {
		it("refuses a settings path outside the app, naming the setting, without reading it", func() {
			outside := filepath.Join(filepath.Dir(app), "API_TOKEN")
			Expect(os.WriteFile(outside, []byte("s3cret"), 0o644)).To(Succeed())
			for _, name := range []string{"PIP_CONSTRAINT", "PIP_REQUIREMENT", "PIP_CONFIG_FILE"} {
				t.Setenv(name, "../API_TOKEN")
				_, err := requirements.ReadPipSettings(app, platform)
				Expect(err).To(MatchError(ContainSubstring(name+"=../API_TOKEN points outside the app")), name)
				Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
				os.Unsetenv(name)
			}
			t.Setenv("PIP_FIND_LINKS", "/etc")
			_, err := requirements.ReadPipSettings(app, platform)
			Expect(err).To(MatchError(ContainSubstring("PIP_FIND_LINKS=/etc points outside the app")))
		})

		it("names a settings file that is not there", func() {
			t.Setenv("PIP_CONSTRAINT", "constraints.txt")
			_, err := requirements.ReadPipSettings(app, platform)
			Expect(err).To(MatchError(ContainSubstring("PIP_CONSTRAINT=constraints.txt names a file that does not exist in the app")))
			os.Unsetenv("PIP_CONSTRAINT")
			t.Setenv("PIP_CONFIG_FILE", "pip.conf")
			_, err = requirements.ReadPipSettings(app, platform)
			Expect(err).To(MatchError(ContainSubstring("PIP_CONFIG_FILE=pip.conf names a file that does not exist in the app")))
			os.Unsetenv("PIP_CONFIG_FILE")
			t.Setenv("PIP_FIND_LINKS", "./wheels")
			_, err = requirements.ReadPipSettings(app, platform)
			Expect(err).To(MatchError(ContainSubstring("PIP_FIND_LINKS=./wheels names a directory that does not exist in the app")))
		})

		it("refuses two pip bindings", func() {
			for _, name := range []string{"a", "b"} {
				dir := filepath.Join(platform, "bindings", name)
				Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
				Expect(os.WriteFile(filepath.Join(dir, "type"), []byte("pip"), 0o644)).To(Succeed())
			}
			_, err := requirements.ReadPipSettings(app, platform)
			Expect(err).To(MatchError(ContainSubstring("found 2 service bindings of type pip")))
		})
	})
}
