// Package integration builds real apps with `pack build` through the real
// CNB lifecycle against a real Docker engine, runs the images and talks to
// them over HTTP. Run it through scripts/test.sh, which sets up the engine,
// pack, the lifecycle, the base images and the builder.
package integration_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/python-cnb/buildpack/integration/internal/pyfixture"
	"github.com/python-cnb/buildpack/integration/internal/stage"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

// suite holds what every test shares: the staged buildpacks and the
// loopback server that plays the part of the CPython download site.
var suite struct {
	root string
	// buildpack is the composite staged with the fixture dependency list.
	buildpack string
	// builder holds buildpack, as platforms deploy it: builds with it
	// need not copy the buildpack into a throwaway builder each time.
	builder string
	// offline is the composite with the fixture archives vendored inside
	// and dependency URIs nobody can reach.
	offline string
	// serverURL serves the fixture archives; files holds them by name.
	serverURL string
	files     string
	// versions are the CPython versions in the fixture list, newest first.
	versions []string
	// unreachable is a listed version whose URI refuses connections.
	unreachable string
	// foreignArch is the other one of amd64 and arm64: the buildpack lists
	// its build of versions[0], which the multi-arch builder builds with
	// under emulation.
	foreignArch string
}

// makeBuilder creates a builder like the local one, holding the staged
// composite and its sub-buildpacks, and removes it when the suite ends.
func makeBuilder(t *testing.T, composite, work string) string {
	t.Helper()
	toml, err := libsh(fmt.Sprintf(`builder_toml "$BUILD_IMAGE" "$RUN_IMAGE" %s`, runtime.GOARCH))
	if err != nil {
		t.Fatal(err)
	}
	var config strings.Builder
	config.WriteString(toml + "\n")
	dirs, err := filepath.Glob(filepath.Join(filepath.Dir(composite), "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		fmt.Fprintf(&config, "\n[[buildpacks]]\n  uri = %q\n", dir)
	}
	config.WriteString("\n[[order]]\n  [[order.group]]\n    id = \"python-cnb/python\"\n    version = \"0.1.0\"\n")
	path := filepath.Join(work, "builder.toml")
	if err := os.WriteFile(path, []byte(config.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("python-cnb-test/builder-%d", time.Now().UnixNano())
	if out, err := exec.Command("pack", "builder", "create", name, "--config", path, "--pull-policy", "never").CombinedOutput(); err != nil {
		t.Fatalf("pack builder create: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("docker", "image", "rm", "-f", name).Run() })
	return name
}

func TestIntegration(t *testing.T) {
	for _, name := range []string{"BUILDER", "LIFECYCLE_IMAGE"} {
		if os.Getenv(name) == "" {
			t.Fatalf("%s is not set: run the integration tests through scripts/test.sh", name)
		}
	}
	if _, err := exec.LookPath("pack"); err != nil {
		t.Fatal("pack is not on PATH: run the integration tests through scripts/test.sh")
	}

	var err error
	suite.root, err = filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(suite.root, ".tools", "pyfixture")
	suite.files = t.TempDir()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := &http.Server{Handler: http.FileServer(http.Dir(suite.files))}
	go server.Serve(listener)
	t.Cleanup(func() { server.Close() })
	suite.serverURL = "http://" + listener.Addr().String()

	var online, offline []stage.Dependency
	for _, version := range pyfixture.KnownVersions() {
		archive, sum, err := pyfixture.Tarball(cache, version)
		if err != nil {
			t.Fatalf("assembling the CPython %s fixture: %v", version, err)
		}
		name := fixtureName(version)
		if err := os.Link(archive, filepath.Join(suite.files, name)); err != nil {
			t.Fatal(err)
		}
		online = append(online, stage.Dependency{Version: version, URI: suite.serverURL + "/" + name, Checksum: "sha256:" + sum})
		offline = append(offline, stage.Dependency{Version: version, URI: "http://127.0.0.1:1/" + name, Checksum: "sha256:" + sum, Vendor: archive})
		suite.versions = append([]string{version}, suite.versions...)
	}

	// The arm64 build of the newest version, for the build under emulation
	// from the published multi-arch builder (registry tests).
	suite.foreignArch = map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
	archive, sum, err := pyfixture.TarballFor(cache, suite.versions[0], suite.foreignArch)
	if err != nil {
		t.Fatalf("assembling the CPython %s fixture for %s: %v", suite.versions[0], suite.foreignArch, err)
	}
	name := fixtureNameFor(suite.versions[0], suite.foreignArch)
	if err := os.Link(archive, filepath.Join(suite.files, name)); err != nil {
		t.Fatal(err)
	}
	online = append(online, stage.Dependency{Version: suite.versions[0], URI: suite.serverURL + "/" + name, Checksum: "sha256:" + sum, Arch: suite.foreignArch})

	// A listed version nobody serves: connections to port 1 are refused.
	suite.unreachable = "3.12.0"
	online = append(online, stage.Dependency{
		Version: suite.unreachable, URI: "http://127.0.0.1:1/cpython-3.12.0.tar.gz",
		Checksum: "sha256:" + fmt.Sprintf("%064d", 0),
	})

	work := t.TempDir()
	if suite.buildpack, err = stage.Stage(suite.root, filepath.Join(work, "online"), stage.Options{Dependencies: online, Arch: runtime.GOARCH}); err != nil {
		t.Fatal(err)
	}
	if suite.offline, err = stage.Stage(suite.root, filepath.Join(work, "offline"), stage.Options{Dependencies: offline, Arch: runtime.GOARCH}); err != nil {
		t.Fatal(err)
	}
	suite.builder = makeBuilder(t, suite.buildpack, work)

	s := spec.New("integration", spec.Report(report.Terminal{}))
	s("CPython", testCPython)
	s("pip", testPip)
	s("correctness", testCorrectness)
	s("managers", testManagers)
	s("gunicorn", testGunicorn)
	s("start", testStart)
	s("hooks", testHooks)
	s("conda", testConda)
	s("SBOM", testSBOM)
	s("native", testNative)
	s("registry", testRegistry)
	s.Run(t)
}
