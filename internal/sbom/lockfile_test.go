package sbom_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/sbom"
	"github.com/sclevine/spec"
)

func testLockFile(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect     = NewWithT(t).Expect
		app, layer string
	)

	it.Before(func() {
		t.Setenv("TMPDIR", t.TempDir())
		app, layer = t.TempDir(), t.TempDir()
		writeFiles(t, layer, map[string]string{
			// a pure-Python wheel, a binary wheel, and one built here from its sdist
			"lib/python3.12/site-packages/six-1.17.0.dist-info/METADATA":       "Name: six\nVersion: 1.17.0\n",
			"lib/python3.12/site-packages/six-1.17.0.dist-info/WHEEL":          "Wheel-Version: 1.0\nTag: py2-none-any\nTag: py3-none-any\n",
			"lib/python3.12/site-packages/MarkupSafe-3.0.2.dist-info/METADATA": "Name: MarkupSafe\nVersion: 3.0.2\n",
			"lib/python3.12/site-packages/MarkupSafe-3.0.2.dist-info/WHEEL":    "Wheel-Version: 1.0\nTag: cp312-cp312-manylinux_2_17_x86_64\nTag: cp312-cp312-manylinux2014_x86_64\n",
			"lib/python3.12/site-packages/psycopg2-2.9.10.dist-info/METADATA":  "Name: psycopg2\nVersion: 2.9.10\n",
			"lib/python3.12/site-packages/psycopg2-2.9.10.dist-info/WHEEL":     "Wheel-Version: 1.0\nTag: cp312-cp312-linux_x86_64\n",
			"lib/python3.12/site-packages/unlisted-1.0.dist-info/METADATA":     "Name: unlisted\nVersion: 1.0\n",
			"lib/python3.12/site-packages/two_wheels-1.0.dist-info/METADATA":   "Name: two-wheels\nVersion: 1.0\n",
			"lib/python3.12/site-packages/two_wheels-1.0.dist-info/WHEEL":      "Wheel-Version: 1.0\nTag: py3-none-any\n",
		})
	})

	digests := func() map[string]string {
		components, err := sbom.Describe(layer, "/cnb", nil, nil)
		Expect(err).NotTo(HaveOccurred())
		found := map[string]string{}
		for _, c := range components {
			found[c.Name] = c.SHA256
		}
		return found
	}

	it("gives each distribution installed from uv.lock the digest of the wheel with its tags, or of the sdist it was built from", func() {
		// the index is a placeholder: lock files in the repository name no registry host
		lock := filepath.Join(app, "uv.lock")
		Expect(os.WriteFile(lock, []byte(`version = 1

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }

[[package]]
name = "markupsafe"
version = "3.0.2"
source = { registry = "https://index.example/simple" }
sdist = { url = "https://index.example/files/markupsafe-3.0.2.tar.gz", hash = "sha256:aaaa", size = 1 }
wheels = [
    { url = "https://index.example/files/MarkupSafe-3.0.2-cp312-cp312-macosx_11_0_arm64.whl", hash = "sha256:bbbb", size = 1 },
    { url = "https://index.example/files/MarkupSafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:CCCC", size = 1 },
]

[[package]]
name = "psycopg2"
version = "2.9.10"
sdist = { url = "https://index.example/files/psycopg2-2.9.10.tar.gz", hash = "sha256:dddd", size = 1 }
wheels = [{ url = "https://index.example/files/psycopg2-2.9.10-cp312-cp312-win_amd64.whl", hash = "sha256:eeee", size = 1 }]

[[package]]
name = "six"
version = "1.17.0"
sdist = { url = "https://index.example/files/six-1.17.0.tar.gz", hash = "sha256:ffff", size = 1 }
wheels = [{ url = "https://index.example/files/six-1.17.0-py2.py3-none-any.whl", hash = "sha256:1111", size = 1 }]

[[package]]
name = "two-wheels"
version = "1.0"
wheels = [
    { url = "https://index.example/files/two_wheels-1.0-py3-none-any.whl", hash = "sha256:2222" },
    { url = "https://index.example/files/two_wheels-1.0-1-py3-none-any.whl", hash = "sha256:3333" },
]
`), 0o644)).To(Succeed())
		Expect(sbom.RecordLock(layer, lock)).To(Succeed())
		Expect(digests()).To(Equal(map[string]string{
			"MarkupSafe": "cccc",
			"psycopg2":   "dddd",
			"six":        "1111",
			"unlisted":   "",
			"two-wheels": "", // two archives fit: none is claimed
		}))
		entries, err := os.ReadDir(layer)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(1), "the record is kept outside the layer")
	})

	it("reads poetry.lock's files the same way", func() {
		lock := filepath.Join(app, "poetry.lock")
		Expect(os.WriteFile(lock, []byte(`[[package]]
name = "six"
version = "1.17.0"
description = "Python 2 and 3 compatibility utilities"
optional = false
python-versions = ">=2.7"
files = [
    {file = "six-1.17.0-py2.py3-none-any.whl", hash = "sha256:4444"},
    {file = "six-1.17.0.tar.gz", hash = "sha256:5555"},
]

[metadata]
lock-version = "2.1"
content-hash = "0000"
`), 0o644)).To(Succeed())
		Expect(sbom.RecordLock(layer, lock)).To(Succeed())
		Expect(digests()["six"]).To(Equal("4444"))
	})

	it("leaves Pipfile.lock to pip's report", func() {
		lock := filepath.Join(app, "Pipfile.lock")
		Expect(os.WriteFile(lock, []byte(`{"default": {"six": {"hashes": ["sha256:4444"], "version": "==1.17.0"}}}`), 0o644)).To(Succeed())
		Expect(sbom.RecordLock(layer, lock)).To(Succeed())
		Expect(digests()["six"]).To(BeEmpty())
	})

	context("failure cases", func() {
		it("names a lock file that is not TOML", func() {
			lock := filepath.Join(app, "uv.lock")
			Expect(os.WriteFile(lock, []byte("[[package]\n"), 0o644)).To(Succeed())
			Expect(sbom.RecordLock(layer, lock)).To(MatchError(ContainSubstring("reading the archive digests of uv.lock for the bill of materials")))
		})
	})
}
