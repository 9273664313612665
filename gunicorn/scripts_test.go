package gunicorn_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

func testScripts(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		appDir string
	)

	it.Before(func() {
		appDir = t.TempDir()
	})

	write := func(rel, content string) {
		path := filepath.Join(appDir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	}
	read := func() gunicorn.Project {
		project, err := gunicorn.ReadProject(appDir)
		Expect(err).NotTo(HaveOccurred())
		return project
	}

	it("reads [project.scripts] and [tool.poetry.scripts], sorted by name, the first table winning a name", func() {
		write("pyproject.toml", "[build-system]\nrequires = []\n\n[project.scripts]\nzeta = \"z:main\"\nweb = \"app.web:run\"\n\n"+
			"[tool.poetry.scripts]\nweb = \"other:run\"\nbuild = { callable = \"tools:build\" }\ndocs = { reference = \"docs.sh\", type = \"file\" }\n")
		Expect(read()).To(Equal(gunicorn.Project{Installed: true, Scripts: []gunicorn.ProjectScript{
			{Name: "build", Entry: "tools:build", Table: "[tool.poetry.scripts]"},
			{Name: "docs", Entry: "docs.sh", Table: "[tool.poetry.scripts]"},
			{Name: "web", Entry: "app.web:run", Table: "[project.scripts]"},
			{Name: "zeta", Entry: "z:main", Table: "[project.scripts]"},
		}}))
	})

	it("tells a project without [build-system], and no pyproject.toml at all", func() {
		write("pyproject.toml", "[project]\nname = \"x\"\n")
		Expect(read()).To(Equal(gunicorn.Project{}))
		Expect(os.Remove(filepath.Join(appDir, "pyproject.toml"))).To(Succeed())
		Expect(read()).To(Equal(gunicorn.Project{}))
	})

	it("finds the module a script's entry names, at the root or under src/", func() {
		write("src/app/web.py", "")
		write("tools/__init__.py", "")
		Expect(gunicorn.ProjectScript{Entry: "app.web:run"}.Module(appDir)).To(Equal([]string{filepath.Join("src", "app", "web.py")}))
		Expect(gunicorn.ProjectScript{Entry: "tools:build"}.Module(appDir)).To(Equal([]string{filepath.Join("tools", "__init__.py")}))
		Expect(gunicorn.ProjectScript{Entry: "missing:run"}.Module(appDir)).To(BeNil())
		Expect(gunicorn.ProjectScript{Entry: "docs.sh"}.Module(appDir)).To(BeNil())
	})

	context("failure cases", func() {
		it("refuses a pyproject.toml that is not TOML, naming it", func() {
			write("pyproject.toml", "[project]\nname = \n")
			_, err := gunicorn.ReadProject(appDir)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err).To(MatchError(ContainSubstring("pyproject.toml is not valid TOML")))
			Expect(err).To(MatchError(ContainSubstring("line 2")))
		})

		it("fails when pyproject.toml cannot be read", func() {
			Expect(os.Mkdir(filepath.Join(appDir, "pyproject.toml"), 0o755)).To(Succeed())
			_, err := gunicorn.ReadProject(appDir)
			Expect(err).To(MatchError(ContainSubstring("reading pyproject.toml: ")))
		})
	})
}
