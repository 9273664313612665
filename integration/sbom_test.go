package integration_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

// cdxDoc is what the tests read of a CycloneDX document.
type cdxDoc struct {
	SpecVersion string `json:"specVersion"`
	Metadata    struct {
		Component cdxComponent `json:"component"`
	} `json:"metadata"`
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	Type     string `json:"type"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	PURL     string `json:"purl"`
	CPE      string `json:"cpe"`
	Licenses []struct {
		License *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"license"`
		Expression string `json:"expression"`
	} `json:"licenses"`
	Hashes []struct {
		Alg     string `json:"alg"`
		Content string `json:"content"`
	} `json:"hashes"`
	Components []cdxComponent `json:"components"`
}

// license is the component's licenses, joined for assertions.
func (c cdxComponent) license() string {
	var parts []string
	for _, l := range c.Licenses {
		switch {
		case l.Expression != "":
			parts = append(parts, l.Expression)
		case l.License != nil && l.License.ID != "":
			parts = append(parts, l.License.ID)
		case l.License != nil:
			parts = append(parts, l.License.Name)
		}
	}
	return strings.Join(parts, "; ")
}

func (c cdxComponent) sha256() string {
	for _, h := range c.Hashes {
		if h.Alg == "SHA-256" {
			return h.Content
		}
	}
	return ""
}

// spdxDoc is what the tests read of an SPDX document.
type spdxDoc struct {
	SPDXVersion string `json:"spdxVersion"`
	Packages    []struct {
		Name            string `json:"name"`
		Version         string `json:"versionInfo"`
		LicenseDeclared string `json:"licenseDeclared"`
	} `json:"packages"`
}

// sbomDownload runs `pack sbom download` for the image and returns the
// directory holding layers/sbom/launch/<buildpack>/<layer>/sbom.*.json.
func sbomDownload(t *testing.T, image string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("pack", "sbom", "download", image, "--output-dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("pack sbom download: %v\n%s", err, out)
	}
	return filepath.Join(dir, "layers", "sbom", "launch")
}

// layerDocs lists the downloaded documents, as "<buildpack>/<layer>/<file>".
func layerDocs(t *testing.T, launch string) []string {
	t.Helper()
	var docs []string
	err := filepath.Walk(launch, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && (strings.HasSuffix(path, ".cdx.json") || strings.HasSuffix(path, ".spdx.json")) {
			rel, _ := filepath.Rel(launch, path)
			if !strings.HasPrefix(rel, "buildpacksio_lifecycle") {
				docs = append(docs, rel)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(docs)
	return docs
}

func readJSON(t *testing.T, path string, v interface{}) {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(content, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// validators is a virtual environment with the formats' own validators
// (integration/sbomcheck/requirements.txt), made once under .tools.
var validators struct {
	once   sync.Once
	python string
	err    error
}

// validate checks every document with the formats' own validators.
func validate(t *testing.T, launch string, docs []string) {
	t.Helper()
	validators.once.Do(func() {
		requirements := filepath.Join(suite.root, "integration", "sbomcheck", "requirements.txt")
		pinned, err := os.ReadFile(requirements)
		if err != nil {
			validators.err = err
			return
		}
		venv := filepath.Join(suite.root, ".tools", "sbom-validators-"+fmt.Sprintf("%x", sha256.Sum256(pinned))[:12])
		validators.python = filepath.Join(venv, "bin", "python")
		if _, err := os.Stat(filepath.Join(venv, "installed")); err == nil {
			return
		}
		os.RemoveAll(venv)
		for _, args := range [][]string{
			{"python3", "-m", "venv", venv},
			{validators.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements},
			{"touch", filepath.Join(venv, "installed")},
		} {
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				validators.err = fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
				return
			}
		}
	})
	if validators.err != nil {
		t.Fatalf("installing the SBOM validators: %v", validators.err)
	}
	args := []string{filepath.Join(suite.root, "integration", "sbomcheck", "validate.py")}
	for _, d := range docs {
		args = append(args, filepath.Join(launch, d))
	}
	out, err := exec.Command(validators.python, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("the validators refused the documents: %v\n%s", err, out)
	}
	Expect := NewWithT(t).Expect
	Expect(string(out)).To(ContainSubstring("%d documents, 0 problems", len(docs)))
}

// pipList is what `pip list` shows of the environment in the image, as
// name==version.
func pipList(t *testing.T, image, python string) []string {
	t.Helper()
	// the image has no pip: its python lists what it can import, the first
	// of each name on its path, as pip list does ("--": the launcher runs
	// it as it is, not through a shell)
	out, err := dockerRun(image, "--", python, "-c", `import json, re
from importlib import metadata
seen = {}
for d in metadata.distributions():
    name = re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower()
    seen.setdefault(name, {"Name": d.metadata["Name"], "Version": d.version})
print(json.dumps(list(seen.values())))`)
	if err != nil {
		t.Fatalf("pip list: %v\n%s", err, out)
	}
	var listed []struct{ Name, Version string }
	if err := json.Unmarshal([]byte(out[strings.Index(out, "["):]), &listed); err != nil {
		t.Fatalf("pip list: %v\n%s", err, out)
	}
	var names []string
	for _, p := range listed {
		names = append(names, normalize(p.Name)+"=="+p.Version)
	}
	sort.Strings(names)
	return names
}

// pypiComponents are the documents' pkg:pypi components, as name==version.
func pypiComponents(docs ...cdxDoc) []string {
	var names []string
	for _, doc := range docs {
		for _, c := range doc.Components {
			if strings.HasPrefix(c.PURL, "pkg:pypi/") {
				names = append(names, normalize(c.Name)+"=="+c.Version)
			}
		}
	}
	sort.Strings(names)
	return names
}

func normalize(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(name), "_", "-"), ".", "-")
}

func component(doc cdxDoc, name string) cdxComponent {
	for _, c := range doc.Components {
		if normalize(c.Name) == name {
			return c
		}
	}
	return cdxComponent{}
}

func testSBOM(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("describes every launch layer of a pip app from what is installed, keeps the documents of reused layers, and drops a removed requirement", func() {
		image := imageName(t)
		source := app(t, "flask", map[string]string{
			"requirements.txt": "flask==3.1.*\nsix\n",
			// names the app; without [build-system] it is not installed
			"pyproject.toml": "[project]\nname = \"sbom-demo\"\nversion = \"1.2.3\"\n",
		})
		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(MatchRegexp(`Writing the software bill of materials of layer venv: \d+ components \(cdx.json, spdx.json\)`))
		launch := sbomDownload(t, image)
		docs := layerDocs(t, launch)
		Expect(docs).To(Equal([]string{
			"python-cnb_cpython/cpython/sbom.cdx.json", "python-cnb_cpython/cpython/sbom.spdx.json",
			"python-cnb_gunicorn/servers/sbom.cdx.json", "python-cnb_gunicorn/servers/sbom.spdx.json",
			"python-cnb_gunicorn/start/sbom.cdx.json", "python-cnb_gunicorn/start/sbom.spdx.json",
			"python-cnb_pip/venv/sbom.cdx.json", "python-cnb_pip/venv/sbom.spdx.json",
		}))
		validate(t, launch, docs)

		var venv cdxDoc
		readJSON(t, filepath.Join(launch, "python-cnb_pip/venv/sbom.cdx.json"), &venv)
		Expect(venv.SpecVersion).To(Equal("1.6"))
		Expect(venv.Metadata.Component.Name).To(Equal("sbom-demo"))
		Expect(venv.Metadata.Component.Version).To(Equal("1.2.3"))
		var server cdxDoc
		readJSON(t, filepath.Join(launch, "python-cnb_gunicorn/servers/sbom.cdx.json"), &server)
		// what the app's Python sees: the environment, and the gunicorn
		// layer on PYTHONPATH
		venvPython := "/layers/python-cnb_pip/venv/bin/python"
		Expect(pypiComponents(venv, server)).To(Equal(pipList(t, image, venvPython)))
		Expect(pypiComponents(venv)).To(ContainElements(MatchRegexp(`^flask==3\.1\.`), MatchRegexp(`^six==`), MatchRegexp(`^werkzeug==`)))
		for _, c := range venv.Components {
			// pip's installation report gave every archive's digest
			Expect(c.sha256()).To(MatchRegexp(`^[0-9a-f]{64}$`), c.Name)
			Expect(c.PURL).To(Equal("pkg:pypi/"+normalize(c.Name)+"@"+c.Version), c.Name)
		}
		// each of these declares its license in its metadata
		for _, name := range []string{"flask", "werkzeug", "jinja2", "click", "itsdangerous", "markupsafe", "blinker", "six"} {
			Expect(component(venv, name).license()).NotTo(BeEmpty(), name)
		}
		Expect(component(venv, "six").license()).To(Equal("MIT"))
		var spdxVenv spdxDoc
		readJSON(t, filepath.Join(launch, "python-cnb_pip/venv/sbom.spdx.json"), &spdxVenv)
		Expect(spdxVenv.SPDXVersion).To(Equal("SPDX-2.3"))
		Expect(spdxVenv.Packages).To(HaveLen(len(venv.Components) + 1)) // and the app

		var runtime cdxDoc
		readJSON(t, filepath.Join(launch, "python-cnb_cpython/cpython/sbom.cdx.json"), &runtime)
		cpython := component(runtime, "cpython")
		Expect(cpython.Type).To(Equal("platform"))
		Expect(cpython.Version).To(Equal(suite.versions[0]))
		Expect(cpython.license()).To(Equal("PSF-2.0"))
		Expect(cpython.CPE).To(Equal("cpe:2.3:a:python:python:" + suite.versions[0] + ":*:*:*:*:*:*:*"))
		Expect(cpython.PURL).To(HavePrefix("pkg:generic/cpython@" + suite.versions[0]))
		Expect(cpython.sha256()).To(MatchRegexp(`^[0-9a-f]{64}$`))

		Expect(component(server, "gunicorn").Version).To(Equal("27.0.1"))
		Expect(component(server, "gunicorn").license()).To(Equal("MIT"))
		Expect(component(server, "gunicorn").sha256()).To(MatchRegexp(`^[0-9a-f]{64}$`))
		var start cdxDoc
		readJSON(t, filepath.Join(launch, "python-cnb_gunicorn/start/sbom.cdx.json"), &start)
		Expect(start.Components).To(HaveLen(1))
		Expect(start.Components[0].Name).To(Equal("execd"))
		Expect(start.Components[0].sha256()).To(MatchRegexp(`^[0-9a-f]{64}$`))
		Expect(start.Components[0].Components).NotTo(BeEmpty()) // the Go standard library it links

		first := map[string]string{}
		for _, d := range docs {
			content, _ := os.ReadFile(filepath.Join(launch, d))
			first[d] = string(content)
		}

		// a no-change rebuild restores no layer: the documents the lifecycle
		// restored next to the layers' metadata are kept, as they were
		logs = mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Reusing layer /layers/python-cnb_pip/venv for launch only"))
		Expect(logs).To(ContainSubstring("Keeping the software bill of materials of layer venv: the layer is unchanged"))
		Expect(logs).NotTo(ContainSubstring(`Restoring data for "python-cnb/`))
		Expect(logs).To(ContainSubstring("Reusing layer 'buildpacksio/lifecycle:launch.sbom'"))
		launch = sbomDownload(t, image)
		Expect(layerDocs(t, launch)).To(Equal(docs))
		for _, d := range docs {
			content, _ := os.ReadFile(filepath.Join(launch, d))
			Expect(string(content)).To(Equal(first[d]), d)
		}

		// the app's new version reaches the kept documents too
		writeFile(filepath.Join(source, "pyproject.toml"), "[project]\nname = \"sbom-demo\"\nversion = \"1.2.4\"\n")
		writeFile(filepath.Join(source, "requirements.txt"), "flask==3.1.*\n")
		mustBuild(t, image, source, suite.buildpack)
		launch = sbomDownload(t, image)
		validate(t, launch, docs)
		venv = cdxDoc{}
		readJSON(t, filepath.Join(launch, "python-cnb_pip/venv/sbom.cdx.json"), &venv)
		Expect(pypiComponents(venv)).NotTo(ContainElement(MatchRegexp(`^six==`)))
		var server2 cdxDoc
		readJSON(t, filepath.Join(launch, "python-cnb_gunicorn/servers/sbom.cdx.json"), &server2)
		Expect(pypiComponents(venv, server2)).To(Equal(pipList(t, image, venvPython)))
		Expect(server2.Metadata.Component.Version).To(Equal("1.2.4"))
		Expect(component(server2, "gunicorn").Version).To(Equal("27.0.1"))
	})

	it("describes a uv project's environment as pip list sees it", func() {
		uv := pytool(t, "uv")
		image := imageName(t)
		source := app(t, "managed", map[string]string{
			"pyproject.toml": "[project]\nname = \"uvapp\"\nversion = \"2.0\"\nrequires-python = \">=3.10\"\ndependencies = [\"six\", \"packaging\"]\n",
		})
		inDir(t, source, nil, uv, "lock", "--quiet")
		mustBuild(t, image, source, suite.buildpack)
		launch := sbomDownload(t, image)
		docs := layerDocs(t, launch)
		Expect(docs).To(ContainElements("python-cnb_uv/venv/sbom.cdx.json", "python-cnb_uv/venv/sbom.spdx.json"))
		validate(t, launch, docs)
		var venv cdxDoc
		readJSON(t, filepath.Join(launch, "python-cnb_uv/venv/sbom.cdx.json"), &venv)
		Expect(venv.Metadata.Component.Name).To(Equal("uvapp"))
		Expect(venv.Metadata.Component.Version).To(Equal("2.0"))
		Expect(pypiComponents(venv)).To(Equal(pipList(t, image, "/layers/python-cnb_uv/venv/bin/python")))
		Expect(pypiComponents(venv)).To(ContainElements(MatchRegexp(`^six==`), MatchRegexp(`^packaging==`)))
		Expect(component(venv, "six").license()).To(Equal("MIT"))
		Expect(component(venv, "packaging").license()).NotTo(BeEmpty())
		// uv installs without pip: the digests are those uv.lock pins for the
		// wheels installed
		lock, err := os.ReadFile(filepath.Join(source, "uv.lock"))
		Expect(err).NotTo(HaveOccurred())
		for _, name := range []string{"six", "packaging"} {
			sum := component(venv, name).sha256()
			Expect(sum).To(MatchRegexp(`^[0-9a-f]{64}$`), name)
			Expect(string(lock)).To(ContainSubstring("sha256:"+sum), name)
		}
	})

	it("describes a conda environment's conda packages and its pip part", func() {
		image := imageName(t)
		source := app(t, "conda-env", map[string]string{
			"environment.yml": "dependencies:\n  - python=3.11\n  - six\n  - pip\n  - pip:\n    - markupsafe==3.0.2\n",
		})
		mustBuild(t, image, source, suite.buildpack, "--env", "BP_CONDA_CHANNEL_ALIAS="+channelAlias(t))
		launch := sbomDownload(t, image)
		docs := layerDocs(t, launch)
		Expect(docs).To(ContainElements("python-cnb_conda/conda-env/sbom.cdx.json", "python-cnb_conda/conda-env/sbom.spdx.json"))
		validate(t, launch, docs)

		var env cdxDoc
		readJSON(t, filepath.Join(launch, "python-cnb_conda/conda-env/sbom.cdx.json"), &env)
		python := component(env, "python")
		Expect(python.PURL).To(MatchRegexp(`^pkg:conda/python@3\.11\.11\?build=[^&]+&channel=conda-forge&subdir=linux-64`))
		Expect(python.license()).To(Equal("PSF-2.0"))
		Expect(python.sha256()).To(MatchRegexp(`^[0-9a-f]{64}$`))
		Expect(component(env, "six").PURL).To(HavePrefix("pkg:conda/six@1.17.0"))
		// pip's part: a PyPI distribution with its archive's digest
		markupsafe := component(env, "markupsafe")
		Expect(markupsafe.PURL).To(Equal("pkg:pypi/markupsafe@3.0.2"))
		Expect(markupsafe.sha256()).To(MatchRegexp(`^[0-9a-f]{64}$`))
		Expect(markupsafe.license()).NotTo(BeEmpty())
		// a distribution a conda package installed is listed once, as the conda package
		var pypi []string
		for _, c := range env.Components {
			if strings.HasPrefix(c.PURL, "pkg:pypi/") {
				pypi = append(pypi, c.Name)
			}
		}
		Expect(pypi).To(Equal([]string{"MarkupSafe"}))
	})
}
