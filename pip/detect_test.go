package pip_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/python-cnb/buildpack/internal/plan"
	"github.com/python-cnb/buildpack/pip"
	"github.com/sclevine/spec"
)

func testDetect(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		workingDir string
		detect     packit.DetectFunc
	)

	failure := packit.Fail.WithMessage("no requirements.txt, CUSTOM_REQUIREMENTSTXT_PATH, setup.py or pyproject.toml with [build-system]")

	wantPlan := packit.BuildPlan{
		Provides: []packit.BuildPlanProvision{{Name: plan.SitePackages}},
		Requires: []packit.BuildPlanRequirement{
			{Name: plan.CPython, Metadata: map[string]interface{}{"build": true, "launch": true}},
			{Name: plan.SitePackages, Metadata: map[string]interface{}{"launch": true}},
		},
	}

	// withoutKey returns the plan with the cpython requirement's build key
	// removed, and that key.
	withoutKey := func(p packit.BuildPlan) (packit.BuildPlan, string) {
		metadata := map[string]interface{}{}
		for k, v := range p.Requires[0].Metadata.(map[string]interface{}) {
			metadata[k] = v
		}
		key, _ := metadata[plan.BuildKey].(string)
		delete(metadata, plan.BuildKey)
		p.Requires = append([]packit.BuildPlanRequirement{{Name: p.Requires[0].Name, Metadata: metadata}}, p.Requires[1:]...)
		return p, key
	}

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
		workingDir = t.TempDir()
		detect = pip.Detect()
	})

	it("passes on requirements.txt, providing site-packages and requiring cpython and site-packages", func() {
		Expect(writeFile(workingDir, "requirements.txt", "flask\n")).To(Succeed())

		result, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
		got, key := withoutKey(result.Plan)
		Expect(got).To(Equal(wantPlan))
		Expect(key).To(HavePrefix("pip:"))
	})

	context("the build key", func() {
		key := func() string {
			result, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).NotTo(HaveOccurred())
			_, key := withoutKey(result.Plan)
			return key
		}

		it("changes with the requirements and the pip settings, and only with them", func() {
			Expect(writeFile(workingDir, "requirements.txt", "flask\n")).To(Succeed())
			first := key()
			Expect(writeFile(workingDir, "app.py", "print(1)\n")).To(Succeed())
			Expect(key()).To(Equal(first))
			Expect(writeFile(workingDir, "requirements.txt", "flask\ngunicorn\n")).To(Succeed())
			second := key()
			Expect(second).NotTo(Equal(first))
			t.Setenv("PIP_INDEX_URL", "https://user:secret@mirror.example/simple")
			Expect(key()).NotTo(Equal(second))
			Expect(key()).NotTo(ContainSubstring("secret"))
		})

		it("is left out for a project, which every change to its files reinstalls", func() {
			Expect(writeFile(workingDir, "requirements.txt", "flask\n")).To(Succeed())
			Expect(writeFile(workingDir, "setup.py", "from setuptools import setup\nsetup()\n")).To(Succeed())
			Expect(key()).To(BeEmpty())
		})

		it("is left out when the environment is needed at every build", func() {
			Expect(writeFile(workingDir, "requirements.txt", "flask\n")).To(Succeed())
			t.Setenv("BP_PIP_COMPRESS_VIRTUALENV", "tar-gz")
			Expect(key()).To(BeEmpty())
		})
	})

	it("passes when CUSTOM_REQUIREMENTSTXT_PATH is set, even if the file is missing (build reports it, so there is no build key)", func() {
		t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "requirements/missing.txt")

		result, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
		got, key := withoutKey(result.Plan)
		Expect(got).To(Equal(wantPlan))
		Expect(key).To(BeEmpty())
	})

	it("ignores a blank CUSTOM_REQUIREMENTSTXT_PATH", func() {
		t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "  ")

		_, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).To(MatchError(failure))
	})

	it("passes on setup.py", func() {
		Expect(writeFile(workingDir, "setup.py", "from setuptools import setup\nsetup()\n")).To(Succeed())

		result, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
		got, _ := withoutKey(result.Plan)
		Expect(got).To(Equal(wantPlan))
	})

	it("passes on a pyproject.toml with [build-system]", func() {
		Expect(writeFile(workingDir, "pyproject.toml", "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n")).To(Succeed())

		result, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
		got, _ := withoutKey(result.Plan)
		Expect(got).To(Equal(wantPlan))
	})

	it("passes on a malformed pyproject.toml, so that the build reports the syntax error", func() {
		Expect(writeFile(workingDir, "pyproject.toml", "[build-system\nrequires = \n")).To(Succeed())

		result, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).NotTo(HaveOccurred())
		got, _ := withoutKey(result.Plan)
		Expect(got).To(Equal(wantPlan))
	})

	it("fails on a pyproject.toml without [build-system]", func() {
		Expect(writeFile(workingDir, "pyproject.toml", "[tool.black]\nline-length = 100\n")).To(Succeed())

		_, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).To(MatchError(failure))
	})

	it("fails on an empty app", func() {
		_, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).To(MatchError(failure))
	})

	it("does not count a directory named requirements.txt", func() {
		Expect(os.Mkdir(filepath.Join(workingDir, "requirements.txt"), 0o755)).To(Succeed())

		_, err := detect(packit.DetectContext{WorkingDir: workingDir})
		Expect(err).To(MatchError(failure))
	})

	context("IsProject", func() {
		it("tells a project from an app that is not one", func() {
			Expect(pip.IsProject(workingDir)).To(BeFalse())

			Expect(writeFile(workingDir, "pyproject.toml", "[project]\nname = \"app\"\n")).To(Succeed())
			Expect(pip.IsProject(workingDir)).To(BeFalse())

			Expect(writeFile(workingDir, "pyproject.toml", "[build-system]\n")).To(Succeed())
			Expect(pip.IsProject(workingDir)).To(BeTrue())

			Expect(os.Remove(filepath.Join(workingDir, "pyproject.toml"))).To(Succeed())
			Expect(writeFile(workingDir, "setup.py", "")).To(Succeed())
			Expect(pip.IsProject(workingDir)).To(BeTrue())
		})
	})

	context("failure cases", func() {
		it("returns an I/O error looking for requirements.txt", func() {
			_, err := detect(packit.DetectContext{WorkingDir: filepath.Join(workingDir, "bad\x00dir")})
			Expect(err).To(MatchError(ContainSubstring("checking for requirements.txt")))
			Expect(err).NotTo(MatchError(failure))
		})

		it("returns an error reading pyproject.toml", func() {
			Expect(os.Mkdir(filepath.Join(workingDir, "pyproject.toml"), 0o755)).To(Succeed())

			_, err := detect(packit.DetectContext{WorkingDir: workingDir})
			Expect(err).To(MatchError(ContainSubstring("pyproject.toml")))
			Expect(err).To(MatchError(ContainSubstring("is a directory")))
		})

		it("returns an I/O error looking for setup.py", func() {
			_, err := pip.IsProject(filepath.Join(workingDir, "bad\x00dir"))
			Expect(err).To(MatchError(ContainSubstring("checking for setup.py")))
		})
	})
}
