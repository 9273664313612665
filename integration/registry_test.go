package integration_test

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/integration/internal/oci"
	"github.com/python-cnb/buildpack/integration/internal/pyfixture"
	"github.com/python-cnb/buildpack/integration/internal/stage"
	"github.com/sclevine/spec"
)

// publication is what scripts/package.sh published for the registry tests,
// once per run, under a prefix of its own in the harness registry.
var publication struct {
	once   sync.Once
	prefix string
	logs   string
	err    error
}

// published publishes the suite's staged buildpack, and a builder holding
// it, with scripts/package.sh (once) and returns the image prefix.
func published(t *testing.T) string {
	t.Helper()
	publication.once.Do(func() {
		publication.prefix = fmt.Sprintf("%s/python-cnb-test/%d", harnessRegistry(t), time.Now().UnixNano())
		publication.logs, publication.err = packageScript(t, suite.buildpack, publication.prefix)
	})
	if publication.err != nil {
		t.Fatalf("scripts/package.sh failed: %v\n%s", publication.err, publication.logs)
	}
	// the daemon's copies of what the builds pulled from under the prefix
	t.Cleanup(func() { removeLocal(publication.prefix) })
	return publication.prefix
}

// harnessRegistry returns the address of the registry scripts/setup.sh starts.
func harnessRegistry(t *testing.T) string {
	t.Helper()
	registry := os.Getenv("REGISTRY")
	if registry == "" {
		t.Fatal("REGISTRY is not set: run the integration tests through scripts/test.sh")
	}
	return registry
}

// packageScript runs scripts/package.sh for the composite in dir.
func packageScript(t *testing.T, dir, prefix string, args ...string) (string, error) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command("bash", append([]string{filepath.Join(suite.root, "scripts", "package.sh"), "--buildpack", dir, "--prefix", prefix}, args...)...)
	out, err := cmd.CombinedOutput()
	t.Logf("scripts/package.sh --prefix %s: %s (%v)", prefix, time.Since(start).Round(time.Millisecond), err)
	return string(out), err
}

// removeLocal removes the Docker engine's references to images under prefix
// (pulled by pack or the tests), by name, so that an image that is also
// tagged otherwise (the local lifecycle image, say) stays.
func removeLocal(prefix string) {
	out, _ := exec.Command("docker", "image", "ls", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}").Output()
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 3 || !strings.HasPrefix(fields[0], prefix+"/") {
			continue
		}
		if fields[1] != "<none>" {
			exec.Command("docker", "image", "rm", fields[0]+":"+fields[1]).Run()
		}
		if fields[2] != "<none>" {
			exec.Command("docker", "image", "rm", fields[0]+"@"+fields[2]).Run()
		}
	}
}

// registryBuild runs pack build the way kpack builds: the builder, the
// lifecycle and the run image come from the registry, the builder is not
// trusted (the lifecycle's phases run one by one, in its own image), the
// image is published and the cache is an image too.
func registryBuild(t *testing.T, prefix, image, appDir string) (string, error) {
	t.Helper()
	return runPack(t, "build", image,
		"--path", appDir,
		"--builder", prefix+"/builder:bookworm",
		"--lifecycle-image", prefix+"/lifecycle:"+os.Getenv("LIFECYCLE_VERSION"),
		"--publish",
		"--cache-image", image+"-cache",
		"--pull-policy", "always",
		"--network", "host",
		"--no-color",
	)
}

func mustRegistryBuild(t *testing.T, prefix, image, appDir string) string {
	t.Helper()
	logs, err := registryBuild(t, prefix, image, appDir)
	if err != nil {
		t.Fatalf("pack build --publish failed: %v\n%s", err, logs)
	}
	return logs
}

// pull brings a published image into the Docker engine to run it.
func pull(t *testing.T, image string) string {
	t.Helper()
	if out, err := exec.Command("docker", "pull", "-q", image).CombinedOutput(); err != nil {
		t.Fatalf("docker pull %s: %v\n%s", image, err, out)
	}
	return image
}

func mustParse(t *testing.T, ref string) oci.Reference {
	t.Helper()
	r, err := oci.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var thisPlatform = oci.Platform{OS: "linux", Architecture: runtime.GOARCH}

// publishedLayer returns the registry digest of a buildpack's layer in a
// published image, and the image's manifest digest.
func publishedLayer(t *testing.T, image, buildpackID, layer string) (string, string) {
	t.Helper()
	var client oci.Client
	ref := mustParse(t, image)
	m, err := client.Image(ref, thisPlatform)
	if err != nil {
		t.Fatal(err)
	}
	config, err := client.Config(ref, m)
	if err != nil {
		t.Fatal(err)
	}
	diffID := layerSHAIn(t, image, []byte(config.Config.Labels["io.buildpacks.lifecycle.metadata"]), buildpackID, layer)
	digest, err := oci.LayerDigest(m, config, diffID)
	if err != nil {
		t.Fatal(err)
	}
	return digest, m.Digest
}

// buildpackBinaries matches the files under bin/ of every buildpack in an
// image.
func buildpackBinaries(path string) bool {
	return strings.HasPrefix(path, "cnb/buildpacks/") && filepath.Base(filepath.Dir(path)) == "bin"
}

// lifecycleBinaries matches the lifecycle and the launcher in a builder.
func lifecycleBinaries(path string) bool {
	return path == "cnb/lifecycle/lifecycle" || path == "cnb/lifecycle/launcher"
}

// elfMachines reads the ELF header of every file of a published image that
// match matches: path -> machine.
func elfMachines(t *testing.T, ref oci.Reference, m oci.Manifest, match func(path string) bool) map[string]elf.Machine {
	t.Helper()
	var client oci.Client
	files, err := client.Files(ref, m, match, 64)
	if err != nil {
		t.Fatal(err)
	}
	machines := map[string]elf.Machine{}
	for path, header := range files {
		if len(header) < 20 || !bytes.HasPrefix(header, []byte(elf.ELFMAG)) || elf.Class(header[elf.EI_CLASS]) != elf.ELFCLASS64 {
			t.Fatalf("%s in %s is not a 64-bit ELF binary: %q", path, ref, header)
		}
		machines[path] = elf.Machine(binary.LittleEndian.Uint16(header[18:20]))
	}
	return machines
}

// compositeGroups lists the composite's id and version and the sub-buildpacks of its order.
func compositeGroups(t *testing.T) (string, string, map[string]string) {
	t.Helper()
	var composite struct {
		Buildpack struct{ ID, Version string } `toml:"buildpack"`
		Order     []struct {
			Group []struct{ ID, Version string } `toml:"group"`
		} `toml:"order"`
	}
	if _, err := toml.DecodeFile(filepath.Join(suite.buildpack, "buildpack.toml"), &composite); err != nil {
		t.Fatal(err)
	}
	subs := map[string]string{}
	for _, order := range composite.Order {
		for _, g := range order.Group {
			subs[g.ID] = g.Version
		}
	}
	return composite.Buildpack.ID, composite.Buildpack.Version, subs
}

// repository is where scripts/package.sh publishes a buildpack id under prefix.
func repository(prefix, id string) string {
	return prefix + "/" + id[strings.Index(id, "/")+1:]
}

func testRegistry(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect
	var client oci.Client

	it("publishes every buildpack, the builder and its images as image indexes for amd64 and arm64, with binaries for each", func() {
		prefix := published(t)
		id, version, subs := compositeGroups(t)
		Expect(subs).NotTo(BeEmpty())

		both := []oci.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}
		subs[id] = version
		for bp, v := range subs {
			index, err := client.Manifest(mustParse(t, repository(prefix, bp)+":"+v))
			Expect(err).NotTo(HaveOccurred())
			Expect(index.IsIndex()).To(BeTrue(), "%s is not an image index", bp)
			var platforms []oci.Platform
			for _, d := range index.Manifests {
				platforms = append(platforms, *d.Platform)
			}
			Expect(platforms).To(ConsistOf(both), bp)
		}

		// the composite's image for each architecture holds every sub-buildpack's
		// binaries built for it
		ref := mustParse(t, repository(prefix, id)+":"+version)
		for arch, machine := range map[string]elf.Machine{"arm64": elf.EM_AARCH64, "amd64": elf.EM_X86_64} {
			image, err := client.Image(ref, oci.Platform{OS: "linux", Architecture: arch})
			Expect(err).NotTo(HaveOccurred())
			config, err := client.Config(ref, image)
			Expect(err).NotTo(HaveOccurred())
			Expect(config.Architecture).To(Equal(arch))
			machines := elfMachines(t, ref, image, buildpackBinaries)
			for bp, v := range subs {
				if bp == id {
					continue
				}
				dir := "cnb/buildpacks/" + strings.ReplaceAll(bp, "/", "_") + "/" + v + "/bin/"
				Expect(machines).To(HaveKeyWithValue(dir+"build", machine), arch)
				Expect(machines).To(HaveKeyWithValue(dir+"detect", machine), arch)
			}
			for path, m := range machines {
				Expect(m).To(Equal(machine), path)
			}
		}

		// the builder, and the build, run and lifecycle images it names: image
		// indexes for both architectures, each builder with the lifecycle built
		// for its own and the composite in its order
		for _, name := range []string{"builder:bookworm", "build:bookworm", "run:bookworm", "lifecycle:" + os.Getenv("LIFECYCLE_VERSION")} {
			ref := mustParse(t, prefix+"/"+name)
			index, err := client.Manifest(ref)
			Expect(err).NotTo(HaveOccurred(), name)
			Expect(index.IsIndex()).To(BeTrue(), "%s is not an image index", name)
			var platforms []oci.Platform
			for _, d := range index.Manifests {
				platforms = append(platforms, *d.Platform)
			}
			Expect(platforms).To(ConsistOf(both), name)
			for arch, machine := range map[string]elf.Machine{"arm64": elf.EM_AARCH64, "amd64": elf.EM_X86_64} {
				image, err := client.Image(ref, oci.Platform{OS: "linux", Architecture: arch})
				Expect(err).NotTo(HaveOccurred())
				config, err := client.Config(ref, image)
				Expect(err).NotTo(HaveOccurred())
				Expect(config.Architecture).To(Equal(arch), name)
				if name != "builder:bookworm" {
					continue
				}
				Expect(elfMachines(t, ref, image, lifecycleBinaries)).To(Equal(map[string]elf.Machine{
					"cnb/lifecycle/lifecycle": machine, "cnb/lifecycle/launcher": machine,
				}), arch)
				metadata := config.Config.Labels["io.buildpacks.builder.metadata"]
				Expect(metadata).To(ContainSubstring(`"image":"` + prefix + `/run:bookworm"`))
				Expect(metadata).To(ContainSubstring(`"id":"` + id + `"`))
			}
		}
	})

	it("builds and serves an app for the other architecture, under emulation, with the published builder", func() {
		prefix := published(t)
		image := fmt.Sprintf("%s/flask-%s-%d", prefix, suite.foreignArch, time.Now().UnixNano())
		source := app(t, "flask", map[string]string{"requirements.txt": "flask==3.1.*\n"})
		logs, err := runPack(t, "build", image,
			"--path", source,
			"--builder", prefix+"/builder:bookworm",
			"--lifecycle-image", prefix+"/lifecycle:"+os.Getenv("LIFECYCLE_VERSION"),
			"--platform", "linux/"+suite.foreignArch,
			"--publish",
			"--cache-image", image+"-cache",
			"--pull-policy", "always",
			"--network", "host",
			"--no-color",
		)
		Expect(err).NotTo(HaveOccurred(), logs)
		Expect(logs).To(ContainSubstring("Selected CPython " + suite.versions[0]))
		Expect(logs).To(ContainSubstring("Successfully installed"))

		// an image for that platform, whose launcher and CPython are built for it
		ref := mustParse(t, image)
		m, err := client.Image(ref, oci.Platform{OS: "linux", Architecture: suite.foreignArch})
		Expect(err).NotTo(HaveOccurred())
		config, err := client.Config(ref, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(config.Architecture).To(Equal(suite.foreignArch))
		local := pull(t, image)
		machine, err := dockerRun(local, "python", "-c", "import platform; print(platform.machine())")
		Expect(err).NotTo(HaveOccurred(), machine)
		// (after Docker's warning that the platform is not the host's)
		Expect(machine).To(HaveSuffix("\n" + map[string]string{"arm64": "aarch64", "amd64": "x86_64"}[suite.foreignArch] + "\n"))
		f := facts(t, serve(t, local))
		Expect(f["version"]).To(Equal(suite.versions[0]))
		Expect(f["flask_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/"))
	})

	it("builds into the registry with the published builder and a cache image, as kpack does, with deploy/project.toml's settings, and reuses or rebuilds the environment", func() {
		prefix := published(t)
		image := fmt.Sprintf("%s/flask-%d", prefix, time.Now().UnixNano())
		source := app(t, "flask", map[string]string{"requirements.txt": "flask==3.1.*\nsix\n", "tests/test_app.py": "def test_nothing():\n    pass\n"})
		descriptor, err := os.ReadFile(filepath.Join(suite.root, "deploy", "project.toml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(writeFile(filepath.Join(source, "project.toml"), string(descriptor))).To(Succeed())

		logs := mustRegistryBuild(t, prefix, image, source)
		Expect(logs).To(ContainSubstring(`Selected CPython 3.13.1 (from BP_CPYTHON_VERSION: "3.13")`))
		Expect(logs).To(ContainSubstring("Linked antenv in the app to the virtual environment (VIRTUALENV_NAME)"))
		Expect(logs).To(ContainSubstring("Successfully installed"))
		Expect(logs).To(ContainSubstring("===> ANALYZING")) // the lifecycle's phases one by one, as kpack runs them
		venv, _ := publishedLayer(t, image, pipID, "venv")
		_, err = client.Manifest(mustParse(t, image+"-cache"))
		Expect(err).NotTo(HaveOccurred(), "no cache image in the registry")
		// no cache volumes: the cache is the image
		volumes, err := exec.Command("docker", "volume", "ls", "-q", "--filter", "name=pack-cache-"+strings.ReplaceAll(strings.TrimPrefix(image, harnessRegistry(t)+"/"), "/", "_")).Output()
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.TrimSpace(string(volumes))).To(BeEmpty())

		local := pull(t, image)
		f := facts(t, serve(t, local))
		Expect(f["version"]).To(Equal("3.13.1"))
		Expect(f["uid"]).To(BeEquivalentTo(1000))
		Expect(f["flask_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/lib/python3.13/"))
		Expect(dockerRun(local, "readlink", "/workspace/antenv")).To(Equal("/layers/python-cnb_pip/venv\n"))
		listing, err := dockerRun(local, "ls", "-A", "/workspace")
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Fields(listing)).To(ContainElements("app.py", "requirements.txt", "project.toml"))
		Expect(strings.Fields(listing)).NotTo(ContainElement("tests")) // project.toml's exclude

		// no change: nothing runs Python, and the published environment layer is the same blob
		logs = mustRegistryBuild(t, prefix, image, source)
		Expect(logs).To(ContainSubstring("Reusing layer /layers/python-cnb_cpython/cpython for launch only"))
		Expect(logs).To(ContainSubstring("Reusing layer /layers/python-cnb_pip/venv for launch only"))
		Expect(logs).To(ContainSubstring("pip did not run"))
		Expect(logs).NotTo(ContainSubstring("Running 'pip"))
		Expect(logs).To(ContainSubstring("Reusing layer 'python-cnb/pip:venv'"))
		again, _ := publishedLayer(t, image, pipID, "venv")
		Expect(again).To(Equal(venv))

		// a requirement goes: the environment is rebuilt clean
		Expect(writeFile(filepath.Join(source, "requirements.txt"), "flask==3.1.*\n")).To(Succeed())
		logs = mustRegistryBuild(t, prefix, image, source)
		Expect(logs).To(ContainSubstring("Creating the virtual environment (rebuilding layer: requirements.txt changed)"))
		Expect(logs).To(ContainSubstring("Running 'pip install"))
		rebuilt, _ := publishedLayer(t, image, pipID, "venv")
		Expect(rebuilt).NotTo(Equal(venv))
		local = pull(t, image)
		out, err := dockerRun(local, "python", "-c", "import six")
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("No module named 'six'"))
		Expect(facts(t, serve(t, local))["flask_file"]).To(HavePrefix("/layers/python-cnb_pip/venv/"))
	})

	it("builds with no network from the offline package published as an image, whose archives are vendored for their architecture only", func() {
		prefix := published(t)
		version := suite.versions[0]
		archive, sum, err := pyfixture.Tarball(filepath.Join(suite.root, ".tools", "pyfixture"), version)
		Expect(err).NotTo(HaveOccurred())
		dir, err := stage.Stage(suite.root, filepath.Join(t.TempDir(), "offline"), stage.Options{
			Arch: runtime.GOARCH,
			Dependencies: []stage.Dependency{{
				Version: version, URI: "http://127.0.0.1:1/" + fixtureName(version), Checksum: "sha256:" + sum, Vendor: archive,
			}},
		})
		Expect(err).NotTo(HaveOccurred())
		offline := prefix + "/offline"
		logs, err := packageScript(t, dir, offline, "--no-builder")
		Expect(err).NotTo(HaveOccurred(), logs)

		id, bpVersion, _ := compositeGroups(t)
		ref := mustParse(t, repository(offline, id)+":"+bpVersion)
		vendored := func(arch string) []string {
			image, err := client.Image(ref, oci.Platform{OS: "linux", Architecture: arch})
			Expect(err).NotTo(HaveOccurred())
			files, err := client.Files(ref, image, func(path string) bool { return strings.Contains(path, "/dependencies/") }, 0)
			Expect(err).NotTo(HaveOccurred())
			var paths []string
			for path := range files {
				paths = append(paths, path)
			}
			return paths
		}
		Expect(vendored(runtime.GOARCH)).To(ConsistOf(HaveSuffix("/dependencies/" + sum + "/" + fixtureName(version))))
		other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
		Expect(vendored(other)).To(BeEmpty())

		image := imageName(t)
		source := app(t, "plain", nil)
		logs, err = runPack(t, "build", image,
			"--path", source,
			"--builder", prefix+"/builder:bookworm",
			"--lifecycle-image", prefix+"/lifecycle:"+os.Getenv("LIFECYCLE_VERSION"),
			"--buildpack", repository(offline, id)+":"+bpVersion,
			"--pull-policy", "always",
			"--network", "none",
			"--no-color",
		)
		Expect(err).NotTo(HaveOccurred(), logs)
		Expect(logs).To(ContainSubstring("Used the copy vendored in this buildpack"))
		Expect(facts(t, serve(t, image))["version"]).To(Equal(version))
	})

	context("failure cases", func() {
		it("scripts/package.sh names a directory that is not a composite, and a registry that does not answer", func() {
			logs, err := packageScript(t, t.TempDir(), harnessRegistry(t)+"/python-cnb-test/none")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(MatchRegexp(`ERROR: /\S+/buildpack.toml does not exist: --buildpack takes the composite's directory`))

			logs, err = packageScript(t, suite.buildpack, "127.0.0.1:1/python-cnb-test")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("ERROR: no registry answers on 127.0.0.1:1: start the local one with scripts/setup.sh --only registry"))
		})
	})
}
