package wheeldep_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/python-cnb/buildpack/internal/testsetup"
	"github.com/python-cnb/buildpack/internal/wheeldep"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

// fakeExecutable records executions and runs stub.
type fakeExecutable struct {
	calls []pexec.Execution
	stub  func(pexec.Execution) error
}

func (f *fakeExecutable) Execute(e pexec.Execution) error {
	f.calls = append(f.calls, e)
	if f.stub != nil {
		return f.stub(e)
	}
	return nil
}

type fakeInstaller struct {
	calls []postal.Dependency
	err   error
}

func (f *fakeInstaller) Install(dep postal.Dependency, cnbPath, layerPath, platformPath string) (bool, error) {
	f.calls = append(f.calls, dep)
	if f.err != nil {
		return false, f.err
	}
	return false, os.WriteFile(filepath.Join(layerPath, "from-uri"), nil, 0o644)
}

// wheel returns a zip holding rattler/__init__.py and its sha256.
func wheel(t *testing.T) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("rattler/__init__.py")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("# rattler\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), "sha256:" + hex.EncodeToString(sum[:])
}

func argAfter(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func TestUnitWheeldep(t *testing.T) {
	spec.Run(t, "wheeldep", testWheeldep, spec.Report(report.Terminal{}))
}

// writeFile writes content to dir/name, creating parent directories.
var writeFile = testsetup.WriteFile

func testWheeldep(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect    = NewWithT(t).Expect
		python    *fakeExecutable
		installer *fakeInstaller
		fetcher   wheeldep.Fetcher
		cnbPath   string
		layer     string
		data      []byte
		sum       string
		out       bytes.Buffer
	)

	it.Before(func() {
		python = &fakeExecutable{}
		installer = &fakeInstaller{}
		fetcher = wheeldep.NewFetcher(python, installer)
		cnbPath, layer = t.TempDir(), t.TempDir()
		data, sum = wheel(t)
		out.Reset()
		python.stub = func(e pexec.Execution) error {
			e.Stdout.Write([]byte("Saved py_rattler.whl\n"))
			return os.WriteFile(filepath.Join(argAfter(e.Args, "--dest"), "py_rattler-0.28.0-cp310-abi3-manylinux.whl"), data, 0o644)
		}
	})

	context("Load", func() {
		it("reads this buildpack's py-rattler for each architecture", func() {
			for arch, checksum := range map[string]string{
				"amd64": "sha256:4f4ab1d34d5394e7ce130a86e59009c95ace4f5757d9c3af04de1351bcea47eb",
				"arm64": "sha256:61b24202374188e72130f1b3dc63b455befaafc3e49e5481a38b6a6c8828c1e0",
			} {
				dep, err := wheeldep.Load("../../conda/buildpack.toml", "py-rattler", arch)
				Expect(err).NotTo(HaveOccurred())
				Expect(dep.URI).To(Equal("pypi:py-rattler==0.28.0"))
				Expect(dep.Version).To(Equal("0.28.0"))
				Expect(dep.Checksum).To(Equal(checksum))
			}
		})

		context("failure cases", func() {
			it("fails for an architecture with no entry", func() {
				_, err := wheeldep.Load("../../conda/buildpack.toml", "py-rattler", "s390x")
				Expect(err).To(MatchError(ContainSubstring("this buildpack has no py-rattler for the s390x architecture")))
			})

			it("fails on an unreadable file or an entry without sha256", func() {
				_, err := wheeldep.Load(filepath.Join(cnbPath, "missing.toml"), "py-rattler", "amd64")
				Expect(err).To(MatchError(ContainSubstring("reading the dependency list")))
				Expect(writeFile(cnbPath, "buildpack.toml", "[[metadata.dependencies]]\nid = \"py-rattler\"\nuri = \"pypi:x\"\n")).To(Succeed())
				_, err = wheeldep.Load(filepath.Join(cnbPath, "buildpack.toml"), "py-rattler", "amd64")
				Expect(err).To(MatchError(ContainSubstring("has no sha256 checksum")))
			})
		})
	})

	it("downloads a pypi: dependency with the build's pip, checks it and unpacks it", func() {
		source, err := fetcher.Fetch(postal.Dependency{ID: "py-rattler", URI: "pypi:py-rattler==0.28.0", Checksum: sum}, cnbPath, layer, "", &out)
		Expect(err).NotTo(HaveOccurred())
		Expect(source).To(Equal("pip download py-rattler==0.28.0"))
		Expect(python.calls).To(HaveLen(1))
		Expect(python.calls[0].Args).To(ContainElements("-I", "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "py-rattler==0.28.0"))
		Expect(out.String()).To(ContainSubstring("Saved py_rattler.whl"))
		Expect(filepath.Join(layer, "rattler", "__init__.py")).To(BeARegularFile())
		Expect(installer.calls).To(BeEmpty())
	})

	it("uses a wheel vendored in the buildpack without the network", func() {
		Expect(writeFile(cnbPath, filepath.Join("dependencies", sum[len("sha256:"):], "py_rattler.whl"), string(data))).To(Succeed())
		source, err := fetcher.Fetch(postal.Dependency{ID: "py-rattler", URI: "pypi:py-rattler==0.28.0", Checksum: sum}, cnbPath, layer, "", &out)
		Expect(err).NotTo(HaveOccurred())
		Expect(source).To(Equal("the copy vendored in this buildpack"))
		Expect(python.calls).To(BeEmpty())
		Expect(filepath.Join(layer, "rattler", "__init__.py")).To(BeARegularFile())
	})

	it("hands an http(s):// or file:// URI to the dependency installer", func() {
		dep := postal.Dependency{ID: "py-rattler", URI: "https://mirror.example/py_rattler.whl", Checksum: sum}
		source, err := fetcher.Fetch(dep, cnbPath, layer, "", &out)
		Expect(err).NotTo(HaveOccurred())
		Expect(source).To(Equal(dep.URI))
		Expect(installer.calls).To(Equal([]postal.Dependency{dep}))
		Expect(python.calls).To(BeEmpty())
	})

	context("failure cases", func() {
		it("names the file and both sums when the wheel does not match", func() {
			wrong := "sha256:" + hex.EncodeToString(make([]byte, 32))
			_, err := fetcher.Fetch(postal.Dependency{ID: "py-rattler", URI: "pypi:py-rattler==0.28.0", Checksum: wrong}, cnbPath, layer, "", &out)
			Expect(err).To(MatchError(ContainSubstring("The py-rattler wheel py_rattler-0.28.0-cp310-abi3-manylinux.whl does not match its checksum")))
			Expect(err).To(MatchError(ContainSubstring("expected " + wrong)))
			Expect(err).To(MatchError(ContainSubstring("got      " + sum)))
		})

		it("shows pip's output when pip download fails", func() {
			python.stub = func(e pexec.Execution) error {
				e.Stderr.Write([]byte("ERROR: No matching distribution found for py-rattler==0.28.0\n"))
				return errors.New("exit status 1")
			}
			_, err := fetcher.Fetch(postal.Dependency{ID: "py-rattler", URI: "pypi:py-rattler==0.28.0", Version: "0.28.0", Checksum: sum}, cnbPath, layer, "", &out)
			Expect(err).To(MatchError(ContainSubstring("Could not download py-rattler 0.28.0 (pypi:py-rattler==0.28.0)")))
			Expect(err).To(MatchError(ContainSubstring("ERROR: No matching distribution found")))
			Expect(err).To(MatchError(ContainSubstring("PIP_INDEX_URL")))
		})

		it("fails when pip leaves no wheel", func() {
			python.stub = nil
			_, err := fetcher.Fetch(postal.Dependency{ID: "py-rattler", URI: "pypi:py-rattler==0.28.0", Checksum: sum}, cnbPath, layer, "", &out)
			Expect(err).To(MatchError(ContainSubstring("left 0 wheels instead of one")))
		})

		it("fails when the wheel is not a zip", func() {
			data = []byte("not a zip")
			s := sha256.Sum256(data)
			_, err := fetcher.Fetch(postal.Dependency{ID: "py-rattler", URI: "pypi:py-rattler==0.28.0", Checksum: "sha256:" + hex.EncodeToString(s[:])}, cnbPath, layer, "", &out)
			Expect(err).To(MatchError(ContainSubstring("unpacking py_rattler-0.28.0-cp310-abi3-manylinux.whl")))
		})

		it("explains a download or checksum failure of a URI", func() {
			installer.err = errors.New("installing CPython 0.28.0: downloading https://mirror.example/x.whl: the server answered 404 Not Found")
			installer.err = wrap(installer.err)
			_, err := fetcher.Fetch(postal.Dependency{ID: "py-rattler", URI: "https://mirror.example/x.whl", Version: "0.28.0"}, cnbPath, layer, "", &out)
			Expect(err).To(MatchError(ContainSubstring("Could not download py-rattler 0.28.0 (https://mirror.example/x.whl)")))

			installer.err = wrap(errors.New("checksum does not match"))
			_, err = fetcher.Fetch(postal.Dependency{ID: "py-rattler", URI: "https://mirror.example/x.whl", Version: "0.28.0", Checksum: sum}, cnbPath, layer, "", &out)
			Expect(err).To(MatchError(ContainSubstring("The py-rattler 0.28.0 wheel from https://mirror.example/x.whl does not match its checksum")))
		})
	})
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "installing CPython 0.28.0: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }

func wrap(err error) error { return wrapped{err} }
