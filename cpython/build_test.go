package cpython_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/internal/buildpip"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/internal/settings"
	"github.com/sclevine/spec"
)

const (
	checksum3121 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	checksum3114 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

// buildBuildpackToml lists CPython 3.12.1 and 3.11.4 for amd64 (plus a build
// for another architecture that must be ignored). The deprecation dates are
// written when not empty.
func buildBuildpackToml(eol3121, eol3114 string) string {
	date := func(d string) string {
		if d == "" {
			return ""
		}
		return "  deprecation_date = " + d + "\n"
	}
	return `api = "0.10"

[buildpack]
  id = "python-cnb/cpython"
  name = "Python CNB: CPython"
  version = "0.1.0"

[[metadata.dependencies]]
  id = "cpython"
  name = "CPython"
  version = "3.11.4"
  arch = "amd64"
  uri = "https://example.com/cpython-3.11.4.tar.gz"
  checksum = "` + checksum3114 + `"
  strip-components = 1
` + date(eol3114) + `
[[metadata.dependencies]]
  id = "cpython"
  name = "CPython"
  version = "3.12.1"
  arch = "amd64"
  uri = "https://example.com/cpython-3.12.1.tar.gz"
  checksum = "` + checksum3121 + `"
  strip-components = 1
` + date(eol3121) + `
[[metadata.dependencies]]
  id = "cpython"
  name = "CPython"
  version = "3.13.0"
  arch = "arm64"
  uri = "https://example.com/cpython-3.13.0-arm64.tar.gz"
  checksum = "sha256:3333"
`
}

type installCall struct {
	Dependency                       postal.Dependency
	CNBPath, LayerPath, PlatformPath string
}

// fakeInstaller records its calls and, unless told otherwise, lays out
// bin/python3 in the layer as an unpacked archive would.
type fakeInstaller struct {
	Calls    []installCall
	Vendored bool
	Err      error
	// Files are created in the layer, relative to it; nil means bin/python3.
	Files []string
	// Contents gives some of the files their content (else a shell line).
	Contents map[string]string
}

func (f *fakeInstaller) Install(dependency postal.Dependency, cnbPath, layerPath, platformPath string) (bool, error) {
	f.Calls = append(f.Calls, installCall{dependency, cnbPath, layerPath, platformPath})
	if f.Err != nil {
		return f.Vendored, f.Err
	}
	files := f.Files
	if files == nil {
		files = []string{"bin/python3"}
	}
	for _, name := range files {
		content, ok := f.Contents[name]
		if !ok {
			content = "#!/bin/sh\n"
		}
		if err := writeFile(layerPath, name, content); err != nil {
			return f.Vendored, err
		}
	}
	return f.Vendored, nil
}

// fakeCompiler records what it was asked to compile.
type fakeCompiler struct {
	Python string
	Dirs   []string
	Err    error
}

func (f *fakeCompiler) Compile(python string, dirs []string, out io.Writer) error {
	f.Python, f.Dirs = python, dirs
	if f.Err != nil {
		fmt.Fprintln(out, "*** Error compiling 'bad.py'")
	}
	return f.Err
}

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		layersDir  string
		cnbPath    string
		workingDir string
		platform   string
		now        time.Time
		installer  *fakeInstaller
		compiler   *fakeCompiler
		buffer     *bytes.Buffer
		buildCtx   packit.BuildContext

		build packit.BuildFunc
	)

	writeBuildpackToml := func(eol3121, eol3114 string) {
		Expect(writeFile(cnbPath, "buildpack.toml", buildBuildpackToml(eol3121, eol3114))).To(Succeed())
	}

	// writeCachedLayer writes a layer as the last build left it; its
	// metadata gets this buildpack's format unless it names one.
	writeCachedLayer := func(metadata string) {
		if !strings.Contains(metadata, "format") {
			metadata += "format = \"" + cpython.LayerFormat + "\"\n"
		}
		Expect(writeFile(layersDir, "cpython.toml", "launch = true\nbuild = true\ncache = true\n\n[metadata]\n"+metadata)).To(Succeed())
		Expect(writeFile(layersDir, "cpython/bin/python3", "cached")).To(Succeed())
	}

	it.Before(func() {
		t.Setenv("CNB_TARGET_ARCH", "amd64")
		t.Setenv("CNB_TARGET_DISTRO_NAME", "")
		t.Setenv("CNB_TARGET_DISTRO_VERSION", "")
		t.Setenv("BP_CPYTHON_VERSION", "")
		t.Setenv("PYTHON_VERSION", "")
		t.Setenv("BP_DEPENDENCY_MIRROR", "")

		layersDir = t.TempDir()
		cnbPath = t.TempDir()
		workingDir = t.TempDir()
		platform = t.TempDir()
		writeBuildpackToml("", "")
		Expect(writeFile(workingDir, "runtime.txt", "python-3.12\n")).To(Succeed())

		now = time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)
		installer = &fakeInstaller{}
		compiler = &fakeCompiler{}
		buffer = bytes.NewBuffer(nil)
		build = cpython.Build(installer, compiler, []settings.Check{settings.BoolCheck("PYCNB_TEST_SETTING")},
			chronos.NewClock(func() time.Time { return now }), scribe.NewEmitter(buffer))

		buildCtx = packit.BuildContext{
			BuildpackInfo: packit.BuildpackInfo{Name: "Python CNB: CPython", Version: "0.1.0"},
			CNBPath:       cnbPath,
			WorkingDir:    workingDir,
			Layers:        packit.Layers{Path: layersDir},
			Platform:      packit.Platform{Path: platform},
			Plan: packit.BuildpackPlan{Entries: []packit.BuildpackPlanEntry{
				{Name: "cpython", Metadata: map[string]interface{}{"build": true, "launch": true}},
			}},
			Stack: "io.buildpacks.stacks.noble",
		}
	})

	it("installs the requested CPython into a launch layer, cached for a buildpack needing it at every build, and puts it on the build's PATH", func() {
		result, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())

		Expect(installer.Calls).To(HaveLen(1))
		call := installer.Calls[0]
		Expect(call.Dependency.Version).To(Equal("3.12.1"))
		Expect(call.Dependency.Checksum).To(Equal(checksum3121))
		Expect(call.Dependency.URI).To(Equal("https://example.com/cpython-3.12.1.tar.gz"))
		Expect(call.Dependency.StripComponents).To(Equal(1))
		Expect(call.CNBPath).To(Equal(cnbPath))
		Expect(call.LayerPath).To(Equal(filepath.Join(layersDir, "cpython")))
		Expect(call.PlatformPath).To(Equal(platform))

		Expect(result.Layers).To(HaveLen(3))
		layer := result.Layers[0]
		Expect(layer.Name).To(Equal("cpython"))
		Expect(layer.Path).To(Equal(filepath.Join(layersDir, "cpython")))
		Expect(layer.Launch).To(BeTrue())
		Expect(layer.Build).To(BeFalse())
		Expect(layer.Cache).To(BeTrue())
		Expect(layer.Metadata).To(Equal(map[string]interface{}{
			"version":    "3.12.1",
			"checksum":   checksum3121,
			"arch":       "amd64",
			"distro":     "",
			"format":     cpython.LayerFormat,
			"build-keys": plan.BuildUse{}.Digest(),
		}))
		Expect(layer.LaunchEnv).To(Equal(packit.Environment{"PYTHONUNBUFFERED.default": "1"}))
		Expect(layer.BuildEnv).To(BeEmpty())
		Expect(layer.SharedEnv).To(BeEmpty())

		buildEnv := result.Layers[1]
		Expect(buildEnv.Name).To(Equal("cpython-build"))
		Expect([]bool{buildEnv.Launch, buildEnv.Build, buildEnv.Cache}).To(Equal([]bool{false, true, false}))
		Expect(buildEnv.BuildEnv).To(Equal(packit.Environment{
			"PATH.prepend":                     filepath.Join(layersDir, "cpython", "bin"),
			"PATH.delim":                       ":",
			"PYTHONUNBUFFERED.default":         "1",
			"PYTHONDONTWRITEBYTECODE.override": "1",
			"PYTHON_CNB_CPYTHON.override":      "3.12.1 " + checksum3121,
			"PYTHON_CNB_CPYTHON_HOME.override": filepath.Join(layersDir, "cpython"),
		}))

		target, err := os.Readlink(filepath.Join(layersDir, "cpython", "bin", "python"))
		Expect(err).NotTo(HaveOccurred())
		Expect(target).To(Equal("python3"))

		logs := buffer.String()
		Expect(logs).To(ContainSubstring("Python CNB: CPython 0.1.0"))
		Expect(logs).To(ContainSubstring("Resolving CPython version"))
		Expect(logs).To(ContainSubstring("Version sources, highest precedence first:"))
		Expect(logs).To(MatchRegexp(`runtime\.txt\s+-> "3\.12"`))
		Expect(logs).To(ContainSubstring(`Selected CPython 3.12.1 (from runtime.txt: "3.12")`))
		Expect(logs).To(ContainSubstring("Installing CPython 3.12.1 (rebuilding layer: no cached layer)"))
		Expect(logs).To(ContainSubstring("Completed in 0s"))
		Expect(logs).To(ContainSubstring("Configuring launch environment"))
		Expect(logs).To(MatchRegexp(`PYTHONUNBUFFERED\s+-> "1"`))
		Expect(logs).NotTo(ContainSubstring("Warning"))
		Expect(logs).NotTo(ContainSubstring("vendored"))
	})

	context("when the app asks for no version", func() {
		it.Before(func() {
			Expect(os.Remove(filepath.Join(workingDir, "runtime.txt"))).To(Succeed())
		})

		it("installs the newest build and says it is the default", func() {
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls[0].Dependency.Version).To(Equal("3.12.1"))
			Expect(buffer.String()).To(ContainSubstring("Selected CPython 3.12.1 (default (newest supported): no runtime.txt, .python-version, Pipfile, requires-python or BP_CPYTHON_VERSION)"))
			Expect(buffer.String()).NotTo(ContainSubstring("Version sources"))
		})

		it("honours a version another buildpack requires", func() {
			buildCtx.Plan.Entries = append(buildCtx.Plan.Entries, packit.BuildpackPlanEntry{
				Name:     "cpython",
				Metadata: map[string]interface{}{"version": "3.11.*", "version-source": "Pipfile"},
			})
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls[0].Dependency.Version).To(Equal("3.11.4"))
			Expect(buffer.String()).To(ContainSubstring(`Selected CPython 3.11.4 (from build plan (Pipfile): "3.11.*")`))
		})
	})

	context("when BP_CPYTHON_VERSION is set", func() {
		it("takes precedence over runtime.txt, with a warning", func() {
			t.Setenv("BP_CPYTHON_VERSION", "3.11")
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls[0].Dependency.Version).To(Equal("3.11.4"))
			Expect(buffer.String()).To(ContainSubstring(`Selected CPython 3.11.4 (from BP_CPYTHON_VERSION: "3.11")`))
			Expect(buffer.String()).To(ContainSubstring(`Warning: runtime.txt asks for "3.12", but BP_CPYTHON_VERSION takes precedence`))
		})
	})

	context("when a lower-precedence source disagrees", func() {
		it("warns that it is overruled", func() {
			Expect(writeFile(workingDir, ".python-version", "3.11\n")).To(Succeed())
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls[0].Dependency.Version).To(Equal("3.12.1"))
			Expect(buffer.String()).To(ContainSubstring(`Warning: .python-version asks for "3.11", but runtime.txt takes precedence`))
		})
	})

	context("end of life", func() {
		it("warns when the selected version has reached end of life", func() {
			writeBuildpackToml("", "2026-01-01T00:00:00Z")
			Expect(writeFile(workingDir, "runtime.txt", "python-3.11")).To(Succeed())
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Warning: CPython 3.11 reached end of life on 2026-01-01 and gets no more security fixes"))
		})

		it("warns when the selected version reaches end of life within 30 days", func() {
			writeBuildpackToml("2026-06-20T00:00:00Z", "")
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Warning: CPython 3.12 reaches end of life on 2026-06-20; plan a move to a newer version"))
		})

		it("says nothing when end of life is further away", func() {
			writeBuildpackToml("2027-10-01T00:00:00Z", "2026-01-01T00:00:00Z")
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).NotTo(ContainSubstring("end of life"))
		})
	})

	context("when the installer used the vendored copy", func() {
		it("says so", func() {
			installer.Vendored = true
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Used the copy vendored in this buildpack"))
		})
	})

	context("when the archive already has bin/python", func() {
		it("keeps it", func() {
			installer.Files = []string{"bin/python3", "bin/python"}
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			info, err := os.Lstat(filepath.Join(layersDir, "cpython", "bin", "python"))
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mode().IsRegular()).To(BeTrue())
		})
	})

	context("when a cached layer matches", func() {
		it.Before(func() {
			writeCachedLayer(fmt.Sprintf("version = %q\nchecksum = %q\narch = \"amd64\"\ndistro = \"\"\n", "3.12.1", checksum3121))
		})

		it("reuses it without installing", func() {
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(BeEmpty())

			Expect(result.Layers).To(HaveLen(3))
			layer := result.Layers[0]
			Expect(layer.Launch).To(BeTrue())
			Expect(layer.Build).To(BeFalse())
			Expect(layer.Cache).To(BeTrue())
			Expect(layer.Metadata).To(HaveKeyWithValue("version", "3.12.1"))
			Expect(result.Layers[1].Name).To(Equal("cpython-build"))
			Expect(filepath.Join(layersDir, "cpython", "bin", "python3")).To(BeARegularFile())

			Expect(buffer.String()).To(ContainSubstring("Reusing cached layer " + filepath.Join(layersDir, "cpython")))
			Expect(buffer.String()).NotTo(ContainSubstring("Installing CPython"))
		})

		it("rebuilds a layer made in an older format", func() {
			writeCachedLayer(fmt.Sprintf("version = %q\nchecksum = %q\narch = \"amd64\"\ndistro = \"\"\nformat = \"1\"\n", "3.12.1", checksum3121))
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(HaveLen(1))
			Expect(buffer.String()).To(ContainSubstring(`format changed from "1" to "` + cpython.LayerFormat + `"`))
		})

		it("reuses it when the cached metadata predates the distro field", func() {
			writeCachedLayer(fmt.Sprintf("version = %q\nchecksum = %q\narch = \"amd64\"\n", "3.12.1", checksum3121))
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(BeEmpty())
		})

		it("rebuilds it for another distribution", func() {
			t.Setenv("CNB_TARGET_DISTRO_NAME", "ubuntu")
			t.Setenv("CNB_TARGET_DISTRO_VERSION", "24.04")
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(HaveLen(1))
			Expect(buffer.String()).To(ContainSubstring(`distro changed from (none) to "ubuntu-24.04"`))
			Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("distro", "ubuntu-24.04"))
		})
	})

	context("bytecode", func() {
		it("compiles the standard library with the layer's python", func() {
			installer.Files = []string{"bin/python3", "lib/python3.12/os.py"}
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(compiler.Python).To(Equal(filepath.Join(layersDir, "cpython", "bin", "python3")))
			Expect(compiler.Dirs).To(Equal([]string{filepath.Join(layersDir, "cpython", "lib", "python3.12")}))
			Expect(buffer.String()).To(ContainSubstring("Compiling the standard library to bytecode that stays valid in the image"))
		})

		it("only warns when some files do not compile", func() {
			installer.Files = []string{"bin/python3", "lib/python3.12/os.py"}
			compiler.Err = errors.New("exit status 1")
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Layers).To(HaveLen(3))
			Expect(buffer.String()).To(ContainSubstring("Warning: some files did not compile (exit status 1); Python compiles them when they are imported:"))
			Expect(buffer.String()).To(ContainSubstring("Error compiling 'bad.py'"))
		})

		it("removes the parts apps do not use before compiling, and says so", func() {
			installer.Files = []string{"bin/python3", "lib/python3.12/os.py", "lib/python3.12/test/test_os.py"}
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(filepath.Join(layersDir, "cpython", "lib", "python3.12", "test")).NotTo(BeAnExistingFile())
			Expect(buffer.String()).To(ContainSubstring("Removed the test suite, IDLE, the turtle demos, the Tk toolkit and the static libpython (0.0 MB), which apps in a container do not use"))
		})

		it("moves pip out of the launch layer into a build-only layer, compiles it too, and names it for the build's pip runs", func() {
			installer.Files = []string{"bin/python3", "bin/pip", "lib/python3.12/os.py", "lib/python3.12/site-packages/pip/__init__.py",
				"lib/python3.12/site-packages/pip/__main__.py"}
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			pipPath := filepath.Join(layersDir, "pip")
			Expect(filepath.Join(layersDir, "cpython", "lib", "python3.12", "site-packages", "pip")).NotTo(BeAnExistingFile())
			Expect(filepath.Join(layersDir, "cpython", "bin", "pip")).NotTo(BeAnExistingFile())
			Expect(filepath.Join(pipPath, "pip", "__init__.py")).To(BeARegularFile())
			Expect(compiler.Dirs).To(Equal([]string{filepath.Join(layersDir, "cpython", "lib", "python3.12"), pipPath}))
			pip := result.Layers[2]
			Expect(pip.Name).To(Equal("pip"))
			Expect([]bool{pip.Launch, pip.Build, pip.Cache}).To(Equal([]bool{false, true, true}))
			Expect(result.Layers[1].BuildEnv).To(HaveKeyWithValue(buildpip.DirEnv+".override", filepath.Join(pipPath, "pip")))
			Expect(buffer.String()).To(ContainSubstring("Moved pip (0.0 MB) into the build-only pip layer: the image carries no installer"))
		})

		it("does not run without a standard library directory", func() {
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(compiler.Dirs).To(BeNil())
		})
	})

	context("build configuration", func() {

		it("points the installed sysconfig data at the system compiler and the layer, and says so", func() {
			installer.Files = []string{"bin/python3", sysconfigdata}
			installer.Contents = map[string]string{sysconfigdata: "build_time_vars = {\n    \"CC\": \"clang -pthread\",\n    \"prefix\": \"/install\",\n}\n"}
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			content, err := os.ReadFile(filepath.Join(layersDir, "cpython", sysconfigdata))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(content)).To(Equal("build_time_vars = {\n    \"CC\": \"cc -pthread\",\n    \"prefix\": \"" + filepath.Join(layersDir, "cpython") + "\",\n}\n"))
			Expect(buffer.String()).To(ContainSubstring("Pointed CPython's build configuration (sysconfig) at the system compiler (cc, c++) and at " + filepath.Join(layersDir, "cpython") + ", for packages built from source"))
		})

		it("says nothing when there is nothing to rewrite", func() {
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).NotTo(ContainSubstring("Pointed CPython's build configuration"))
		})

		it("fails, naming the file, when the sysconfig data cannot be read", func() {
			installer.Files = []string{"bin/python3", sysconfigdata}
			installer.Contents = map[string]string{sysconfigdata: "build_time_vars = {\"CC\": None}\n"}
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("rewriting " + filepath.Join(layersDir, "cpython", sysconfigdata) + " for the system compiler: line 1: unexpected value")))
		})
	})

	context("when later buildpacks give build keys", func() {
		keyed := func(keys ...string) []packit.BuildpackPlanEntry {
			entries := []packit.BuildpackPlanEntry{{Name: "cpython", Metadata: map[string]interface{}{"launch": true}}}
			for _, key := range keys {
				entries = append(entries, packit.BuildpackPlanEntry{Name: "cpython", Metadata: map[string]interface{}{"build": true, "build-key": key}})
			}
			return entries
		}
		digest := func(keys ...string) string {
			return plan.BuildNeeds(keyed(keys...)).Digest()
		}
		metadata := func(keys string) string {
			return fmt.Sprintf("version = %q\nchecksum = %q\narch = \"amd64\"\ndistro = \"\"\nformat = %q\nbuild-keys = %q\n", "3.12.1", checksum3121, cpython.LayerFormat, keys)
		}

		it.Before(func() {
			buildCtx.Plan.Entries = keyed("pip:1", "gunicorn:1")
		})

		it("installs for build and launch, uncached, on the first build", func() {
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(HaveLen(1))
			layer := result.Layers[0]
			Expect([]bool{layer.Launch, layer.Build, layer.Cache}).To(Equal([]bool{true, false, false}))
			Expect(layer.Metadata).To(HaveKeyWithValue("build-keys", digest("pip:1", "gunicorn:1")))
			Expect(result.Layers).To(HaveLen(3))
		})

		it("keeps the layer for launch only when neither the keys nor CPython changed", func() {
			Expect(writeFile(layersDir, "cpython.toml", "[metadata]\n"+metadata(digest("gunicorn:1", "pip:1")))).To(Succeed())
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(BeEmpty())
			Expect(compiler.Dirs).To(BeNil())
			Expect(result.Layers).To(HaveLen(1))
			layer := result.Layers[0]
			Expect([]bool{layer.Launch, layer.Build, layer.Cache}).To(Equal([]bool{true, false, false}))
			Expect(layer.BuildEnv).To(BeEmpty())
			Expect(layer.Metadata).To(HaveKeyWithValue("build-keys", digest("pip:1", "gunicorn:1")))
			Expect(layer.Metadata).To(HaveKeyWithValue("version", "3.12.1"))
			Expect(filepath.Join(layersDir, "cpython")).NotTo(BeAnExistingFile())
			Expect(buffer.String()).To(ContainSubstring("Reusing layer " + filepath.Join(layersDir, "cpython") + " for launch only"))
			Expect(buffer.String()).To(ContainSubstring("CPython and what later buildpacks build with it are unchanged: nothing needs Python in this build"))
		})

		it("keeps the layer for launch only when a key changed, and installs a copy of CPython for the build only", func() {
			installer.Files = []string{"bin/python3", sysconfigdata, "lib/python3.12/site-packages/pip/__main__.py"}
			installer.Contents = map[string]string{sysconfigdata: "build_time_vars = {\n    \"CC\": \"clang -pthread\",\n}\n"}
			Expect(writeFile(layersDir, "cpython.toml", "[metadata]\n"+metadata(digest("gunicorn:1", "pip:0")))).To(Succeed())
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			buildHome := filepath.Join(layersDir, "cpython-build", "python")
			Expect(installer.Calls).To(HaveLen(1))
			Expect(installer.Calls[0].Dependency.Version).To(Equal("3.12.1"))
			Expect(installer.Calls[0].LayerPath).To(Equal(buildHome))
			Expect(compiler.Dirs).To(BeNil())
			Expect(result.Layers).To(HaveLen(2))
			layer := result.Layers[0]
			Expect([]bool{layer.Launch, layer.Build, layer.Cache}).To(Equal([]bool{true, false, false}))
			Expect(layer.Metadata).To(HaveKeyWithValue("build-keys", digest("pip:1", "gunicorn:1")))
			Expect(filepath.Join(layersDir, "cpython")).NotTo(BeAnExistingFile())
			buildLayer := result.Layers[1]
			Expect(buildLayer.Name).To(Equal("cpython-build"))
			Expect([]bool{buildLayer.Launch, buildLayer.Build, buildLayer.Cache}).To(Equal([]bool{false, true, false}))
			Expect(buildLayer.BuildEnv).To(HaveKeyWithValue("PATH.prepend", filepath.Join(buildHome, "bin")))
			Expect(buildLayer.BuildEnv).To(HaveKeyWithValue("PYTHON_CNB_CPYTHON_HOME.override", filepath.Join(layersDir, "cpython")))
			Expect(buildLayer.BuildEnv).To(HaveKeyWithValue(buildpip.DirEnv+".override", filepath.Join(buildHome, "lib", "python3.12", "site-packages", "pip")))
			Expect(filepath.Join(buildHome, "bin", "python")).To(BeAnExistingFile())
			Expect(os.ReadFile(filepath.Join(buildHome, sysconfigdata))).To(ContainSubstring(`"CC": "cc -pthread"`))
			Expect(buffer.String()).To(ContainSubstring("Reusing layer " + filepath.Join(layersDir, "cpython") + " for launch only"))
			Expect(buffer.String()).To(ContainSubstring("Installing CPython 3.12.1 for this build only (the image keeps the layer it has)"))
		})

		it("reuses files restored from the cache when a key changed", func() {
			writeCachedLayer(metadata(digest("pip:0")))
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(BeEmpty())
			layer := result.Layers[0]
			Expect([]bool{layer.Launch, layer.Build, layer.Cache}).To(Equal([]bool{true, false, false}))
			Expect(result.Layers[1].BuildEnv).To(HaveKeyWithValue("PYTHON_CNB_CPYTHON.override", "3.12.1 "+checksum3121))
			Expect(buffer.String()).To(ContainSubstring("Reusing cached layer"))
			Expect(buffer.String()).To(ContainSubstring("Python is needed at build: what a later buildpack builds with it changed"))
		})

		it("says when the last build recorded no keys", func() {
			writeCachedLayer(fmt.Sprintf("version = %q\nchecksum = %q\narch = \"amd64\"\ndistro = \"\"\n", "3.12.1", checksum3121))
			_, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(buffer.String()).To(ContainSubstring("Python is needed at build: the last build recorded nothing about later buildpacks"))
		})

		it("keeps the layer for build and cached when a buildpack needs Python at every build", func() {
			buildCtx.Plan.Entries = append(keyed("pip:1"), packit.BuildpackPlanEntry{Name: "cpython", Metadata: map[string]interface{}{"build": true}})
			writeCachedLayer(metadata(digest("pip:1")))
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(BeEmpty())
			layer := result.Layers[0]
			Expect([]bool{layer.Launch, layer.Build, layer.Cache}).To(Equal([]bool{true, false, true}))
			Expect(result.Layers).To(HaveLen(3))
			Expect(buffer.String()).To(ContainSubstring("Python is needed at build: a later buildpack runs it in every build"))
		})
	})

	context("when the cached layer holds another version", func() {
		it.Before(func() {
			writeCachedLayer(fmt.Sprintf("version = %q\nchecksum = %q\narch = \"amd64\"\ndistro = \"\"\n", "3.11.4", checksum3114))
			Expect(writeFile(layersDir, "cpython/stale.txt", "from 3.11")).To(Succeed())
		})

		it("says why and rebuilds it from scratch", func() {
			result, err := build(buildCtx)
			Expect(err).NotTo(HaveOccurred())
			Expect(installer.Calls).To(HaveLen(1))
			Expect(buffer.String()).To(ContainSubstring(`version changed from "3.11.4" to "3.12.1"`))
			Expect(buffer.String()).To(ContainSubstring(fmt.Sprintf("checksum changed from %q to %q", checksum3114, checksum3121)))
			Expect(filepath.Join(layersDir, "cpython", "stale.txt")).NotTo(BeAnExistingFile())
			Expect(result.Layers[0].Metadata).To(HaveKeyWithValue("version", "3.12.1"))
			Expect(result.Layers[0].Launch).To(BeTrue())
		})
	})

	context("failure cases", func() {
		it("validates every build setting before any work", func() {
			t.Setenv("PYCNB_TEST_SETTING", "yes")
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring(`PYCNB_TEST_SETTING="yes" is not a boolean`)))
			Expect(installer.Calls).To(BeEmpty())
			Expect(buffer.String()).NotTo(ContainSubstring("Resolving CPython version"))
		})

		it("explains a checksum mismatch, naming the expected checksum", func() {
			installer.Err = errors.New("installing CPython 3.12.1: failed to validate dependency: checksum does not match")
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("The CPython 3.12.1 archive from https://example.com/cpython-3.12.1.tar.gz does not match its checksum")))
			Expect(err).To(MatchError(ContainSubstring("expected " + checksum3121)))
			Expect(errors.Is(err, installer.Err)).To(BeTrue())
			Expect(errs.IsUser(err)).To(BeTrue())
		})

		it("mentions the mirror when BP_DEPENDENCY_MIRROR is set", func() {
			t.Setenv("BP_DEPENDENCY_MIRROR", "https://user:pass@mirror.example.com")
			installer.Err = errors.New("checksum does not match")
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("(through the mirror in BP_DEPENDENCY_MIRROR) does not match its checksum")))
		})

		it("explains a failed download", func() {
			installer.Err = fmt.Errorf("installing CPython 3.12.1: %w", errors.New("failed to fetch dependency: downloading http://x: boom"))
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("Could not download CPython 3.12.1")))
			Expect(err).To(MatchError(ContainSubstring("failed to fetch dependency: downloading http://x: boom")))
			Expect(err).To(MatchError(ContainSubstring("let the build reach https://example.com/cpython-3.12.1.tar.gz")))
			Expect(errs.IsUser(err)).To(BeTrue())
		})

		it("explains a failed download the installer did not wrap", func() {
			installer.Err = errors.New("downloading http://x: boom")
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("Could not download CPython 3.12.1")))
			Expect(err).To(MatchError(ContainSubstring("downloading http://x: boom")))
		})

		it("explains a vendored or mirrored file that cannot be opened", func() {
			installer.Err = fmt.Errorf("installing CPython 3.12.1: %w", errors.New("failed to fetch dependency: opening file:///mirror/x: no such file"))
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("Could not download CPython 3.12.1")))
		})

		it("explains any other install failure", func() {
			installer.Err = errors.New("unsupported archive type")
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("Could not install CPython 3.12.1 from https://example.com/cpython-3.12.1.tar.gz")))
			Expect(err).To(MatchError(ContainSubstring("unsupported archive type")))
		})

		it("fails when the archive has no bin/python3", func() {
			installer.Files = []string{"python/bin/python3"}
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("Could not install CPython 3.12.1")))
			Expect(err).To(MatchError(ContainSubstring("the CPython archive has no bin/python3")))
		})

		it("fails on a malformed runtime.txt", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python3.12")).To(Succeed())
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("runtime.txt is malformed")))
			Expect(installer.Calls).To(BeEmpty())
		})

		it("fails on a version this buildpack does not provide", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python-3.8")).To(Succeed())
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("runtime.txt asks for Python 3.8, which this buildpack does not provide")))
			Expect(err).To(MatchError(ContainSubstring("Supported versions: 3.12.1, 3.11.4")))
			Expect(installer.Calls).To(BeEmpty())
		})

		it("fails without a buildpack.toml", func() {
			Expect(os.Remove(filepath.Join(cnbPath, "buildpack.toml"))).To(Succeed())
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("reading the dependency list")))
		})

		it("fails on an architecture without builds", func() {
			t.Setenv("CNB_TARGET_ARCH", "riscv64")
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("no CPython build for the riscv64 architecture")))
		})

		it("fails when the layers directory is not a directory", func() {
			layersFile := filepath.Join(t.TempDir(), "layers")
			Expect(os.WriteFile(layersFile, nil, 0o644)).To(Succeed())
			buildCtx.Layers.Path = layersFile
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("opening the cpython layer: ")))
		})

		it("fails when the layers directory is unreadable", func() {
			if os.Geteuid() == 0 {
				t.Skip("root ignores directory permissions")
			}
			Expect(os.Chmod(layersDir, 0o000)).To(Succeed())
			t.Cleanup(func() { _ = os.Chmod(layersDir, 0o755) })
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("opening the cpython layer")))
		})

		it("fails when the stale layer cannot be reset", func() {
			if os.Geteuid() == 0 {
				t.Skip("root ignores directory permissions")
			}
			writeCachedLayer(fmt.Sprintf("version = %q\nchecksum = %q\narch = \"amd64\"\n", "3.11.4", checksum3114))
			Expect(os.Chmod(layersDir, 0o555)).To(Succeed())
			t.Cleanup(func() { _ = os.Chmod(layersDir, 0o755) })
			_, err := build(buildCtx)
			Expect(err).To(MatchError(HavePrefix("resetting the cpython layer: ")))
			Expect(installer.Calls).To(BeEmpty())
		})

		it("fails when the cached metadata does not decode", func() {
			writeCachedLayer("version = 3\n")
			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("decoding cached layer metadata")))
			Expect(installer.Calls).To(BeEmpty())
		})
	})
}

// sysconfigdata is where a CPython 3.12 installation keeps its build
// configuration.
const sysconfigdata = "lib/python3.12/_sysconfigdata__linux_x86_64-linux-gnu.py"
