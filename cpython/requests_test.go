package cpython_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

func testRequests(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		workingDir string
	)

	// describe turns requests into "source: constraint" strings.
	describe := func(requests []cpython.Request) []string {
		out := []string{}
		for _, r := range requests {
			out = append(out, r.Source+": "+r.Constraint.String())
		}
		return out
	}

	read := func(entries ...packit.BuildpackPlanEntry) []string {
		requests, err := cpython.ReadRequests(workingDir, entries)
		Expect(err).NotTo(HaveOccurred())
		Expect(requests.Warnings).To(BeEmpty())
		return describe(requests.List)
	}

	it.Before(func() {
		workingDir = t.TempDir()
		t.Setenv("BP_CPYTHON_VERSION", "")
		t.Setenv("PYTHON_VERSION", "")
	})

	it("returns nothing when the app asks for no version", func() {
		Expect(read()).To(BeEmpty())
	})

	context("precedence", func() {
		it.Before(func() {
			Expect(writeFile(workingDir, "runtime.txt", "python-3.11")).To(Succeed())
			Expect(writeFile(workingDir, ".python-version", "3.10\n")).To(Succeed())
			Expect(writeFile(workingDir, "pyproject.toml", "[project]\nname = \"app\"\nrequires-python = \">=3.9\"\n")).To(Succeed())
		})

		it("lists every source, highest precedence first", func() {
			t.Setenv("BP_CPYTHON_VERSION", "3.13")
			Expect(read(
				packit.BuildpackPlanEntry{Name: "cpython", Metadata: map[string]interface{}{"version": "3.12", "version-source": "BP_PIP_PYTHON"}},
				packit.BuildpackPlanEntry{Name: "cpython", Metadata: map[string]interface{}{"version": "~=3.11"}},
			)).To(Equal([]string{
				"BP_CPYTHON_VERSION: 3.13",
				"runtime.txt: 3.11",
				".python-version: 3.10",
				"pyproject.toml requires-python: >=3.9",
				"build plan (BP_PIP_PYTHON): 3.12",
				"build plan (another buildpack): ~=3.11",
			}))
		})

		it("prefers BP_CPYTHON_VERSION over PYTHON_VERSION", func() {
			t.Setenv("BP_CPYTHON_VERSION", "3.13")
			t.Setenv("PYTHON_VERSION", "3.12")
			Expect(read()[0]).To(Equal("BP_CPYTHON_VERSION: 3.13"))
			Expect(read()).NotTo(ContainElement(HavePrefix("PYTHON_VERSION")))
		})

		it("reads PYTHON_VERSION when BP_CPYTHON_VERSION is unset or blank", func() {
			t.Setenv("BP_CPYTHON_VERSION", "  ")
			t.Setenv("PYTHON_VERSION", "3.12")
			Expect(read()).To(Equal([]string{
				"PYTHON_VERSION: 3.12",
				"runtime.txt: 3.11",
				".python-version: 3.10",
				"pyproject.toml requires-python: >=3.9",
			}))
		})

		it("starts with runtime.txt when no setting is given", func() {
			Expect(read()[0]).To(Equal("runtime.txt: 3.11"))
		})

		it("starts with .python-version when there is no runtime.txt", func() {
			Expect(os.Remove(filepath.Join(workingDir, "runtime.txt"))).To(Succeed())
			Expect(read()[0]).To(Equal(".python-version: 3.10"))
		})

		it("starts with requires-python when there is no version file", func() {
			Expect(os.Remove(filepath.Join(workingDir, "runtime.txt"))).To(Succeed())
			Expect(os.Remove(filepath.Join(workingDir, ".python-version"))).To(Succeed())
			Expect(read()).To(Equal([]string{"pyproject.toml requires-python: >=3.9"}))
		})
	})

	context("runtime.txt", func() {
		it("reads a minor version", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python-3.11")).To(Succeed())
			Expect(read()).To(Equal([]string{"runtime.txt: 3.11"}))
		})

		it("reads a patch version", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python-3.11.4")).To(Succeed())
			Expect(read()).To(Equal([]string{"runtime.txt: 3.11.4"}))
		})

		it("tolerates surrounding whitespace and a trailing newline", func() {
			Expect(writeFile(workingDir, "runtime.txt", "  \n python-3.11.4 \r\n\n")).To(Succeed())
			Expect(read()).To(Equal([]string{"runtime.txt: 3.11.4"}))
		})

		it("drops a byte order mark, UTF-8 or UTF-16", func() {
			Expect(writeFile(workingDir, "runtime.txt", "\xEF\xBB\xBFpython-3.11\r\n")).To(Succeed())
			Expect(read()).To(Equal([]string{"runtime.txt: 3.11"}))
			Expect(writeFile(workingDir, "runtime.txt", "\xFF\xFEp\x00y\x00t\x00h\x00o\x00n\x00-\x003\x00.\x001\x002\x00")).To(Succeed())
			Expect(read()).To(Equal([]string{"runtime.txt: 3.12"}))
		})
	})

	context(".python-version", func() {
		it("reads a minor version", func() {
			Expect(writeFile(workingDir, ".python-version", "3.12\n")).To(Succeed())
			Expect(read()).To(Equal([]string{".python-version: 3.12"}))
		})

		it("reads a cpython- prefixed version", func() {
			Expect(writeFile(workingDir, ".python-version", "cpython-3.12")).To(Succeed())
			Expect(read()).To(Equal([]string{".python-version: 3.12"}))
		})

		it("skips comments and blank lines and takes the first version", func() {
			Expect(writeFile(workingDir, ".python-version", "# pinned by pyenv\n\n   \n  3.12.4  \n3.11\n")).To(Succeed())
			Expect(read()).To(Equal([]string{".python-version: 3.12.4"}))
		})

		it("reads a PEP 440 specifier, as uv writes it, and uv's long names", func() {
			Expect(writeFile(workingDir, ".python-version", ">=3.11, <3.14\n")).To(Succeed())
			Expect(read()).To(Equal([]string{".python-version: >=3.11, <3.14"}))
			Expect(writeFile(workingDir, ".python-version", "cpython-3.12.4-linux-x86_64-gnu\n")).To(Succeed())
			Expect(read()).To(Equal([]string{".python-version: 3.12.4"}))
			Expect(writeFile(workingDir, ".python-version", "\xEF\xBB\xBF3.13\n")).To(Succeed())
			Expect(read()).To(Equal([]string{".python-version: 3.13"}))
		})

		it("asks for nothing when the file has only comments", func() {
			Expect(writeFile(workingDir, ".python-version", "# nothing here\n\n")).To(Succeed())
			Expect(read()).To(BeEmpty())
		})
	})

	context("pyproject.toml", func() {
		it("reads requires-python from [project]", func() {
			Expect(writeFile(workingDir, "pyproject.toml", "[project]\nrequires-python = \" >=3.10,<3.13 \"\n")).To(Succeed())
			Expect(read()).To(Equal([]string{"pyproject.toml requires-python: >=3.10,<3.13"}))
		})

		it("asks for nothing without requires-python", func() {
			Expect(writeFile(workingDir, "pyproject.toml", "[tool.poetry]\nname = \"app\"\n")).To(Succeed())
			Expect(read()).To(BeEmpty())
		})

		it("reads Poetry's python constraint after requires-python, and takes * as no request", func() {
			Expect(writeFile(workingDir, "pyproject.toml", "[tool.poetry.dependencies]\npython = \"^3.10\"\nflask = \"*\"\n")).To(Succeed())
			Expect(read()).To(Equal([]string{"pyproject.toml [tool.poetry.dependencies] python: ^3.10"}))
			Expect(writeFile(workingDir, "pyproject.toml", "[project]\nrequires-python = \">=3.11\"\n[tool.poetry.dependencies]\npython = \"~3.12\"\n")).To(Succeed())
			Expect(read()).To(Equal([]string{"pyproject.toml requires-python: >=3.11", "pyproject.toml [tool.poetry.dependencies] python: ~3.12"}))
			Expect(writeFile(workingDir, "pyproject.toml", "[tool.poetry.dependencies]\npython = \"*\"\n")).To(Succeed())
			Expect(read()).To(BeEmpty())
		})
	})

	context("Pipfile", func() {
		it("reads python_full_version, else python_version, from [requires], after .python-version and before requires-python", func() {
			Expect(writeFile(workingDir, "Pipfile", "[requires]\npython_version = \"3.12\"\n")).To(Succeed())
			Expect(writeFile(workingDir, "pyproject.toml", "[project]\nrequires-python = \">=3.10\"\n")).To(Succeed())
			Expect(read()).To(Equal([]string{"Pipfile [requires]: 3.12", "pyproject.toml requires-python: >=3.10"}))
			Expect(writeFile(workingDir, "Pipfile", "[requires]\npython_version = \"3.12\"\npython_full_version = \"3.12.4\"\n")).To(Succeed())
			Expect(read()[0]).To(Equal("Pipfile [requires]: 3.12.4"))
		})

		it("reads Pipfile.lock when there is no Pipfile", func() {
			Expect(writeFile(workingDir, "Pipfile.lock", `{"_meta": {"requires": {"python_version": "3.11"}}, "default": {}}`)).To(Succeed())
			Expect(read()).To(Equal([]string{"Pipfile [requires]: 3.11"}))
		})

		it("reports a Pipfile or lock that cannot be read", func() {
			Expect(writeFile(workingDir, "Pipfile.lock", `{`)).To(Succeed())
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring("Pipfile.lock is not valid JSON")))
			Expect(writeFile(workingDir, "Pipfile", "[requires\n")).To(Succeed())
			_, err = cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring("The Pipfile is not valid TOML")))
		})
	})

	context("a source that cannot be read, below one that can", func() {
		it("is a warning, when a setting or a higher file asks for a version", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python3.11\n")).To(Succeed())
			Expect(writeFile(workingDir, ".python-version", "myenv\n")).To(Succeed())
			Expect(writeFile(workingDir, "pyproject.toml", "[project\n")).To(Succeed())
			t.Setenv("BP_CPYTHON_VERSION", "3.12")
			requests, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(describe(requests.List)).To(Equal([]string{"BP_CPYTHON_VERSION: 3.12"}))
			Expect(requests.Warnings).To(Equal([]string{
				"Warning: runtime.txt is ignored, as BP_CPYTHON_VERSION takes precedence: runtime.txt is malformed: it must hold one line such as python-3.13",
				`Warning: .python-version is ignored, as BP_CPYTHON_VERSION takes precedence: .python-version asks for "myenv", which is not a CPython version`,
				"Warning: pyproject.toml requires-python is ignored, as BP_CPYTHON_VERSION takes precedence: pyproject.toml is not valid TOML",
			}))
			os.Unsetenv("BP_CPYTHON_VERSION")
			Expect(os.Remove(filepath.Join(workingDir, "runtime.txt"))).To(Succeed())
			Expect(writeFile(workingDir, ".python-version", "3.12\n")).To(Succeed())
			requests, err = cpython.ReadRequests(workingDir, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(requests.Warnings).To(HaveLen(1))
		})
	})

	context("build plan entries", func() {
		it("reads version and version-source from cpython entries only", func() {
			Expect(read(
				packit.BuildpackPlanEntry{Name: "site-packages", Metadata: map[string]interface{}{"version": "1.0"}},
				packit.BuildpackPlanEntry{Name: "cpython", Metadata: map[string]interface{}{"version": "3.12.*", "version-source": "Pipfile"}},
			)).To(Equal([]string{"build plan (Pipfile): 3.12.*"}))
		})

		it("ignores entries asking for the default or no version", func() {
			Expect(read(
				packit.BuildpackPlanEntry{Name: "cpython", Metadata: map[string]interface{}{"version": "default"}},
				packit.BuildpackPlanEntry{Name: "cpython", Metadata: map[string]interface{}{"version": ""}},
				packit.BuildpackPlanEntry{Name: "cpython", Metadata: map[string]interface{}{"build": true}},
				packit.BuildpackPlanEntry{Name: "cpython"},
			)).To(BeEmpty())
		})
	})

	context("failure cases", func() {
		it("reports a malformed runtime.txt", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python3.11\n")).To(Succeed())
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring("runtime.txt is malformed")))
			Expect(err).To(MatchError(ContainSubstring("python-<major>.<minor>")))
			Expect(err).To(MatchError(ContainSubstring(`runtime.txt contains: "python3.11"`)))
			Expect(errs.IsUser(err)).To(BeTrue())
		})

		it("reports a runtime.txt with more than one line", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python-3.11\npython-3.12\n")).To(Succeed())
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring("runtime.txt is malformed")))
		})

		it("reports a .python-version naming another interpreter, saying PyPy is not provided", func() {
			Expect(writeFile(workingDir, ".python-version", "pypy3.10\n")).To(Succeed())
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring(`.python-version asks for "pypy3.10", which is not a CPython version`)))
			Expect(err).To(MatchError(ContainSubstring("this buildpack provides CPython only, not PyPy")))
			Expect(errs.IsUser(err)).To(BeTrue())
		})

		it("reports a pyenv virtualenv name, listing the forms accepted", func() {
			Expect(writeFile(workingDir, ".python-version", "my-project-env\n")).To(Succeed())
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring(`.python-version asks for "my-project-env", which is not a CPython version`)))
			Expect(err).To(MatchError(ContainSubstring("accepted: a CPython version such as 3.13 or 3.13.1 (cpython-3.13 too), or a PEP 440 specifier such as >=3.11")))
			Expect(err.Error()).NotTo(ContainSubstring("PyPy"))
		})

		it("shows invisible characters in a malformed runtime.txt", func() {
			Expect(writeFile(workingDir, "runtime.txt", "python-3.11\u200b\n")).To(Succeed())
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring(`runtime.txt contains: "python-3.11\u200b"`)))
		})

		it("reports a pyproject.toml that is not TOML", func() {
			Expect(writeFile(workingDir, "pyproject.toml", "[project\nrequires-python = \n")).To(Succeed())
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(HavePrefix("pyproject.toml is not valid TOML")))
			Expect(err).To(MatchError(ContainSubstring("fix the syntax error in pyproject.toml")))
			Expect(errs.IsUser(err)).To(BeTrue())
		})

		it("reports a requires-python that is not a specifier", func() {
			Expect(writeFile(workingDir, "pyproject.toml", "[project]\nrequires-python = \"python>=3\"\n")).To(Succeed())
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring(`pyproject.toml requires-python asks for Python "python>=3", which is not a version`)))
			Expect(err).To(MatchError(ContainSubstring("PEP 440")))
		})

		it("reports a BP_CPYTHON_VERSION that is not a version", func() {
			t.Setenv("BP_CPYTHON_VERSION", "banana")
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring(`BP_CPYTHON_VERSION asks for Python "banana"`)))
			Expect(err).To(MatchError(ContainSubstring("set BP_CPYTHON_VERSION")))
			Expect(err).To(MatchError(ContainSubstring(`"banana" is not a version or version specifier`)))
			Expect(errs.IsUser(err)).To(BeTrue())
		})

		it("reports a PYTHON_VERSION that is not a version", func() {
			t.Setenv("PYTHON_VERSION", "latest")
			_, err := cpython.ReadRequests(workingDir, nil)
			Expect(err).To(MatchError(ContainSubstring(`PYTHON_VERSION asks for Python "latest"`)))
			Expect(err).To(MatchError(ContainSubstring("set PYTHON_VERSION")))
		})

		it("reports a build plan entry that is not a version", func() {
			_, err := cpython.ReadRequests(workingDir, []packit.BuildpackPlanEntry{
				{Name: "cpython", Metadata: map[string]interface{}{"version": "3.x", "version-source": "Pipfile"}},
			})
			Expect(err).To(MatchError(ContainSubstring(`build plan (Pipfile) asks for Python "3.x"`)))
		})

		for _, name := range []string{"runtime.txt", ".python-version", "Pipfile", "pyproject.toml"} {
			name := name
			it("reports an unreadable "+name, func() {
				Expect(os.Mkdir(filepath.Join(workingDir, name), 0o755)).To(Succeed())
				_, err := cpython.ReadRequests(workingDir, nil)
				Expect(err).To(MatchError(ContainSubstring("reading " + name)))
				Expect(errs.IsUser(err)).To(BeFalse())
			})
		}
	})
}
