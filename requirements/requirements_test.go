package requirements_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/requirements"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitRequirements(t *testing.T) {
	spec.Run(t, "requirements", testRequirements, spec.Report(report.Terminal{}), spec.Sequential())
}

func testRequirements(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		app    string
	)

	write := func(rel, content string) {
		path := filepath.Join(app, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}

	it.Before(func() {
		app = t.TempDir()
	})

	context("Locate", func() {
		it("finds requirements.txt at the root", func() {
			write("requirements.txt", "flask\n")
			Expect(requirements.Locate(app)).To(Equal("requirements.txt"))
		})

		it("finds nothing when there is none", func() {
			Expect(requirements.Locate(app)).To(Equal(""))
		})

		it("ignores a directory named requirements.txt", func() {
			Expect(os.Mkdir(filepath.Join(app, "requirements.txt"), 0o755)).To(Succeed())
			Expect(requirements.Locate(app)).To(Equal(""))
		})

		it("prefers CUSTOM_REQUIREMENTSTXT_PATH, relative to the app", func() {
			write("requirements.txt", "flask\n")
			write("reqs/prod.txt", "django\n")
			t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "reqs/prod.txt")
			Expect(requirements.Locate(app)).To(Equal(filepath.Join("reqs", "prod.txt")))
		})

		it("accepts an absolute custom path inside the app", func() {
			write("reqs/prod.txt", "django\n")
			t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", filepath.Join(app, "reqs/prod.txt"))
			Expect(requirements.Locate(app)).To(Equal(filepath.Join("reqs", "prod.txt")))
		})

		context("failure cases", func() {
			it("names a custom path that does not exist", func() {
				t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "reqs/missing.txt")
				_, err := requirements.Locate(app)
				Expect(err).To(MatchError(ContainSubstring("CUSTOM_REQUIREMENTSTXT_PATH=reqs/missing.txt names a requirements file that does not exist in the app")))
				Expect(err).To(MatchError(ContainSubstring("relative to the app's root")))
			})

			it("returns errors other than not-found", func() {
				_, err := requirements.Locate(string([]byte{0}))
				Expect(err).To(MatchError(ContainSubstring("checking for requirements.txt")))
			})
		})
	})

	context("Read", func() {
		it("reads requirements in every accepted form", func() {
			write("requirements.txt", `# a comment
--index-url https://pypi.example/simple
flask==3.0.3   # pinned
Django>=4.2,<5
requests[socks, security] ~= 2.31
uvicorn[standard]
attrs (>=23)
pkg @ https://example.com/pkg-1.0-py3-none-any.whl
colorama; sys_platform == "win32"
numpy==1.26.4 ; python_version >= "3.9" --hash=sha256:abc
./vendor/local-pkg
local-1.0-py3-none-any.whl
git+https://github.com/psf/requests@main
-e .
${PRIVATE_PKG_URL}
six \
  ==1.16.0
`)
			set, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Path).To(Equal("requirements.txt"))
			Expect(set.Files).To(Equal([]string{"requirements.txt"}))
			Expect(set.Requirements).To(Equal(13))
			Expect(set.Digest).To(MatchRegexp(`^sha256:[0-9a-f]{64}$`))
		})

		it("follows -r and -c includes relative to the including file", func() {
			write("requirements.txt", "-r reqs/base.txt\n--constraint=reqs/constraints.txt\nflask\n")
			write("reqs/base.txt", "-r common.txt\nrequests\n")
			write("reqs/common.txt", "six\n")
			write("reqs/constraints.txt", "six==1.16.0\n")
			set, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Files).To(Equal([]string{"requirements.txt", "reqs/base.txt", "reqs/common.txt", "reqs/constraints.txt"}))
			Expect(set.Requirements).To(Equal(4))
		})

		it("reads a file included twice only once", func() {
			write("requirements.txt", "-r a.txt\n-r b.txt\n")
			write("a.txt", "-r common.txt\n")
			write("b.txt", "-r common.txt\n")
			write("common.txt", "six\n")
			set, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Files).To(Equal([]string{"requirements.txt", "a.txt", "common.txt", "b.txt"}))
		})

		it("skips remote includes", func() {
			write("requirements.txt", "-r https://example.com/base.txt\nflask\n")
			set, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Files).To(HaveLen(1))
		})

		it("changes the digest when an included file changes, and only then", func() {
			write("requirements.txt", "-r base.txt\n")
			write("base.txt", "flask\n")
			first, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			again, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(again.Digest).To(Equal(first.Digest))

			write("base.txt", "flask\nrequests\n")
			changed, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(changed.Digest).NotTo(Equal(first.Digest))
		})

		context("failure cases", func() {
			it("names the file and line of a malformed requirement", func() {
				write("requirements.txt", "flask\n\n# ok\nflask = = 2\n")
				_, err := requirements.Read(app, "requirements.txt")
				Expect(err).To(MatchError(ContainSubstring(`requirements.txt line 4 is not a valid requirement: "flask = = 2"`)))
				Expect(err).To(MatchError(ContainSubstring("pip's requirements file format")))
			})

			it("refuses a version without an operator", func() {
				write("reqs.txt", "django 4.2\n")
				_, err := requirements.Read(app, "reqs.txt")
				Expect(err).To(MatchError(ContainSubstring(`reqs.txt line 1 is not a valid requirement: "django 4.2"`)))
			})

			it("names the cycle", func() {
				write("requirements.txt", "-r base.txt\n")
				write("base.txt", "-r requirements.txt\n")
				_, err := requirements.Read(app, "requirements.txt")
				Expect(err).To(MatchError(ContainSubstring("The requirements files include each other in a cycle: requirements.txt -> base.txt -> requirements.txt")))
			})

			it("names a missing include", func() {
				write("requirements.txt", "flask\n-r missing.txt\n")
				_, err := requirements.Read(app, "requirements.txt")
				Expect(err).To(MatchError(ContainSubstring("requirements.txt line 2 includes missing.txt, which does not exist")))
			})

			it("fails on an unreadable file", func() {
				_, err := requirements.Read(app, "nope.txt")
				Expect(err).To(MatchError(ContainSubstring("reading nope.txt")))
			})
		})
	})
}
