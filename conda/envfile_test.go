package conda_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/conda"
	"github.com/sclevine/spec"
)

func testEnvFile(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		dir    string
	)

	it.Before(func() {
		dir = t.TempDir()
	})

	read := func(content string) (conda.EnvFile, error) {
		Expect(writeFile(dir, "environment.yml", content)).To(Succeed())
		return conda.ReadEnvFile(dir, "environment.yml")
	}

	context("FindEnvFile", func() {
		it("prefers environment.yml, then environment.yaml, else none", func() {
			Expect(conda.FindEnvFile(dir)).To(Equal(""))
			Expect(writeFile(dir, "environment.yaml", "x")).To(Succeed())
			Expect(conda.FindEnvFile(dir)).To(Equal("environment.yaml"))
			Expect(writeFile(dir, "environment.yml", "x")).To(Succeed())
			Expect(conda.FindEnvFile(dir)).To(Equal("environment.yml"))
		})

		it("ignores a directory of that name", func() {
			Expect(os.Mkdir(filepath.Join(dir, "environment.yml"), 0o755)).To(Succeed())
			Expect(conda.FindEnvFile(dir)).To(Equal(""))
		})
	})

	it("reads channels, conda specs and the pip list, and ignores name and prefix", func() {
		file, err := read("name: app\nprefix: /opt/x\nchannels:\n  - conda-forge\n  - https://example.com/chan\ndependencies:\n  - python=3.11\n  - six=1.16.0=pyh_0\n  - pip\n  - pip:\n    - flask==3.1.0\n    - -r extra.txt\nvariables:\n  A: b\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(file.Path).To(Equal("environment.yml"))
		Expect(file.Channels).To(Equal([]string{"conda-forge", "https://example.com/chan"}))
		Expect(file.Specs).To(Equal([]string{"python=3.11", "six=1.16.0=pyh_0", "pip"}))
		Expect(file.Pip).To(Equal([]string{"flask==3.1.0", "-r extra.txt"}))
		Expect(file.Ignored).To(Equal([]string{"variables"}))
		Expect(file.Digest).To(MatchRegexp(`^sha256:[0-9a-f]{64}$`))
	})

	it("gives a different digest when the content changes", func() {
		a, err := read("dependencies:\n  - python\n")
		Expect(err).NotTo(HaveOccurred())
		b, err := read("dependencies:\n  - python\n  - six\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Digest).NotTo(Equal(b.Digest))
	})

	it("makes the notebook environment: python, pinned when asked, and pip", func() {
		Expect(conda.NotebookEnv("").Specs).To(Equal([]string{"python", "pip"}))
		pinned := conda.NotebookEnv("3.11")
		Expect(pinned.Specs).To(Equal([]string{"python=3.11", "pip"}))
		Expect(pinned.Path).To(BeEmpty())
		Expect(pinned.Digest).NotTo(Equal(conda.NotebookEnv("").Digest))
	})

	context("failure cases", func() {
		it("names the line of a YAML syntax error and shows it", func() {
			_, err := read("name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python\n  - six\n - pip\n")
			Expect(err).To(MatchError(ContainSubstring("environment.yml is not valid YAML: line 7: did not find expected key")))
			Expect(err).To(MatchError(ContainSubstring("      6 |   - six\n  >   7 |  - pip")))
			Expect(err).To(MatchError(ContainSubstring("To fix: fix the YAML syntax of environment.yml")))
		})

		it("names the line of a key that breaks the indentation of a list", func() {
			_, err := read("name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python\n  - six\n  pip: 3\n")
			Expect(err).To(MatchError(ContainSubstring("line 7: did not find expected '-' indicator")))
		})

		it("names the line of an unclosed bracket or quote", func() {
			_, err := read("dependencies:\n  - python\n  - six: [a\n  - pip\n")
			Expect(err).To(MatchError(ContainSubstring("line 3:")))
			_, err = read("dependencies:\n  - python\n  - \"six\n  - pip\n")
			Expect(err).To(MatchError(ContainSubstring("line 3:")))
		})

		it("names the first line, which the parser leaves out", func() {
			_, err := read("a: b: c\n")
			Expect(err).To(MatchError(ContainSubstring("environment.yml is not valid YAML: line 1: mapping values are not allowed")))
		})

		it("names the line of a tab in the indentation", func() {
			_, err := read("dependencies:\n  - python\n\t- six\n")
			Expect(err).To(MatchError(ContainSubstring("line 3: found a tab character")))
		})

		it("does not blame a valid multi-line list before the error", func() {
			_, err := read("channels: [a,\n  b]\ndependencies:\n  - python\n - six\n")
			Expect(err).To(MatchError(ContainSubstring("line 5:")))
		})

		it("rejects an empty file", func() {
			_, err := read("")
			Expect(err).To(MatchError(ContainSubstring("environment.yml is empty")))
		})

		it("rejects a file that is not a mapping", func() {
			_, err := read("- python\n")
			Expect(err).To(MatchError(ContainSubstring("environment.yml line 1: the file must be a mapping")))
		})

		it("rejects channels that are not a list", func() {
			_, err := read("channels: conda-forge\ndependencies:\n  - python\n")
			Expect(err).To(MatchError(ContainSubstring("environment.yml line 1: channels must be a list")))
		})

		it("rejects dependencies that are not a list, or a mapping other than pip", func() {
			_, err := read("dependencies: python\n")
			Expect(err).To(MatchError(ContainSubstring("line 1: dependencies must be a list")))
			_, err = read("dependencies:\n  - python\n  - npm:\n    - left-pad\n")
			Expect(err).To(MatchError(ContainSubstring("line 3: the only mapping allowed in dependencies is pip:")))
			_, err = read("dependencies:\n  - python\n  - [a, b]\n")
			Expect(err).To(MatchError(ContainSubstring("line 3: each dependency must be a package spec")))
		})

		it("rejects a pip entry that is not a list of strings", func() {
			_, err := read("dependencies:\n  - python\n  - pip:\n    - flask\n    - {a: b}\n")
			Expect(err).To(MatchError(ContainSubstring("line 5: each item of pip must be a pip requirement")))
		})

		it("rejects a file with no conda packages", func() {
			_, err := read("name: x\ndependencies:\n  - pip:\n    - flask\n")
			Expect(err).To(MatchError(ContainSubstring("environment.yml lists no conda packages under dependencies")))
		})

		it("fails when the file cannot be read", func() {
			_, err := conda.ReadEnvFile(dir, "environment.yml")
			Expect(err).To(MatchError(ContainSubstring("reading environment.yml")))
		})
	})
}
