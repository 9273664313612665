package pip_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/pexec"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/pip"
	"github.com/sclevine/spec"
)

// Service bindings are read by Build and reach pip through the real Runner's
// environment, so these tests run Build with a Runner over a fake python.
func testBinding(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		platform   string
		bindingDir string
		exe        *fakeExecutable
		buildCtx   packit.BuildContext
		build      packit.BuildFunc
	)

	// pipCalls are the executions that ran pip.
	pipCalls := func() []pexec.Execution {
		var calls []pexec.Execution
		for _, call := range exe.Calls {
			if len(call.Args) > 1 && call.Args[0] == "-m" && call.Args[1] == "pip" {
				calls = append(calls, call)
			}
		}
		return calls
	}

	addBinding := func(name, typ string, files map[string]string) string {
		dir := filepath.Join(platform, "bindings", name)
		Expect(writeFile(dir, "type", typ+"\n")).To(Succeed())
		for file, content := range files {
			Expect(writeFile(dir, file, content)).To(Succeed())
		}
		return dir
	}

	// buildFresh builds into new layers, so that nothing is reused.
	buildFresh := func() (packit.BuildResult, error) {
		exe.Calls = nil
		buildCtx.Layers.Path = t.TempDir()
		return build(buildCtx)
	}

	it.Before(func() {
		unsetEnv(t, settingsEnv...)

		platform = t.TempDir()
		workingDir := t.TempDir()
		Expect(writeFile(workingDir, "requirements.txt", "private-package==1.0\n")).To(Succeed())

		exe = &fakeExecutable{Handle: func(execution pexec.Execution) error {
			switch {
			case execution.Args[1] == "venv":
				return writeFile(execution.Args[3], "bin/python", "")
			}
			return nil
		}}
		t.Setenv("PYTHON_CNB_CPYTHON", python3121)
		build = pip.Build(pip.NewRunner(exe), &fakeCompiler{}, steppingClock(), scribe.NewEmitter(bytes.NewBuffer(nil)))
		buildCtx = packit.BuildContext{
			BuildpackInfo: packit.BuildpackInfo{Name: "Python CNB: pip", Version: "0.1.0"},
			WorkingDir:    workingDir,
			Layers:        packit.Layers{Path: t.TempDir()},
			Platform:      packit.Platform{Path: platform},
		}
	})

	it("gives pip the binding's pip.conf and netrc through PIP_CONFIG_FILE and NETRC", func() {
		bindingDir = addBinding("mypip", "pip", map[string]string{
			"pip.conf": "[global]\nindex-url = https://user:hunter2@pypi.example.com/simple\n",
			"netrc":    "machine pypi.example.com login user password hunter2\n",
		})

		result, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		Expect(pipCalls()).To(HaveLen(1))
		env := pipCalls()[0].Env
		Expect(env).To(ContainElement("PIP_CONFIG_FILE=" + filepath.Join(bindingDir, "pip.conf")))
		Expect(env).To(ContainElement("NETRC=" + filepath.Join(bindingDir, "netrc")))

		for key, value := range result.Layers[0].Metadata {
			Expect(fmt.Sprint(value)).NotTo(ContainSubstring("hunter2"), key)
		}
	})

	it("uses a .netrc, and matches the binding type in any case", func() {
		bindingDir = addBinding("creds", "PIP", map[string]string{".netrc": "machine h login u password p\n"})

		_, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		env := pipCalls()[0].Env
		Expect(env).To(ContainElement("NETRC=" + filepath.Join(bindingDir, ".netrc")))
		Expect(strings.Join(env, "\n")).NotTo(ContainSubstring("PIP_CONFIG_FILE=" + bindingDir))
	})

	it("ignores bindings of other types", func() {
		addBinding("db", "postgresql", map[string]string{"pip.conf": "[global]\n"})

		_, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		for _, variable := range pipCalls()[0].Env {
			Expect(variable).NotTo(HavePrefix("PIP_CONFIG_FILE="))
			Expect(variable).NotTo(HavePrefix("NETRC="))
		}
	})

	it("reads bindings from SERVICE_BINDING_ROOT when it is set", func() {
		root := t.TempDir()
		t.Setenv("SERVICE_BINDING_ROOT", root)
		Expect(writeFile(root, "mypip/type", "pip")).To(Succeed())
		Expect(writeFile(root, "mypip/pip.conf", "[global]\n")).To(Succeed())

		_, err := build(buildCtx)
		Expect(err).NotTo(HaveOccurred())
		Expect(pipCalls()[0].Env).To(ContainElement("PIP_CONFIG_FILE=" + filepath.Join(root, "mypip", "pip.conf")))
	})

	it("changes pip-settings when the binding's files change, so that the environment is rebuilt", func() {
		noBinding, err := buildFresh()
		Expect(err).NotTo(HaveOccurred())

		bindingDir = addBinding("mypip", "pip", map[string]string{"pip.conf": "[global]\nindex-url = https://a.example.com/simple\n"})
		withConf, err := buildFresh()
		Expect(err).NotTo(HaveOccurred())

		Expect(writeFile(bindingDir, "pip.conf", "[global]\nindex-url = https://b.example.com/simple\n")).To(Succeed())
		changedConf, err := buildFresh()
		Expect(err).NotTo(HaveOccurred())

		Expect(writeFile(bindingDir, "netrc", "machine b.example.com login u password p\n")).To(Succeed())
		withNetrc, err := buildFresh()
		Expect(err).NotTo(HaveOccurred())

		again, err := buildFresh()
		Expect(err).NotTo(HaveOccurred())

		settings := func(result packit.BuildResult) interface{} { return result.Layers[0].Metadata["pip-settings"] }
		Expect([]interface{}{settings(noBinding), settings(withConf), settings(changedConf), settings(withNetrc)}).To(HaveLen(4))
		Expect(settings(withConf)).NotTo(Equal(settings(noBinding)))
		Expect(settings(changedConf)).NotTo(Equal(settings(withConf)))
		Expect(settings(withNetrc)).NotTo(Equal(settings(changedConf)))
		Expect(settings(again)).To(Equal(settings(withNetrc)))
	})

	context("failure cases", func() {
		it("refuses two bindings of type pip", func() {
			addBinding("one", "pip", map[string]string{"pip.conf": "[global]\n"})
			addBinding("two", "pip", map[string]string{"pip.conf": "[global]\n"})

			_, err := build(buildCtx)
			Expect(err).To(MatchError("found 2 service bindings of type pip; give exactly one"))
			Expect(exe.Calls).To(BeEmpty())
		})

		it("returns an error when the bindings cannot be read", func() {
			Expect(writeFile(platform, "bindings", "not a directory")).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("reading service bindings of type pip")))
		})

		it("returns an error when a binding has no type", func() {
			Expect(writeFile(platform, "bindings/broken/pip.conf", "[global]\n")).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("reading service bindings of type pip")))
			Expect(err).To(MatchError(ContainSubstring("missing 'type'")))
		})

		it("returns an error when the binding's pip.conf cannot be read", func() {
			bindingDir = addBinding("mypip", "pip", nil)
			Expect(os.Mkdir(filepath.Join(bindingDir, "pip.conf"), 0o755)).To(Succeed())

			_, err := build(buildCtx)
			Expect(err).To(MatchError(ContainSubstring("reading pip.conf from the pip binding")))
		})
	})
}
