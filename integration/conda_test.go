package integration_test

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/integration/internal/condafixture"
	"github.com/sclevine/spec"
)

const condaID = "python-cnb/conda"

// condaChannel is the local channel (python 3.11.11, pip, six, itsdangerous)
// served over loopback for the whole run; alias is its URL with a slash.
var condaChannel struct {
	once  sync.Once
	alias string
	err   error
}

// channelAlias builds and serves the local conda channel once and returns
// the BP_CONDA_CHANNEL_ALIAS pointing at it.
func channelAlias(t *testing.T) string {
	t.Helper()
	condaChannel.once.Do(func() {
		root, err := condafixture.Build(filepath.Join(suite.root, ".tools", "condafixture"), "3.11.11", condafixture.Wheels)
		if err != nil {
			condaChannel.err = err
			return
		}
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			condaChannel.err = err
			return
		}
		// served until the test binary exits
		go (&http.Server{Handler: http.FileServer(http.Dir(root))}).Serve(listener)
		condaChannel.alias = "http://" + listener.Addr().String() + "/"
	})
	if condaChannel.err != nil {
		t.Fatalf("building the conda channel fixture: %v", condaChannel.err)
	}
	return condaChannel.alias
}

func testConda(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		alias  string
	)

	it.Before(func() {
		alias = channelAlias(t)
	})

	condaBuild := func(image, source string, args ...string) (string, error) {
		return build(t, image, source, suite.buildpack, append([]string{"--env", "BP_CONDA_CHANNEL_ALIAS=" + alias}, args...)...)
	}
	mustCondaBuild := func(image, source string, args ...string) string {
		logs, err := condaBuild(image, source, args...)
		if err != nil {
			t.Fatalf("pack build failed: %v\n%s", err, logs)
		}
		return logs
	}

	it("creates the environment from environment.yml, runs processes inside it, and reuses it untouched", func() {
		image := imageName(t)
		source := app(t, "conda-env", nil)

		logs := mustCondaBuild(image, source)
		Expect(logs).To(ContainSubstring("Reading environment.yml"))
		Expect(logs).To(ContainSubstring("Channel conda-forge -> " + alias + "conda-forge"))
		Expect(logs).To(ContainSubstring("Installing py-rattler 0.28.0"))
		Expect(logs).To(ContainSubstring("Creating the conda environment (rebuilding layer: no cached layer)"))
		Expect(logs).To(MatchRegexp(`python 3\.11\.11 pbs_0`))
		Expect(logs).To(ContainSubstring(`CONDA_PREFIX -> "/layers/python-cnb_conda/conda-env"`))

		out, err := dockerRun(image, "python", "show.py")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("/layers/python-cnb_conda/conda-env/lib/python3.11/site-packages/six.py /layers/python-cnb_conda/conda-env /layers/python-cnb_conda/conda-env/bin/python\n"))
		Expect(dockerRun(image, "pip", "--version")).To(ContainSubstring("/layers/python-cnb_conda/conda-env/lib/python3.11/site-packages/pip"))
		first := layerSHA(t, image, condaID, "conda-env")

		logs = mustCondaBuild(image, source)
		Expect(logs).To(ContainSubstring("Reusing cached layer /layers/python-cnb_conda/conda-env"))
		Expect(logs).To(ContainSubstring("the solver and pip did not run"))
		Expect(logs).NotTo(ContainSubstring("Solving and installing"))
		Expect(layerSHA(t, image, condaID, "conda-env")).To(Equal(first))

		writeFile(filepath.Join(source, "environment.yml"), "dependencies:\n  - python=3.11\n  - itsdangerous\n")
		logs = mustCondaBuild(image, source)
		Expect(logs).To(ContainSubstring("Reusing cached layer /layers/python-cnb_conda/rattler (py-rattler 0.28.0)"))
		Expect(logs).To(ContainSubstring("Creating the conda environment (rebuilding layer: environment.yml changed)"))
		out, err = dockerRun(image, "python", "-c", "import six")
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("No module named 'six'"))
		Expect(dockerRun(image, "python", "-c", "import itsdangerous; print('ok')")).To(Equal("ok\n"))
	})

	it("reads environment.yaml", func() {
		image := imageName(t)
		source := app(t, "conda-env", nil)
		Expect(renameFile(source, "environment.yml", "environment.yaml")).To(Succeed())
		logs := mustCondaBuild(image, source)
		Expect(logs).To(ContainSubstring("Reading environment.yaml"))
		Expect(dockerRun(image, "python", "-c", "import six, os; print(os.environ['CONDA_PREFIX'])")).To(Equal("/layers/python-cnb_conda/conda-env\n"))
	})

	it("installs requirements.txt and the pip: list into the environment with pip", func() {
		image := imageName(t)
		source := app(t, "conda-env", map[string]string{
			"environment.yml":  "dependencies:\n  - python=3.11\n  - six\n  - pip:\n    - itsdangerous==2.2.0\n",
			"requirements.txt": "markupsafe==3.0.2\n",
		})
		logs := mustCondaBuild(image, source)
		Expect(logs).To(MatchRegexp(`Running 'pip install --prefer-binary --no-cache-dir --requirement \.conda-pip-requirements-\d+\.txt --requirement requirements\.txt' in the conda environment`))
		Expect(logs).To(ContainSubstring("Successfully installed"))
		Expect(dockerRun(image, "python", "-c", "import markupsafe, itsdangerous; print(markupsafe.__file__)")).
			To(HavePrefix("/layers/python-cnb_conda/conda-env/lib/python3.11/site-packages/markupsafe/"))
		Expect(dockerRun(image, "sh", "-c", "ls -a /workspace | grep -c conda-pip-requirements || true")).To(Equal("0\n"))
	})

	it("makes the default environment for a notebook-only repository", func() {
		image := imageName(t)
		source := app(t, "conda-notebook", nil)
		logs := mustCondaBuild(image, source)
		Expect(logs).To(ContainSubstring("No environment.yml: creating the default environment for Jupyter notebooks"))
		Expect(logs).To(ContainSubstring("python=3.11, the version runtime.txt asks for"))
		Expect(logs).To(ContainSubstring("Conda packages: python=3.11, pip"))
		Expect(dockerRun(image, "python", "-c", "import six, sys; print(sys.prefix)")).To(Equal("/layers/python-cnb_conda/conda-env\n"))
	})

	context("failure cases", func() {
		it("names the line of an environment file that is not valid YAML", func() {
			source := app(t, "conda-env", map[string]string{
				"environment.yml": "name: demo\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - six\n - pip\n",
			})
			logs, err := condaBuild(imageName(t), source)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("environment.yml is not valid YAML: line 7: did not find expected key"))
			Expect(logs).To(ContainSubstring(">   7 |  - pip"))
		})

		it("shows the solver's explanation for a package the channels do not have", func() {
			source := app(t, "conda-env", map[string]string{"environment.yml": "dependencies:\n  - python=3.11\n  - flask\n"})
			logs, err := condaBuild(imageName(t), source)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("The conda packages in environment.yml cannot be installed from " + alias + "conda-forge"))
			Expect(logs).To(ContainSubstring("No candidates were found for flask"))
		})

		it("says which channel could not be reached", func() {
			source := app(t, "conda-env", nil)
			logs, err := build(t, imageName(t), source, suite.buildpack, "--env", "BP_CONDA_CHANNEL_ALIAS=http://127.0.0.1:1/")
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("Could not read the conda channels http://127.0.0.1:1/conda-forge"))
			Expect(logs).To(ContainSubstring("Connection refused"))
		})

		it("shows pip's ERROR lines when requirements.txt conflicts with the environment file", func() {
			source := app(t, "conda-env", map[string]string{
				"environment.yml":  "dependencies:\n  - python=3.11\n  - pip:\n    - markupsafe==3.0.2\n",
				"requirements.txt": "markupsafe==2.1.5\n",
			})
			logs, err := condaBuild(imageName(t), source)
			Expect(err).To(HaveOccurred())
			Expect(logs).To(ContainSubstring("pip could not install the pip: list of environment.yml and requirements.txt into the conda environment"))
			Expect(logs).To(ContainSubstring("ERROR: Cannot install markupsafe==2.1.5 and markupsafe==3.0.2 because these package versions have conflicting dependencies."))
		})
	})
}

// renameFile renames dir/from to dir/to.
func renameFile(dir, from, to string) error {
	return os.Rename(filepath.Join(dir, from), filepath.Join(dir, to))
}
