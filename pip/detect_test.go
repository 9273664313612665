package pip_test

import (
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
		app    string
	)

	key := func() (string, error) {
		result, err := pip.Detect()(packit.DetectContext{WorkingDir: app, CNBPath: ".."})
		if err != nil {
			return "", err
		}
		for _, r := range result.Plan.Requires {
			if r.Name == plan.CPython {
				k, _ := r.Metadata.(map[string]interface{})[plan.BuildKey].(string)
				return k, nil
			}
		}
		return "", nil
	}

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
		app = t.TempDir()
	})

	it("passes on requirements.txt, setup.py or a pyproject project, and not on other managers' files", func() {
		for _, files := range []map[string]string{
			{"requirements.txt": "flask\n"},
			{"setup.py": ""},
			{"pyproject.toml": "[project]\nname = 'x'\n"},
			{"pyproject.toml": "[build-system]\nrequires = []\n"},
		} {
			dir := t.TempDir()
			for name, content := range files {
				Expect(writeFile(dir, name, content)).To(Succeed())
			}
			_, err := pip.Detect()(packit.DetectContext{WorkingDir: dir})
			Expect(err).NotTo(HaveOccurred(), "%v", files)
		}
		Expect(writeFile(app, "pyproject.toml", "[project]\nname = 'x'\n")).To(Succeed())
		Expect(writeFile(app, "uv.lock", "")).To(Succeed())
		_, err := pip.Detect()(packit.DetectContext{WorkingDir: app})
		Expect(err).To(MatchError(ContainSubstring("the app's dependencies are not for pip (uv installs them, from uv.lock)")))
	})

	it("keys the plan on the requirements and the settings, and on the local packages they name", func() {
		Expect(writeFile(app, "requirements.txt", "-e ./libs/greet\nflask\n")).To(Succeed())
		Expect(writeFile(app, "libs/greet/setup.py", "")).To(Succeed())
		first, err := key()
		Expect(err).NotTo(HaveOccurred())
		Expect(first).To(HavePrefix("pip:"))
		Expect(writeFile(app, "app.py", "print(1)\n")).To(Succeed())
		Expect(key()).To(Equal(first))
		Expect(writeFile(app, "libs/greet/greet.py", "x = 1\n")).To(Succeed())
		second, _ := key()
		Expect(second).NotTo(Equal(first))
		t.Setenv("PIP_INDEX_URL", "https://user:secret@mirror.example/simple")
		third, _ := key()
		Expect(third).NotTo(Equal(second))
		Expect(third).NotTo(ContainSubstring("secret"))
	})

	it("gives no key for a project, which every change to its files reinstalls", func() {
		Expect(writeFile(app, "requirements.txt", "flask\n")).To(Succeed())
		Expect(writeFile(app, "setup.py", "")).To(Succeed())
		Expect(key()).To(BeEmpty())
	})
}
