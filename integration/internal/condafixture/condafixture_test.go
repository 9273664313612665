package condafixture_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/python-cnb/buildpack/integration/internal/condafixture"
)

// TestChannel builds the real channel (it downloads wheels with pip and the
// CPython module from the Go module proxy): run it with CONDAFIXTURE_BUILD=1.
func TestChannel(t *testing.T) {
	if os.Getenv("CONDAFIXTURE_BUILD") == "" {
		t.Skip("set CONDAFIXTURE_BUILD=1 to build the channel")
	}
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("no bzip2")
	}
	cache := t.TempDir()
	if dir := os.Getenv("CONDAFIXTURE_CACHE"); dir != "" {
		cache = dir
	}
	root, err := condafixture.Build(cache, "3.11.11", condafixture.Wheels)
	if err != nil {
		t.Fatal(err)
	}
	for subdir, want := range map[string]int{"linux-64": 1, "noarch": 3} {
		var repodata struct {
			Packages map[string]map[string]interface{} `json:"packages"`
		}
		content, err := os.ReadFile(filepath.Join(root, condafixture.ChannelName, subdir, "repodata.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(content, &repodata); err != nil {
			t.Fatal(err)
		}
		if len(repodata.Packages) != want {
			t.Fatalf("%s has %d packages, want %d", subdir, len(repodata.Packages), want)
		}
		for name, record := range repodata.Packages {
			info, err := os.Stat(filepath.Join(root, condafixture.ChannelName, subdir, name))
			if err != nil || float64(info.Size()) != record["size"].(float64) {
				t.Fatalf("%s: %v, size %v", name, err, record["size"])
			}
		}
	}
}
