package lockfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/python-cnb/buildpack/internal/lockfile"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"

	. "github.com/onsi/gomega"
)

func TestUnitLockfile(t *testing.T) {
	spec.Run(t, "lockfile", testLockfile, spec.Report(report.Terminal{}))
}

func testLockfile(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		dir    string
	)

	it.Before(func() {
		dir = t.TempDir()
	})

	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
		return path
	}

	it("reads uv.lock's wheels and sdist, named by file name, URL or path", func() {
		packages, err := lockfile.Read(write("uv.lock", `
version = 1

[[package]]
name = "MarkupSafe"
version = "2.1.5"
sdist = { url = "https://index.example/files/markupsafe-2.1.5.tar.gz?x=1", hash = "sha256:aa" }
wheels = [
    { url = "https://index.example/files/MarkupSafe-2.1.5-cp312-cp312-manylinux_2_17_x86_64.whl", hash = "sha256:bb" },
    { path = "wheels/local-1.0-py3-none-any.whl", hash = "sha256:cc" },
    { filename = "named-1.0-py3-none-any.whl", url = "https://index.example/x", hash = "sha256:dd" },
]

[[package]]
name = "app"
version = "1.0"
source = { editable = "." }
`))
		Expect(err).NotTo(HaveOccurred())
		Expect(packages).To(Equal([]lockfile.Package{
			{Name: "MarkupSafe", Version: "2.1.5", Files: []lockfile.File{
				{Name: "MarkupSafe-2.1.5-cp312-cp312-manylinux_2_17_x86_64.whl", Hash: "sha256:bb"},
				{Name: "local-1.0-py3-none-any.whl", Hash: "sha256:cc"},
				{Name: "named-1.0-py3-none-any.whl", Hash: "sha256:dd"},
				{Name: "markupsafe-2.1.5.tar.gz", Hash: "sha256:aa"},
			}},
			{Name: "app", Version: "1.0"},
		}))
	})

	it("reads poetry.lock's files", func() {
		packages, err := lockfile.Read(write("poetry.lock", `
[[package]]
name = "six"
version = "1.17.0"
files = [
    {file = "six-1.17.0-py2.py3-none-any.whl", hash = "sha256:ff"},
]
`))
		Expect(err).NotTo(HaveOccurred())
		Expect(packages).To(Equal([]lockfile.Package{{Name: "six", Version: "1.17.0", Files: []lockfile.File{
			{Name: "six-1.17.0-py2.py3-none-any.whl", Hash: "sha256:ff"},
		}}}))
	})

	it("gives nothing for another file", func() {
		packages, err := lockfile.Read(write("Pipfile.lock", "{}"))
		Expect(err).NotTo(HaveOccurred())
		Expect(packages).To(BeNil())
	})

	it("reads a wheel's tag sets from its file name", func() {
		python, abi, platform, ok := lockfile.WheelTags("pydantic_core-2.20.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
		Expect(ok).To(BeTrue())
		Expect(python).To(Equal([]string{"cp312"}))
		Expect(abi).To(Equal([]string{"cp312"}))
		Expect(platform).To(Equal([]string{"manylinux_2_17_x86_64", "manylinux2014_x86_64"}))

		python, _, _, ok = lockfile.WheelTags("six-1.17.0-1-py2.py3-none-any.whl") // with a build number
		Expect(ok).To(BeTrue())
		Expect(python).To(Equal([]string{"py2", "py3"}))
	})

	context("failure cases", func() {
		it("fails on a lock file that is not TOML", func() {
			_, err := lockfile.Read(write("uv.lock", "[[package]\nname ="))
			Expect(err).To(HaveOccurred())
			_, err = lockfile.Read(write("poetry.lock", "files = ["))
			Expect(err).To(HaveOccurred())
		})

		it("takes a file that is not a wheel, or a wheel name without its tags, as no wheel", func() {
			_, _, _, ok := lockfile.WheelTags("six-1.17.0.tar.gz")
			Expect(ok).To(BeFalse())
			_, _, _, ok = lockfile.WheelTags("six-1.17.0.whl")
			Expect(ok).To(BeFalse())
		})
	})
}
