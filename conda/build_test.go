package conda_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	"github.com/paketo-buildpacks/packit/v2"
	"github.com/paketo-buildpacks/packit/v2/chronos"
	"github.com/paketo-buildpacks/packit/v2/postal"
	"github.com/paketo-buildpacks/packit/v2/scribe"
	"github.com/python-cnb/buildpack/conda"
	"github.com/python-cnb/buildpack/requirements"
	"github.com/sclevine/spec"
)

type fakeFetcher struct {
	calls int
	err   error
}

func (f *fakeFetcher) Fetch(dep postal.Dependency, cnbPath, layerPath, platformPath string, out io.Writer) (string, error) {
	f.calls++
	if f.err != nil {
		return "", f.err
	}
	return "pip download " + dep.URI, os.WriteFile(filepath.Join(layerPath, "rattler.py"), nil, 0o644)
}

type fakeCreator struct {
	requests []conda.Request
	rattler  string
	err      error
	noPython bool
	minor    string
}

func (f *fakeCreator) Create(rattlerDir string, request conda.Request, out io.Writer) error {
	f.requests = append(f.requests, request)
	f.rattler = rattlerDir
	fmt.Fprintln(out, "Solved in 0.01s")
	if f.err != nil {
		return f.err
	}
	os.MkdirAll(request.CacheDir, 0o755)
	os.WriteFile(filepath.Join(request.CacheDir, "pkg.tar.bz2"), nil, 0o644)
	if f.noPython {
		return nil
	}
	if err := writeFile(request.Prefix, "lib/python3.11/os.py", ""); err != nil {
		return err
	}
	return writeFile(request.Prefix, "bin/python", "")
}

// fakeCompiler records what it was asked to compile.
type fakeCompiler struct {
	calls [][]string
	err   error
}

func (f *fakeCompiler) Compile(python string, dirs []string, out io.Writer) error {
	f.calls = append(f.calls, append([]string{python}, dirs...))
	if f.err != nil {
		fmt.Fprintln(out, "*** Error compiling 'bad.py'")
	}
	return f.err
}

func (f *fakeCreator) PythonMinor() (string, error) { return f.minor, nil }

type fakePip struct {
	calls   [][]string
	venv    string
	dir     string
	pipFile string
	output  string
	err     error
}

func (f *fakePip) Pip(venv, dir string, args, env []string, out io.Writer) error {
	f.calls = append(f.calls, args)
	f.venv, f.dir = venv, dir
	for i, a := range args {
		if a == "--requirement" && filepath.Base(args[i+1]) != "requirements.txt" {
			content, _ := os.ReadFile(filepath.Join(dir, args[i+1]))
			f.pipFile = string(content)
		}
	}
	io.WriteString(out, f.output)
	return f.err
}

func testBuild(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect    = NewWithT(t).Expect
		layersDir string
		appDir    string
		cnbPath   string
		fetcher   *fakeFetcher
		creator   *fakeCreator
		pipRunner *fakePip
		compiler  *fakeCompiler
		buffer    *bytes.Buffer
		build     packit.BuildFunc
		ctx       packit.BuildContext
	)

	it.Before(func() {
		unsetEnv(t, append(settingsEnv, requirements.InstallSettings...)...)
		t.Setenv("CNB_TARGET_ARCH", "amd64")
		t.Setenv("BP_CONDA_CHANNEL_ALIAS", "http://127.0.0.1:9/")
		layersDir, appDir, cnbPath = t.TempDir(), t.TempDir(), t.TempDir()
		content, err := os.ReadFile("buildpack.toml")
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(cnbPath, "buildpack.toml"), content, 0o644)).To(Succeed())
		fetcher, creator, pipRunner = &fakeFetcher{}, &fakeCreator{minor: "3.11"}, &fakePip{}
		buffer = bytes.NewBuffer(nil)
		compiler = &fakeCompiler{}
		build = conda.Build(fetcher, creator, pipRunner, compiler, chronos.NewClock(func() time.Time { return time.Unix(0, 0) }), scribe.NewEmitter(buffer))
		ctx = packit.BuildContext{
			WorkingDir:    appDir,
			CNBPath:       cnbPath,
			BuildpackInfo: packit.BuildpackInfo{Name: "Python CNB: conda environment", Version: "0.1.0"},
			Layers:        packit.Layers{Path: layersDir},
		}
		Expect(writeFile(appDir, "environment.yml", "name: app\nchannels:\n  - conda-forge\n  - https://extra.example/chan\ndependencies:\n  - python=3.11\n  - six\n")).To(Succeed())
	})

	// persist writes the layers' tomls as packit would, for the next build.
	persist := func(result packit.BuildResult) {
		for _, layer := range result.Layers {
			var meta bytes.Buffer
			Expect(tomlEncode(&meta, map[string]interface{}{"metadata": layer.Metadata})).To(Succeed())
			Expect(os.WriteFile(filepath.Join(layersDir, layer.Name+".toml"), meta.Bytes(), 0o644)).To(Succeed())
		}
	}

	it("installs py-rattler, creates the environment in a build, launch and cache layer and sets CONDA_PREFIX", func() {
		result, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(fetcher.calls).To(Equal(1))
		Expect(creator.requests).To(HaveLen(1))
		request := creator.requests[0]
		Expect(request.Channels).To(Equal([]string{"http://127.0.0.1:9/conda-forge", "https://extra.example/chan"}))
		Expect(request.Specs).To(Equal([]string{"python=3.11", "six"}))
		Expect(request.Prefix).To(Equal(filepath.Join(layersDir, conda.EnvLayer)))
		Expect(request.CacheDir).To(Equal(filepath.Join(layersDir, conda.PkgsLayer)))
		Expect(request.Platform).To(Equal("linux-64"))
		Expect(creator.rattler).To(Equal(filepath.Join(layersDir, conda.RattlerLayer)))
		Expect(pipRunner.calls).To(BeEmpty())

		Expect(result.Layers).To(HaveLen(3))
		env := result.Layers[0]
		Expect(env.Name).To(Equal(conda.EnvLayer))
		Expect([]bool{env.Build, env.Launch, env.Cache}).To(Equal([]bool{true, true, true}))
		Expect(env.SharedEnv).To(HaveKeyWithValue("CONDA_PREFIX.override", env.Path))
		Expect(env.Metadata).To(HaveKeyWithValue("format", conda.EnvFormat))
		key := env.Metadata["inputs"].(map[string]interface{})
		Expect(key).To(HaveKeyWithValue("value:py-rattler", "0.28.0 sha256:4f4ab1d34d5394e7ce130a86e59009c95ace4f5757d9c3af04de1351bcea47eb"))
		Expect(key).To(HaveKeyWithValue("value:platform", "linux-64"))
		Expect(key["file:environment.yml"]).To(HavePrefix("sha256:"))
		Expect(key["file:the conda channels"]).To(HavePrefix("sha256:"))
		rattler := result.Layers[1]
		Expect(rattler.Name).To(Equal(conda.RattlerLayer))
		Expect([]bool{rattler.Build, rattler.Launch, rattler.Cache}).To(Equal([]bool{false, false, true}))
		pkgs := result.Layers[2]
		Expect(pkgs.Name).To(Equal(conda.PkgsLayer))
		Expect([]bool{pkgs.Build, pkgs.Launch, pkgs.Cache}).To(Equal([]bool{false, false, true}))

		Expect(buffer.String()).To(ContainSubstring("Reading environment.yml"))
		Expect(buffer.String()).To(ContainSubstring("Channel conda-forge -> http://127.0.0.1:9/conda-forge"))
		Expect(buffer.String()).To(ContainSubstring("Installing py-rattler 0.28.0 (rebuilding layer: no cached layer)"))
		Expect(buffer.String()).To(ContainSubstring("From pip download pypi:py-rattler==0.28.0"))
		Expect(buffer.String()).To(ContainSubstring("Creating the conda environment (rebuilding layer: no cached layer)"))
		Expect(buffer.String()).To(ContainSubstring("Solved in 0.01s"))
		Expect(buffer.String()).To(ContainSubstring(`CONDA_PREFIX -> "` + env.Path + `"`))
	})

	it("compiles the environment's Python files with its python, only warning on failures", func() {
		compiler.err = errors.New("exit status 1")
		_, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		env := filepath.Join(layersDir, "conda-env")
		Expect(compiler.calls).To(Equal([][]string{{filepath.Join(env, "bin", "python"), filepath.Join(env, "lib", "python3.11")}}))
		Expect(buffer.String()).To(ContainSubstring("Compiling the environment's Python files to bytecode that stays valid in the image"))
		Expect(buffer.String()).To(ContainSubstring("Warning: some files did not compile (exit status 1)"))
	})

	it("reuses the layer untouched when nothing changed, and rebuilds it, reusing py-rattler, when the file changes", func() {
		first, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		persist(first)

		buffer.Reset()
		second, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(creator.requests).To(HaveLen(1))
		Expect(fetcher.calls).To(Equal(1))
		Expect(buffer.String()).To(ContainSubstring("Reusing cached layer " + filepath.Join(layersDir, conda.EnvLayer)))
		Expect(buffer.String()).To(ContainSubstring("the solver and pip did not run"))
		Expect(second.Layers[0].Metadata).To(Equal(first.Layers[0].Metadata))
		Expect(second.Layers).To(HaveLen(3))
		persist(second)

		Expect(writeFile(appDir, "environment.yml", "dependencies:\n  - python=3.12\n")).To(Succeed())
		buffer.Reset()
		_, err = build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(creator.requests).To(HaveLen(2))
		Expect(fetcher.calls).To(Equal(1))
		Expect(buffer.String()).To(ContainSubstring("Reusing cached layer " + filepath.Join(layersDir, conda.RattlerLayer) + " (py-rattler 0.28.0)"))
		Expect(buffer.String()).To(ContainSubstring("rebuilding layer: environment.yml changed; the conda channels changed)"))
	})

	it("rebuilds when requirements, the channel alias or pip settings change", func() {
		first, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		persist(first)
		Expect(writeFile(appDir, "requirements.txt", "flask\n")).To(Succeed())
		t.Setenv("BP_CONDA_CHANNEL_ALIAS", "http://127.0.0.1:10/")
		t.Setenv("PIP_INDEX_URL", "http://mirror/simple")
		buffer.Reset()
		_, err = build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(buffer.String()).To(ContainSubstring("rebuilding layer: requirements.txt is new; the conda channels changed; PIP_INDEX_URL was set)"))
		Expect(buffer.String()).NotTo(ContainSubstring("mirror"))
	})

	it("installs the pip: list and requirements.txt with one pip run in the environment", func() {
		Expect(writeFile(appDir, "environment.yaml", "dependencies:\n  - python\n")).To(Succeed())
		Expect(writeFile(appDir, "environment.yml", "dependencies:\n  - python\n  - pip:\n    - flask==3.1.0\n    - -e .\n")).To(Succeed())
		Expect(writeFile(appDir, "requirements.txt", "markupsafe\n")).To(Succeed())
		_, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(pipRunner.calls).To(HaveLen(1))
		args := pipRunner.calls[0]
		Expect(args[:3]).To(Equal([]string{"install", "--prefer-binary", "--no-cache-dir"}))
		Expect(args[3]).To(Equal("--requirement"))
		Expect(args[4]).To(MatchRegexp(`^\.conda-pip-requirements-\d+\.txt$`))
		Expect(args[5:]).To(Equal([]string{"--requirement", "requirements.txt"}))
		Expect(pipRunner.pipFile).To(Equal("flask==3.1.0\n-e .\n"))
		Expect(pipRunner.venv).To(Equal(filepath.Join(layersDir, conda.EnvLayer)))
		Expect(pipRunner.dir).To(Equal(appDir))
		Expect(filepath.Join(appDir, args[4])).NotTo(BeAnExistingFile())
		Expect(buffer.String()).To(ContainSubstring("Warning: environment.yaml is ignored: environment.yml takes precedence"))
		Expect(buffer.String()).To(ContainSubstring("pip requirements in environment.yml: flask==3.1.0, -e ."))
		Expect(buffer.String()).To(ContainSubstring("Running 'pip install --prefer-binary --no-cache-dir --requirement .conda-pip-requirements-"))
	})

	it("honours CUSTOM_REQUIREMENTSTXT_PATH", func() {
		Expect(writeFile(appDir, "reqs/prod.txt", "six\n")).To(Succeed())
		t.Setenv("CUSTOM_REQUIREMENTSTXT_PATH", "reqs/prod.txt")
		_, err := build(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(pipRunner.calls[0]).To(Equal([]string{"install", "--prefer-binary", "--no-cache-dir", "--requirement", "reqs/prod.txt"}))
	})

	context("a notebook-only repository", func() {
		it.Before(func() {
			Expect(os.Remove(filepath.Join(appDir, "environment.yml"))).To(Succeed())
			Expect(writeFile(appDir, "analysis.ipynb", "{}")).To(Succeed())
		})

		it("creates python and pip from conda-forge, unpinned when the app asks for no version", func() {
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(creator.requests[0].Specs).To(Equal([]string{"python", "pip"}))
			Expect(creator.requests[0].Channels).To(Equal([]string{"http://127.0.0.1:9/conda-forge"}))
			Expect(buffer.String()).To(ContainSubstring("No environment.yml: creating the default environment for Jupyter notebooks"))
		})

		it("pins python to the minor the build's CPython was chosen for when the app asks for one", func() {
			Expect(writeFile(appDir, "runtime.txt", "python-3.11")).To(Succeed())
			_, err := build(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(creator.requests[0].Specs).To(Equal([]string{"python=3.11", "pip"}))
			Expect(buffer.String()).To(ContainSubstring("python=3.11, the version runtime.txt asks for"))
		})
	})

	context("failure cases", func() {
		it("reports an invalid environment file before doing anything", func() {
			Expect(writeFile(appDir, "environment.yml", "dependencies:\n  - python\n - six\n")).To(Succeed())
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("environment.yml is not valid YAML: line 3")))
			Expect(fetcher.calls).To(Equal(0))
		})

		it("reports an invalid requirements file or channel alias", func() {
			Expect(writeFile(appDir, "requirements.txt", "flask==\n")).To(Succeed())
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("requirements.txt line 1 is not a valid requirement")))
			Expect(os.Remove(filepath.Join(appDir, "requirements.txt"))).To(Succeed())
			t.Setenv("BP_CONDA_CHANNEL_ALIAS", "nope")
			_, err = build(ctx)
			Expect(err).To(MatchError(ContainSubstring(`BP_CONDA_CHANNEL_ALIAS="nope"`)))
		})

		it("fails on an architecture conda has no platform for", func() {
			t.Setenv("CNB_TARGET_ARCH", "riscv64")
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("conda environments are not supported on the riscv64 architecture")))
		})

		it("returns the fetcher's error", func() {
			fetcher.err = errors.New("could not download py-rattler")
			_, err := build(ctx)
			Expect(err).To(MatchError("could not download py-rattler"))
		})

		it("shows the solver's explanation when the packages cannot be installed", func() {
			creator.err = &conda.DriverError{Unsolvable: true, Explanation: "Cannot solve the request because of: No candidates were found for flask *.", Err: errors.New("exit status 2")}
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("The conda packages in environment.yml cannot be installed from http://127.0.0.1:9/conda-forge, https://extra.example/chan")))
			Expect(err).To(MatchError(ContainSubstring("No candidates were found for flask *.")))
		})

		it("says which channels could not be read", func() {
			creator.err = &conda.DriverError{Channel: true, Explanation: "GatewayError: Connection refused (os error 111)", Err: errors.New("exit status 3")}
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("Could not read the conda channels http://127.0.0.1:9/conda-forge")))
			Expect(err).To(MatchError(ContainSubstring("Connection refused")))
			Expect(err).To(MatchError(ContainSubstring("BP_CONDA_CHANNEL_ALIAS")))
		})

		it("shows py-rattler's message for other failures, or its output when it gave none", func() {
			creator.err = &conda.DriverError{Explanation: "InvalidMatchSpecError: unable to parse", Err: errors.New("exit status 4")}
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("py-rattler could not create the conda environment from environment.yml")))
			Expect(err).To(MatchError(ContainSubstring("InvalidMatchSpecError: unable to parse")))
			creator.err = &conda.DriverError{Err: errors.New("exit status 1")}
			_, err = build(ctx)
			Expect(err).To(MatchError(ContainSubstring("Solved in 0.01s")))
			creator.err = errors.New("writing the request")
			_, err = build(ctx)
			Expect(err).To(MatchError("writing the request"))
		})

		it("shows pip's ERROR lines when pip fails in the environment", func() {
			Expect(writeFile(appDir, "requirements.txt", "markupsafe==2.1.5\n")).To(Succeed())
			pipRunner.output = "Collecting markupsafe\nERROR: Cannot install markupsafe==2.1.5 and markupsafe==3.0.2 because these package versions have conflicting dependencies.\nnoise\nERROR: ResolutionImpossible\n"
			pipRunner.err = errors.New("exit status 1")
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("pip could not install requirements.txt into the conda environment")))
			Expect(err).To(MatchError(ContainSubstring("  ERROR: Cannot install markupsafe==2.1.5 and markupsafe==3.0.2 because")))
			Expect(err).To(MatchError(ContainSubstring("ERROR: ResolutionImpossible\n  (pip: exit status 1)")))
			Expect(err).NotTo(MatchError(ContainSubstring("noise")))
		})

		it("says the environment needs python when pip has work and there is none", func() {
			Expect(writeFile(appDir, "requirements.txt", "six\n")).To(Succeed())
			creator.noPython = true
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("The conda environment has no Python, so pip cannot install requirements.txt into it")))
			Expect(err).To(MatchError(ContainSubstring("add python to the dependencies in environment.yml")))
		})

		it("fails when a layer cannot be opened", func() {
			Expect(os.WriteFile(filepath.Join(layersDir, conda.EnvLayer+".toml"), []byte("not toml ["), 0o644)).To(Succeed())
			_, err := build(ctx)
			Expect(err).To(MatchError(ContainSubstring("opening the conda-env layer")))
		})
	})
}

func tomlEncode(w io.Writer, v interface{}) error { return toml.NewEncoder(w).Encode(v) }
