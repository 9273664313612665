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

			it("refuses a custom path outside the app without reading it", func() {
				outside := filepath.Join(filepath.Dir(app), "API_TOKEN")
				Expect(os.WriteFile(outside, []byte("s3cret\n"), 0o644)).To(Succeed())
				t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "../API_TOKEN")
				_, err := requirements.Locate(app)
				Expect(err).To(MatchError(ContainSubstring("CUSTOM_REQUIREMENTSTXT_PATH=../API_TOKEN points outside the app")))
				Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
			})

			it("returns errors other than not-found", func() {
				_, err := requirements.Locate(string([]byte{0}))
				Expect(err).To(MatchError(ContainSubstring("checking for requirements.txt")))
			})
		})
	})

	context("Read", func() {
		it("reads requirements in every accepted form", func() {
			write("vendor/local-pkg/setup.py", "")
			write("local-1.0-py3-none-any.whl", "")
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
			Expect(set.Local).To(Equal([]string{"vendor/local-pkg", "local-1.0-py3-none-any.whl", "."}))
			Expect(set.InstallsApp()).To(BeTrue())
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

		it("adds every file and local package to a layer's inputs, so that editing any of them changes the key", func() {
			write("requirements.txt", "-r base.txt\n-e ./libs/greet\n")
			write("base.txt", "flask\n")
			write("libs/greet/greet.py", "x = 1\n")
			key := func() map[string]string {
				set, err := requirements.Read(app, "requirements.txt")
				Expect(err).NotTo(HaveOccurred())
				var in inputs.Set
				set.AddTo(&in)
				m, err := in.Map()
				Expect(err).NotTo(HaveOccurred())
				return m
			}
			first := key()
			Expect(first).To(HaveKey("file:requirements.txt"))
			Expect(first).To(HaveKey("file:base.txt"))
			Expect(first).To(HaveKey("tree:libs/greet"))
			Expect(key()).To(Equal(first))

			write("libs/greet/greet.py", "x = 2\n")
			second := key()
			Expect(second["tree:libs/greet"]).NotTo(Equal(first["tree:libs/greet"]))
			write("base.txt", "flask\nrequests\n")
			Expect(key()["file:base.txt"]).NotTo(Equal(second["file:base.txt"]))
		})

		it("records local packages in every form pip accepts, relative to the app's root", func() {
			write("libs/a/setup.py", "")
			write("libs/b/pyproject.toml", "")
			write("libs/c/setup.py", "")
			write("wheels/d-1.0-py3-none-any.whl", "")
			write("links/readme.txt", "")
			write("reqs/prod.txt", "-e ./libs/a\n--editable=libs/b\n"+
				"c @ file://"+filepath.Join(app, "libs/c")+"\n"+
				"file:wheels/d-1.0-py3-none-any.whl\n"+
				"--find-links ./links\n-f https://example.com/links\n"+
				"-e git+https://github.com/psf/requests#egg=requests\n"+
				"flask @ https://example.com/flask.whl\n")
			set, err := requirements.Read(app, "reqs/prod.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Local).To(Equal([]string{"libs/a", "libs/b", "libs/c", "wheels/d-1.0-py3-none-any.whl", "links"}))
			Expect(set.InstallsApp()).To(BeFalse())
		})

		it("reads files with a UTF-8 byte order mark, and UTF-16 as PowerShell writes it", func() {
			write("requirements.txt", "\xEF\xBB\xBFflask==3.1.0\r\n-r base.txt\r\n")
			utf16 := []byte{0xFF, 0xFE}
			for _, c := range "six==1.17.0\r\n" {
				utf16 = append(utf16, byte(c), 0)
			}
			Expect(os.WriteFile(filepath.Join(app, "base.txt"), utf16, 0o644)).To(Succeed())
			set, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Files).To(Equal([]string{"requirements.txt", "base.txt"}))
			Expect(set.Requirements).To(Equal(2))
		})

		it("follows an absolute include that stays inside the app", func() {
			write("requirements.txt", "-r "+filepath.Join(app, "reqs/base.txt")+"\n")
			write("reqs/base.txt", "six\n")
			set, err := requirements.Read(app, "requirements.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Files).To(Equal([]string{"requirements.txt", "reqs/base.txt"}))
		})

		it("reads requirements given as text", func() {
			write("libs/a/setup.py", "")
			set, err := requirements.ReadText(app, "pyproject.toml [project.dependencies]", "flask>=3\n./libs/a\n")
			Expect(err).NotTo(HaveOccurred())
			Expect(set.Requirements).To(Equal(2))
			Expect(set.Local).To(Equal([]string{"libs/a"}))
			_, err = requirements.ReadText(app, "pyproject.toml [project.dependencies]", "flask = = 2\n")
			Expect(err).To(MatchError(ContainSubstring("pyproject.toml [project.dependencies] line 1 is not a valid requirement")))
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

			it("shows invisible characters in a line it refuses", func() {
				write("requirements.txt", "fla\u200bsk==3\n")
				_, err := requirements.Read(app, "requirements.txt")
				Expect(err).To(MatchError(ContainSubstring(`requirements.txt line 1 is not a valid requirement: "fla\u200bsk==3"`)))
			})

			it("refuses an include that leads outside the app, without reading it", func() {
				outside := filepath.Join(filepath.Dir(app), "secret.txt")
				Expect(os.WriteFile(outside, []byte("TOKEN=abc\n"), 0o644)).To(Succeed())
				write("requirements.txt", "-r ../secret.txt\n")
				_, err := requirements.Read(app, "requirements.txt")
				Expect(err).To(MatchError(ContainSubstring("requirements.txt line 1 (-r ../secret.txt) points outside the app")))
				Expect(err.Error()).NotTo(ContainSubstring("TOKEN"))
			})

			it("refuses a local package outside the app, and one that is not there", func() {
				write("requirements.txt", "-e ../elsewhere\n")
				_, err := requirements.Read(app, "requirements.txt")
				Expect(err).To(MatchError(ContainSubstring("requirements.txt line 1 points outside the app: ../elsewhere")))
				write("requirements.txt", "six\n./libs/missing\n")
				_, err = requirements.Read(app, "requirements.txt")
				Expect(err).To(MatchError(ContainSubstring("requirements.txt line 2 names ./libs/missing, which is not in the app")))
			})
		})
	})
}
