package cpython_test

import (
	"testing"

	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/sclevine/spec"

	. "github.com/onsi/gomega"
)

// a poetry.lock with a pure package, a package with wheels up to 3.12
// (pydantic-core), one with a stable-ABI wheel, and a backport whose
// wheels stop at 3.8
const poetryLock = `
[[package]]
name = "six"
version = "1.17.0"
files = [
    {file = "six-1.17.0-py2.py3-none-any.whl", hash = "sha256:0"},
    {file = "six-1.17.0.tar.gz", hash = "sha256:1"},
]

[[package]]
name = "pydantic-core"
version = "2.20.1"
files = [
    {file = "pydantic_core-2.20.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:2"},
    {file = "pydantic_core-2.20.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:3"},
    {file = "pydantic_core-2.20.1-cp313-cp313-macosx_11_0_arm64.whl", hash = "sha256:4"},
    {file = "pydantic_core-2.20.1-cp313-cp313t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:5"},
    {file = "pydantic_core-2.20.1.tar.gz", hash = "sha256:6"},
]

[[package]]
name = "cryptography"
version = "43.0.0"
files = [
    {file = "cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl", hash = "sha256:7"},
]

[[package]]
name = "backports-zoneinfo"
version = "0.2.1"
files = [
    {file = "backports.zoneinfo-0.2.1-cp38-cp38-manylinux1_x86_64.whl", hash = "sha256:8"},
]
`

func testWheels(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		dir    string
		deps   = []postal.Dependency{{Version: "3.14.6"}, {Version: "3.13.1"}, {Version: "3.12.9"}, {Version: "3.12.1"}, {Version: "3.11.11"}, {Version: "3.10.16"}}
	)

	it.Before(func() {
		dir = t.TempDir()
	})

	// choose selects from deps for the requests, then prefers the locked
	// wheels for arch, as Build does
	choose := func(list []cpython.Request, arch string) (cpython.Selection, string) {
		selection, err := cpython.Select(deps, list)
		Expect(err).NotTo(HaveOccurred())
		return cpython.PreferLockedWheels(selection, deps, list, dir, arch)
	}
	prefer := func(requests ...string) (string, string) {
		var list []cpython.Request
		for _, r := range requests {
			c, err := cpython.ParseConstraint(r)
			Expect(err).NotTo(HaveOccurred())
			list = append(list, cpython.Request{Source: "pyproject.toml requires-python", Constraint: c})
		}
		selection, why := choose(list, "amd64")
		return selection.Dependency.Version, why
	}

	it("chooses the newest CPython every locked package has a wheel for, and says why", func() {
		Expect(writeFile(dir, "poetry.lock", poetryLock)).To(Succeed())
		version, why := prefer(">=3.10")
		Expect(version).To(Equal("3.12.9"))
		Expect(why).To(Equal("poetry.lock pins pydantic-core 2.20.1 with no wheel for CPython 3.14 or 3.13, which would be built from source there: " +
			"CPython 3.12 is the newest for which every package it pins has a wheel"))

		// with no request at all, the same
		version, _ = prefer()
		Expect(version).To(Equal("3.12.9"))
	})

	it("reads the wheels of uv.lock from their URLs", func() {
		Expect(writeFile(dir, "uv.lock", `
[[package]]
name = "pydantic-core"
version = "2.20.1"
sdist = { url = "https://index.example/pydantic_core-2.20.1.tar.gz" }
wheels = [
    { url = "https://index.example/files/pydantic_core-2.20.1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" },
]
`)).To(Succeed())
		version, why := prefer()
		Expect(version).To(Equal("3.13.1"))
		Expect(why).To(HavePrefix("uv.lock pins pydantic-core 2.20.1 with no wheel for CPython 3.14,"))
	})

	it("keeps the newest when it has every wheel, when there is no lock, or when the request leaves one minor", func() {
		Expect(writeFile(dir, "poetry.lock", `
[[package]]
name = "pydantic-core"
version = "2.33.0"
files = [{file = "pydantic_core-2.33.0-cp314-cp314-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:0"}]
`)).To(Succeed())
		version, why := prefer(">=3.10")
		Expect(version).To(Equal("3.14.6"))
		Expect(why).To(BeEmpty())

		Expect(writeFile(dir, "poetry.lock", poetryLock)).To(Succeed())
		version, why = prefer("3.14")
		Expect(version).To(Equal("3.14.6"))
		Expect(why).To(BeEmpty())

		dir = t.TempDir()
		version, why = prefer(">=3.10")
		Expect(version).To(Equal("3.14.6"))
		Expect(why).To(BeEmpty())
	})

	it("keeps the newest when no allowed minor has every wheel, and looks at this architecture's wheels", func() {
		Expect(writeFile(dir, "poetry.lock", poetryLock)).To(Succeed())
		version, why := prefer(">=3.13")
		Expect(version).To(Equal("3.14.6"))
		Expect(why).To(BeEmpty())

		// pydantic-core lists no aarch64 wheel: it is built from source on every version
		selection, why := choose(nil, "arm64")
		Expect(selection.Dependency.Version).To(Equal("3.14.6"))
		Expect(why).To(BeEmpty())
	})

	it("keeps to the lower requests the first choice satisfies", func() {
		Expect(writeFile(dir, "poetry.lock", poetryLock)).To(Succeed())
		c, err := cpython.ParseConstraint(">=3.10")
		Expect(err).NotTo(HaveOccurred())
		lower, err := cpython.ParseConstraint(">=3.13")
		Expect(err).NotTo(HaveOccurred())
		list := []cpython.Request{{Source: "a", Constraint: c}, {Source: "b", Constraint: lower}}
		selection, err := cpython.Select(deps, list)
		Expect(err).NotTo(HaveOccurred())
		Expect(selection.Overruled).To(BeEmpty())
		selection, why := cpython.PreferLockedWheels(selection, deps, list, dir, "amd64")
		Expect(selection.Dependency.Version).To(Equal("3.14.6"))
		Expect(selection.Overruled).To(BeEmpty())
		Expect(why).To(BeEmpty())
	})

	context("failure cases", func() {
		it("leaves a lock file it cannot read to the package manager", func() {
			Expect(writeFile(dir, "poetry.lock", "[[package]\nname =")).To(Succeed())
			version, why := prefer(">=3.10")
			Expect(version).To(Equal("3.14.6"))
			Expect(why).To(BeEmpty())
		})
	})
}
