package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// app copies a test app into a fresh directory and writes extra files into it.
func app(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("testdata", name)
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(dir, rel), string(content))
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel, content := range files {
		if err := writeFile(filepath.Join(dir, rel), content); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// imageName returns a unique image name and removes the image and its pack
// cache volumes when the test ends.
func imageName(t *testing.T) string {
	t.Helper()
	slug := strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	if len(slug) > 80 {
		slug = slug[len(slug)-80:]
	}
	stamp := time.Now().UnixNano()
	name := fmt.Sprintf("python-cnb-test/%s-%d", strings.TrimLeft(slug, "-"), stamp)
	t.Cleanup(func() {
		exec.Command("docker", "image", "rm", "-f", name).Run()
		// pack names its cache volumes pack-cache-<repo with / as _>_<tag>-<hash>.{build,launch},
		// with words Windows reserves spelled apart ("com" as "c_o_m"): the name's stamp finds them
		out, _ := exec.Command("docker", "volume", "ls", "-q", "--filter", fmt.Sprintf("name=-%d_latest-", stamp)).Output()
		if volumes := strings.Fields(string(out)); len(volumes) > 0 {
			exec.Command("docker", append([]string{"volume", "rm", "-f"}, volumes...)...).Run()
		}
	})
	return name
}

// build runs pack build and returns its log; err is non-nil when the build
// failed. The suite's buildpack builds with the suite's builder, which
// holds it; another buildpack is added to the local builder.
func build(t *testing.T, image, appDir, buildpack string, args ...string) (string, error) {
	t.Helper()
	cmdArgs := []string{"build", image,
		"--path", appDir,
		"--lifecycle-image", os.Getenv("LIFECYCLE_IMAGE"),
		"--pull-policy", "never",
		"--trust-builder",
		"--network", "host",
		"--no-color",
	}
	if buildpack == suite.buildpack && suite.builder != "" {
		cmdArgs = append(cmdArgs, "--builder", suite.builder)
	} else {
		cmdArgs = append(cmdArgs, "--builder", os.Getenv("BUILDER"), "--buildpack", buildpack)
	}
	return runPack(t, append(cmdArgs, args...)...)
}

// runPack runs pack with args and returns its output, logging how long it took.
func runPack(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command("pack", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("pack %s %s: %s (%v)", args[0], args[1], time.Since(start).Round(time.Millisecond), err)
	return out.String(), err
}

// mustBuild is build that fails the test, showing the log, when the build fails.
func mustBuild(t *testing.T, image, appDir, buildpack string, args ...string) string {
	t.Helper()
	logs, err := build(t, image, appDir, buildpack, args...)
	if err != nil {
		t.Fatalf("pack build failed: %v\n%s", err, logs)
	}
	return logs
}

// serve starts the image with PORT set to a free loopback port and returns
// that port; the container is removed when the test ends.
func serve(t *testing.T, image string, args ...string) int {
	t.Helper()
	port, _ := start(t, image, args...)
	return port
}

// start is serve that also returns the container's id.
func start(t *testing.T, image string, args ...string) (int, string) {
	t.Helper()
	port := freePort(t)
	runArgs := append([]string{"run", "-d", "--network", "host", "-e", fmt.Sprintf("PORT=%d", port)}, args...)
	runArgs = append(runArgs, image)
	out, err := exec.Command("docker", runArgs...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker run: %v\n%s", err, out)
	}
	id := strings.TrimSpace(string(out))
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", id).Run() })
	return port, id
}

// logsOf returns what a container printed so far.
func logsOf(t *testing.T, id string) string {
	t.Helper()
	out, _ := exec.Command("docker", "logs", id).CombinedOutput()
	return string(out)
}

// getPath requests path until the app answers 200 and returns the body.
func getPath(t *testing.T, port int, path string) string {
	t.Helper()
	_, body := request(t, port, path, func(status int) bool { return status == http.StatusOK })
	return body
}

// request requests path until the app's answer has a status accept takes
// (for up to 30 s), and returns the status and body.
func request(t *testing.T, port int, path string, accept func(status int) bool) (int, string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if accept(resp.StatusCode) {
				return resp.StatusCode, string(body)
			}
			last = fmt.Errorf("status %d: %s", resp.StatusCode, body)
		} else {
			last = err
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the app on port %d did not answer %s: %v", port, path, last)
	return 0, ""
}

// get requests / until the app answers 200 (for up to 30 s) and returns the body.
func get(t *testing.T, port int) string {
	t.Helper()
	return getPath(t, port, "/")
}

// facts decodes the JSON the plain test app answers with.
func facts(t *testing.T, port int) map[string]interface{} {
	t.Helper()
	var f map[string]interface{}
	if err := json.Unmarshal([]byte(get(t, port)), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// layerSHA returns the digest of a buildpack's layer in the image.
func layerSHA(t *testing.T, image, buildpackID, layer string) string {
	t.Helper()
	out, err := exec.Command("docker", "image", "inspect", "--format", `{{index .Config.Labels "io.buildpacks.lifecycle.metadata"}}`, image).Output()
	if err != nil {
		t.Fatalf("docker image inspect: %v", err)
	}
	return layerSHAIn(t, image, out, buildpackID, layer)
}

// layerSHAIn returns the digest of a buildpack's layer that the lifecycle's
// metadata label of image records.
func layerSHAIn(t *testing.T, image string, label []byte, buildpackID, layer string) string {
	t.Helper()
	var metadata struct {
		Buildpacks []struct {
			Key    string `json:"key"`
			Layers map[string]struct {
				SHA string `json:"sha"`
			} `json:"layers"`
		} `json:"buildpacks"`
	}
	if err := json.Unmarshal(label, &metadata); err != nil {
		t.Fatal(err)
	}
	for _, bp := range metadata.Buildpacks {
		if bp.Key == buildpackID {
			return bp.Layers[layer].SHA
		}
	}
	t.Fatalf("image %s has no layers from %s", image, buildpackID)
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// dockerRun runs a command in a fresh container of the image, through the
// launcher so that the image's environment applies, and returns its output.
func dockerRun(image string, command ...string) (string, error) {
	args := append([]string{"run", "--rm", "--network", "none", "--entrypoint", "launcher", image}, command...)
	out, err := exec.Command("docker", args...).CombinedOutput()
	return string(out), err
}

// fixtureName is the file name the suite serves a CPython version under.
func fixtureName(version string) string {
	return fixtureNameFor(version, runtime.GOARCH)
}

// fixtureNameFor is fixtureName for the build of another architecture.
func fixtureNameFor(version, arch string) string {
	return fmt.Sprintf("cpython-%s-linux-%s.tar.gz", version, arch)
}

// dockerRunEnv runs the image's default process with extra environment
// variables and docker run arguments, in the foreground, and returns its
// output.
func dockerRunEnv(image string, env []string, dockerArgs ...string) (string, error) {
	args := append([]string{"run", "--rm", "--network", "none"}, dockerArgs...)
	for _, e := range env {
		args = append(args, "-e", e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", append(args, image)...).CombinedOutput()
	return string(out), err
}

// runProcess runs one of the image's process types in the foreground.
func runProcess(image, processType string) (string, error) {
	out, err := exec.Command("docker", "run", "--rm", "--network", "none", "--entrypoint", "/cnb/process/"+processType, image).CombinedOutput()
	return string(out), err
}
