package cpython_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

const dependenciesToml = `
api = "0.10"

[buildpack]
  id = "python-cnb/cpython"

[[metadata.dependencies]]
  id = "cpython"
  version = "3.11.4"
  arch = "amd64"
  uri = "https://example.com/cpython-3.11.4-amd64.tar.gz"
  checksum = "sha256:11"

[[metadata.dependencies]]
  id = "cpython"
  version = "3.12.1"
  arch = "amd64"
  uri = "https://example.com/cpython-3.12.1-amd64.tar.gz"
  checksum = "sha256:12"

[[metadata.dependencies]]
  id = "cpython"
  version = "3.12.1"
  arch = "arm64"
  uri = "https://example.com/cpython-3.12.1-arm64.tar.gz"
  checksum = "sha256:12arm"

[[metadata.dependencies]]
  id = "cpython"
  version = "3.9.18"
  uri = "https://example.com/cpython-3.9.18-any.tar.gz"
  checksum = "sha256:09"

[[metadata.dependencies]]
  id = "uv"
  version = "9.9.9"
  arch = "amd64"
  uri = "https://example.com/uv.tar.gz"
  checksum = "sha256:uv"

[[metadata.dependencies]]
  id = "cpython"
  version = "3.12.10"
  arch = "amd64"
  uri = "https://example.com/cpython-3.12.10-amd64.tar.gz"
  checksum = "sha256:1210"
`

func testDependencies(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		buildpackToml string
	)

	request := func(source, constraint string) cpython.Request {
		c, err := cpython.ParseConstraint(constraint)
		Expect(err).NotTo(HaveOccurred())
		return cpython.Request{Source: source, Constraint: c}
	}

	versionsOf := func(deps []postal.Dependency) []string {
		out := []string{}
		for _, d := range deps {
			out = append(out, d.Version)
		}
		return out
	}

	it.Before(func() {
		buildpackToml = filepath.Join(t.TempDir(), "buildpack.toml")
		Expect(os.WriteFile(buildpackToml, []byte(dependenciesToml), 0o644)).To(Succeed())
	})

	context("LoadDependencies", func() {
		it("keeps CPython builds for the architecture, and those without one, newest first", func() {
			deps, err := cpython.LoadDependencies(buildpackToml, "amd64")
			Expect(err).NotTo(HaveOccurred())
			Expect(versionsOf(deps)).To(Equal([]string{"3.12.10", "3.12.1", "3.11.4", "3.9.18"}))
			Expect(deps[1].Checksum).To(Equal("sha256:12"))
			Expect(deps[1].URI).To(Equal("https://example.com/cpython-3.12.1-amd64.tar.gz"))
			for _, d := range deps {
				Expect(d.ID).To(Equal("cpython"))
			}
		})

		it("keeps builds for another architecture apart", func() {
			deps, err := cpython.LoadDependencies(buildpackToml, "arm64")
			Expect(err).NotTo(HaveOccurred())
			Expect(versionsOf(deps)).To(Equal([]string{"3.12.1", "3.9.18"}))
			Expect(deps[0].Checksum).To(Equal("sha256:12arm"))
		})

		context("failure cases", func() {
			it("reports an architecture with no build", func() {
				Expect(os.WriteFile(buildpackToml, []byte(`
[[metadata.dependencies]]
  id = "cpython"
  version = "3.12.1"
  arch = "amd64"
`), 0o644)).To(Succeed())
				_, err := cpython.LoadDependencies(buildpackToml, "riscv64")
				Expect(err).To(MatchError(ContainSubstring("no CPython build for the riscv64 architecture")))
				Expect(err).To(MatchError(ContainSubstring("build on a supported architecture")))
				Expect(errs.IsUser(err)).To(BeTrue())
			})

			it("reports a buildpack.toml that is not TOML", func() {
				Expect(os.WriteFile(buildpackToml, []byte("[[metadata.dependencies]\nid = "), 0o644)).To(Succeed())
				_, err := cpython.LoadDependencies(buildpackToml, "amd64")
				Expect(err).To(MatchError(HavePrefix("reading the dependency list in " + buildpackToml + ":")))
			})

			it("reports a missing buildpack.toml", func() {
				_, err := cpython.LoadDependencies(filepath.Join(t.TempDir(), "buildpack.toml"), "amd64")
				Expect(err).To(MatchError(ContainSubstring("reading the dependency list")))
			})

			it("reports a version it cannot read", func() {
				Expect(os.WriteFile(buildpackToml, []byte(dependenciesToml+`
[[metadata.dependencies]]
  id = "cpython"
  version = "3.13.0rc1"
  arch = "amd64"
`), 0o644)).To(Succeed())
				_, err := cpython.LoadDependencies(buildpackToml, "amd64")
				Expect(err).To(MatchError(ContainSubstring(`lists CPython version "3.13.0rc1"`)))
				Expect(err).To(MatchError(ContainSubstring(buildpackToml)))
			})
		})
	})

	context("Select", func() {
		var deps []postal.Dependency

		it.Before(func() {
			var err error
			deps, err = cpython.LoadDependencies(buildpackToml, "amd64")
			Expect(err).NotTo(HaveOccurred())
		})

		it("picks the newest build when nothing is asked for", func() {
			s, err := cpython.Select(deps, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Dependency.Version).To(Equal("3.12.10"))
			Expect(s.Request.Source).To(Equal(cpython.DefaultSource))
			Expect(s.Overruled).To(BeEmpty())
		})

		it("picks the newest build matching the first request", func() {
			s, err := cpython.Select(deps, []cpython.Request{request("runtime.txt", "3.11")})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Dependency.Version).To(Equal("3.11.4"))
			Expect(s.Request.Source).To(Equal("runtime.txt"))
			Expect(s.Request.Constraint.String()).To(Equal("3.11"))

			s, err = cpython.Select(deps, []cpython.Request{request("pyproject.toml requires-python", ">=3.10,<3.13")})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Dependency.Version).To(Equal("3.12.10"))
		})

		it("picks an exact patch", func() {
			s, err := cpython.Select(deps, []cpython.Request{request("BP_CPYTHON_VERSION", "3.12.1")})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Dependency.Version).To(Equal("3.12.1"))
			Expect(s.Dependency.Checksum).To(Equal("sha256:12"))
		})

		it("lists lower requests the choice does not satisfy", func() {
			s, err := cpython.Select(deps, []cpython.Request{
				request("runtime.txt", "3.11"),
				request(".python-version", "3.12"),
				request("pyproject.toml requires-python", ">=3.9"),
				request("build plan (Pipfile)", "3.12.*"),
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Dependency.Version).To(Equal("3.11.4"))
			Expect(s.Request.Source).To(Equal("runtime.txt"))
			sources := []string{}
			for _, r := range s.Overruled {
				sources = append(sources, r.Source)
			}
			Expect(sources).To(Equal([]string{".python-version", "build plan (Pipfile)"}))
		})

		context("failure cases", func() {
			it("reports a request no build satisfies, with the supported versions", func() {
				deps := []postal.Dependency{{ID: "cpython", Version: "3.12.1"}, {ID: "cpython", Version: "3.11.4"}}
				_, err := cpython.Select(deps, []cpython.Request{request("runtime.txt", "3.8")})
				Expect(err).To(MatchError(HavePrefix("runtime.txt asks for Python 3.8, which this buildpack does not provide")))
				Expect(err).To(MatchError(ContainSubstring("Supported versions: 3.12.1, 3.11.4")))
				Expect(err).To(MatchError(ContainSubstring("python-3.12")))

				var u *errs.UserError
				Expect(err).To(BeAssignableToTypeOf(u))
				u = err.(*errs.UserError)
				Expect(u.Detail).To(Equal("Supported versions: 3.12.1, 3.11.4"))
				Expect(u.Remedy).To(Equal("write a supported version in runtime.txt, for example python-3.12"))
			})

			it("suggests a fix in the words of each source", func() {
				deps := []postal.Dependency{{ID: "cpython", Version: "3.12.1"}}
				remedy := func(source string) string {
					_, err := cpython.Select(deps, []cpython.Request{request(source, "3.8")})
					Expect(err).To(HaveOccurred())
					return err.(*errs.UserError).Remedy
				}
				Expect(remedy(".python-version")).To(Equal("write a supported version in .python-version, for example 3.12"))
				Expect(remedy("pyproject.toml requires-python")).To(Equal("widen requires-python in pyproject.toml to include a supported version, for example >=3.12"))
				Expect(remedy("BP_CPYTHON_VERSION")).To(Equal("set BP_CPYTHON_VERSION to a supported version, for example 3.12"))
				Expect(remedy("PYTHON_VERSION")).To(Equal("set PYTHON_VERSION to a supported version, for example 3.12"))
				Expect(remedy("build plan (Pipfile)")).To(Equal("ask for a supported version, for example 3.12"))
			})
		})
	})
}
