package integration_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

// managed is what testdata/managed/server.py answers.
type managed struct {
	Packages []string `json:"packages"`
	Greet    *string  `json:"greet"`
	Prefix   string   `json:"prefix"`
	Version  string   `json:"version"`
}

func managedFacts(t *testing.T, image string) managed {
	t.Helper()
	var m managed
	if err := json.Unmarshal([]byte(get(t, serve(t, image))), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// names are the distribution names of name==version entries.
func names(packages []string) []string {
	var out []string
	for _, p := range packages {
		name, _, _ := strings.Cut(p, "==")
		out = append(out, name)
	}
	return out
}

// greetPackage writes a local package greet (hatchling) whose MESSAGE is message.
func greetPackage(t *testing.T, dir, message string) {
	t.Helper()
	for name, content := range map[string]string{
		"libs/greet/pyproject.toml":    "[project]\nname = \"greet\"\nversion = \"0.1\"\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n",
		"libs/greet/greet/__init__.py": fmt.Sprintf("MESSAGE = %q\n", message),
	} {
		if err := writeFile(filepath.Join(dir, name), content); err != nil {
			t.Fatal(err)
		}
	}
}

func testManagers(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	const uvID, poetryID = "python-cnb/uv", "python-cnb/poetry"

	it("installs a uv project that is a package, with a local package and without its dev group; reuses it, and rebuilds it from the lock", func() {
		uv := pytool(t, "uv")
		image := imageName(t)
		source := app(t, "managed", map[string]string{
			"pyproject.toml": `[project]
name = "uvapp"
version = "1.0"
requires-python = ">=3.10"
dependencies = ["six", "greet"]

[dependency-groups]
dev = ["idna"]

[tool.uv.sources]
greet = { path = "libs/greet" }

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["uvapp"]
`,
			"uvapp/__init__.py": "",
		})
		greetPackage(t, source, "hello from greet 1")
		inDir(t, source, nil, uv, "lock", "--quiet")

		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Installing the dependencies with uv (from uv.lock)"))
		Expect(logs).To(ContainSubstring("Installing uv 0.13.9 (rebuilding layer: no cached layer)"))
		Expect(logs).To(ContainSubstring("Running 'uv sync --locked --no-default-groups --no-editable'"))
		m := managedFacts(t, image)
		Expect(names(m.Packages)).To(ContainElements("six", "greet", "uvapp"))
		Expect(names(m.Packages)).NotTo(ContainElement("idna"))
		Expect(*m.Greet).To(Equal("hello from greet 1"))
		Expect(m.Prefix).To(Equal("/layers/python-cnb_uv/venv"))
		Expect(dockerRun(image, "python", "-I", "-c", "import uvapp; print(uvapp.__file__)")).To(HavePrefix("/layers/python-cnb_uv/venv/lib/python"))
		first := layerSHA(t, image, uvID, "venv")

		// nothing changed: uv does not run, and the layer is the same
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Every input of the environment is unchanged: uv did not run"))
		Expect(logs).NotTo(ContainSubstring("Running 'uv"))
		Expect(layerSHA(t, image, uvID, "venv")).To(Equal(first))

		// a change to the local package rebuilds, naming it
		greetPackage(t, source, "hello from greet 2")
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("the files in libs/greet changed"))
		Expect(*managedFacts(t, image).Greet).To(Equal("hello from greet 2"))

		// a package dropped from the lock is gone
		Expect(writeFile(filepath.Join(source, "pyproject.toml"), strings.Replace(readFile(t, source, "pyproject.toml"), `"six", `, "", 1))).To(Succeed())
		inDir(t, source, nil, uv, "lock", "--quiet")
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("uv.lock changed"))
		Expect(names(managedFacts(t, image).Packages)).NotTo(ContainElement("six"))

		// a lock that no longer matches pyproject.toml fails, saying how to fix it
		Expect(writeFile(filepath.Join(source, "pyproject.toml"), strings.Replace(readFile(t, source, "pyproject.toml"), `dependencies = [`, `dependencies = ["idna", `, 1))).To(Succeed())
		logs, err := build(t, image, source, suite.buildpack)
		Expect(err).To(HaveOccurred())
		Expect(logs).To(ContainSubstring("uv.lock is out of date: it does not match pyproject.toml"))
		Expect(logs).To(ContainSubstring("run `uv lock` and commit the updated uv.lock"))
	})

	it("installs a uv project that is not a package with a group asked for, when BP_PYTHON_PACKAGE_MANAGER chooses uv over requirements.txt, on the newest CPython its locked wheels support", func() {
		uv := pytool(t, "uv")
		image := imageName(t)
		source := app(t, "managed", map[string]string{
			// MarkupSafe 2.1.5 has wheels for CPython 3.7 to 3.12 only (and the
			// suite's 3.12 cannot be downloaded)
			"pyproject.toml": `[project]
name = "uvapp"
version = "1.0"
requires-python = ">=3.10,!=3.12.*"
dependencies = ["six", "markupsafe==2.1.5"]

[dependency-groups]
dev = ["idna"]
web = ["packaging"]
`,
			"requirements.txt": "flask\n",
		})
		inDir(t, source, nil, uv, "lock", "--quiet")
		logs := mustBuild(t, image, source, suite.buildpack,
			"--env", "BP_PYTHON_PACKAGE_MANAGER=uv", "--env", "BP_PYTHON_INSTALL_GROUPS=web")
		Expect(logs).To(ContainSubstring("Warning: the app also has requirements.txt, which this build ignores: uv installs the dependencies (from BP_PYTHON_PACKAGE_MANAGER=uv)"))
		Expect(logs).To(ContainSubstring("Running 'uv sync --locked --no-default-groups --no-editable --no-install-project --group web'"))
		Expect(logs).To(ContainSubstring(`Selected CPython 3.11.11 (from pyproject.toml requires-python: ">=3.10,!=3.12.*")`))
		Expect(logs).To(ContainSubstring("uv.lock pins markupsafe 2.1.5 with no wheel for CPython 3.14 or 3.13, which would be built from source there: " +
			"CPython 3.11 is the newest for which every package it pins has a wheel"))
		m := managedFacts(t, image)
		Expect(m.Version).To(Equal("3.11.11"))
		Expect(names(m.Packages)).To(ContainElements("six", "packaging", "markupsafe"))
		Expect(names(m.Packages)).NotTo(ContainElements("idna", "flask", "uvapp"))
	})

	it("installs a Poetry project with a group, and its root package, as Poetry does", func() {
		poetry := pytool(t, "poetry")
		image := imageName(t)
		source := app(t, "managed", map[string]string{
			"pyproject.toml": fmt.Sprintf(`[project]
name = "poetryapp"
version = "1.0"
requires-python = ">=3.10"
dependencies = ["six"]

[tool.poetry]
packages = [{ include = "poetryapp" }]

[tool.poetry.group.dev.dependencies]
idna = "*"

[tool.poetry.group.web.dependencies]
packaging = "*"

[[tool.poetry.source]]
name = "index"
url = %q
priority = "primary"

[build-system]
requires = ["poetry-core>=2"]
build-backend = "poetry.core.masonry.api"
`, indexURL(t)),
			"poetryapp/__init__.py": "",
		})
		inDir(t, source, nil, poetry, "lock", "--no-interaction")
		logs := mustBuild(t, image, source, suite.buildpack, "--env", "BP_PYTHON_INSTALL_GROUPS=web")
		Expect(logs).To(ContainSubstring("Installing the dependencies with poetry (from poetry.lock)"))
		Expect(logs).To(ContainSubstring("Installing poetry 2.5.1 (rebuilding layer: no cached layer)"))
		Expect(logs).To(ContainSubstring("Running 'poetry sync --only main,web --no-ansi'"))
		m := managedFacts(t, image)
		Expect(names(m.Packages)).To(ContainElements("six", "packaging", "poetryapp"))
		Expect(names(m.Packages)).NotTo(ContainElements("idna", "poetry"))
		Expect(m.Prefix).To(Equal("/layers/python-cnb_poetry/venv"))

		logs = mustBuild(t, image, source, suite.buildpack, "--env", "BP_PYTHON_INSTALL_GROUPS=web")
		Expect(logs).To(ContainSubstring("poetry did not run"))
		Expect(logs).NotTo(ContainSubstring("Running 'poetry"))
		Expect(logs).NotTo(ContainSubstring(`Restoring data for "python-cnb/poetry:venv"`))
	})

	it("installs the dependencies of a Poetry project in non-package mode from PyPI, building a local package with setuptools from PyPI, and refuses a stale poetry.lock", func() {
		poetry := pytool(t, "poetry")
		image := imageName(t)
		source := app(t, "managed", map[string]string{
			"pyproject.toml": fmt.Sprintf(`[project]
name = "poetryapp"
version = "1.0"
requires-python = ">=3.10"
dependencies = ["six", "greet"]

[tool.poetry]
package-mode = false

[tool.poetry.dependencies]
greet = { path = "libs/greet" }

[[tool.poetry.source]]
name = "index"
url = %q
priority = "primary"
`, indexURL(t)),
			// built by Poetry in an environment of its own, with setuptools
			// that Poetry finds on PyPI
			"libs/greet/pyproject.toml": "[project]\nname = \"greet\"\nversion = \"0.1\"\n\n" +
				"[build-system]\nrequires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n",
			"libs/greet/greet.py": "MESSAGE = \"built by setuptools\"\n",
		})
		inDir(t, source, nil, poetry, "lock", "--no-interaction")
		poetryFromPyPI(t, source)
		Expect(readFile(t, source, "poetry.lock")).NotTo(ContainSubstring(`type = "legacy"`))
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("package-mode = false: Poetry installs the dependencies only, not the project"))
		m := managedFacts(t, image)
		Expect(names(m.Packages)).To(ContainElements("six", "greet"))
		Expect(names(m.Packages)).NotTo(ContainElement("poetryapp"))
		Expect(m.Greet).NotTo(BeNil())
		Expect(*m.Greet).To(Equal("built by setuptools"))
		Expect(layerSHA(t, image, poetryID, "venv")).NotTo(BeEmpty())

		Expect(writeFile(filepath.Join(source, "pyproject.toml"), strings.Replace(readFile(t, source, "pyproject.toml"), `["six", "greet"]`, `["six", "greet", "idna"]`, 1))).To(Succeed())
		logs, err := build(t, image, source, suite.buildpack)
		Expect(err).To(HaveOccurred())
		Expect(logs).To(ContainSubstring("poetry.lock is out of date: it does not match pyproject.toml"))
		Expect(logs).To(ContainSubstring("pyproject.toml changed significantly since poetry.lock was last generated"))
		Expect(logs).To(ContainSubstring("run `poetry lock` and commit the updated poetry.lock"))
	})

	it("installs a Pipfile.lock without its dev packages, on the CPython the Pipfile asks for, also when an older Pipenv wrote it, and refuses a stale lock and a Pipfile without a lock", func() {
		pipenv := pytool(t, "pipenv")
		image := imageName(t)
		minor := strings.Join(strings.Split(suite.versions[2], ".")[:2], ".")
		source := app(t, "managed", map[string]string{
			"Pipfile": fmt.Sprintf(`[[source]]
url = %q
verify_ssl = true
name = "index"

[packages]
Six = "*"

[dev-packages]
idna = "*"

[requires]
python_version = %q
`, indexURL(t), minor),
		})
		inDir(t, source, []string{"PIPENV_VENV_IN_PROJECT=1", "PIPENV_VERBOSITY=-1"}, pipenv, "lock")
		Expect(os.RemoveAll(filepath.Join(source, ".venv"))).To(Succeed())
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring(`Pipfile [requires]                   -> "` + minor + `"`))
		Expect(logs).To(ContainSubstring("Running 'pipenv sync'"))
		Expect(logs).NotTo(ContainSubstring("an older Pipenv wrote"))
		m := managedFacts(t, image)
		Expect(m.Version).To(HavePrefix(minor + "."))
		Expect(names(m.Packages)).To(ContainElement("six"))
		Expect(names(m.Packages)).NotTo(ContainElements("idna", "pipenv"))
		Expect(m.Prefix).To(Equal("/layers/python-cnb_pipenv/venv"))

		// A lock with the hash older Pipenv computed, from the package names as
		// the Pipfile writes them ("Six"), as most existing locks have: it installs.
		older := strings.TrimSpace(inDir(t, source, nil, pytool(t, "python"), "-I", "-c",
			"from pipenv.vendor import plette; print(plette.Pipfile.load(open('Pipfile')).get_hash().value)"))
		var lock map[string]interface{}
		Expect(json.Unmarshal([]byte(readFile(t, source, "Pipfile.lock")), &lock)).To(Succeed())
		hash := lock["_meta"].(map[string]interface{})["hash"].(map[string]interface{})
		Expect(hash["sha256"]).NotTo(Equal(older)) // this Pipenv hashes "six"
		hash["sha256"] = older
		rewritten, err := json.Marshal(lock)
		Expect(err).NotTo(HaveOccurred())
		Expect(writeFile(filepath.Join(source, "Pipfile.lock"), string(rewritten))).To(Succeed())
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Pipfile.lock matches the Pipfile as Pipenv hashed it before it compared package names in canonical form (a lock an older Pipenv wrote)"))
		Expect(names(managedFacts(t, image).Packages)).To(ContainElement("six"))

		// a Pipfile changed since the lock: refused before anything is installed
		Expect(writeFile(filepath.Join(source, "Pipfile"), strings.Replace(readFile(t, source, "Pipfile"), `Six = "*"`, "Six = \"*\"\nidna = \"*\"", 1))).To(Succeed())
		logs, err = build(t, imageName(t), source, suite.buildpack)
		Expect(err).To(HaveOccurred())
		Expect(logs).To(ContainSubstring("Pipfile.lock is out of date: it does not match the Pipfile"))
		Expect(logs).To(ContainSubstring("run `pipenv lock` and commit the updated Pipfile.lock"))
		Expect(logs).NotTo(ContainSubstring("six-"))

		Expect(os.Remove(filepath.Join(source, "Pipfile.lock"))).To(Succeed())
		logs, err = build(t, imageName(t), source, suite.buildpack)
		Expect(err).To(HaveOccurred())
		Expect(logs).To(ContainSubstring("Pipenv installs the dependencies (Pipfile), but the app has no Pipfile.lock"))
		Expect(logs).To(ContainSubstring("run `pipenv lock` and commit Pipfile.lock with the app"))
	})

	it("installs the dependencies of a PEP 621 project without [build-system]", func() {
		image := imageName(t)
		source := app(t, "managed", map[string]string{
			"pyproject.toml": "[project]\nname = \"app\"\nversion = \"1.0\"\ndependencies = [\"six\", \"packaging>=24\"]\n",
		})
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Installing the dependencies with pip (from pyproject.toml)"))
		Expect(logs).To(ContainSubstring("pyproject.toml has [project] but no [build-system]: pip installs its dependencies, not the app itself"))
		m := managedFacts(t, image)
		Expect(names(m.Packages)).To(ContainElements("six", "packaging"))
		Expect(names(m.Packages)).NotTo(ContainElement("app"))
	})

	it("installs a requirements file with uv when PYTHON_FAST_BUILD_ENABLED=true", func() {
		image := imageName(t)
		source := app(t, "managed", map[string]string{"requirements.txt": "six\npackaging\n"})
		logs := mustBuild(t, image, source, suite.buildpack, "--env", "PYTHON_FAST_BUILD_ENABLED=true")
		Expect(logs).To(ContainSubstring("PYTHON_FAST_BUILD_ENABLED=true: uv installs requirements.txt; pip takes over if uv fails"))
		Expect(logs).To(ContainSubstring("Running 'uv pip install --python /layers/python-cnb_pip/venv/bin/python --requirement requirements.txt'"))
		Expect(logs).NotTo(ContainSubstring("Running 'pip install"))
		Expect(names(managedFacts(t, image).Packages)).To(ContainElements("six", "packaging"))
	})
}

// readFile returns a file of an app directory.
func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(content)
}
