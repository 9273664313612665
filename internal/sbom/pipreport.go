package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

var reports atomic.Int64

// PipReportEnv is the environment variable (PIP_REPORT=<file>) that makes
// one pip install write its installation report, with each archive's
// digest, where Layer finds it for the environment at layerPath. Give each
// pip run its own (pip writes over the file). It makes the report's
// directory; should that fail, pip reports why.
func PipReportEnv(layerPath string) string {
	dir := reportDir(layerPath)
	_ = os.MkdirAll(dir, 0o755)
	return "PIP_REPORT=" + filepath.Join(dir, fmt.Sprintf("report-%d.json", reports.Add(1)))
}

// reportDir keeps a layer's pip reports outside the layers and the app,
// so that they go into no image.
func reportDir(layerPath string) string {
	sum := sha256.Sum256([]byte(layerPath))
	return filepath.Join(os.TempDir(), "python-cnb-pip-reports", hex.EncodeToString(sum[:8]))
}

// readPipReports returns the archive digests (sha256) of the pip reports
// written for the layer, by distribution (normalized name==version).
func readPipReports(layerPath string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(reportDir(layerPath), "report-*.json"))
	if err != nil {
		return nil, err
	}
	digests := map[string]string{}
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading pip's installation report %s: %w", file, err)
		}
		var report struct {
			Install []struct {
				Metadata struct {
					Name    string `json:"name"`
					Version string `json:"version"`
				} `json:"metadata"`
				DownloadInfo struct {
					ArchiveInfo *struct {
						Hash   string            `json:"hash"`
						Hashes map[string]string `json:"hashes"`
					} `json:"archive_info"`
				} `json:"download_info"`
			} `json:"install"`
		}
		if err := json.Unmarshal(content, &report); err != nil {
			return nil, fmt.Errorf("reading pip's installation report %s: %w", file, err)
		}
		for _, item := range report.Install {
			archive := item.DownloadInfo.ArchiveInfo
			if archive == nil {
				continue
			}
			sum := archive.Hashes["sha256"]
			if algo, value, ok := strings.Cut(archive.Hash, "="); sum == "" && ok && algo == "sha256" {
				sum = value
			}
			if sum != "" {
				digests[NormalizeName(item.Metadata.Name)+"=="+item.Metadata.Version] = sum
			}
		}
	}
	return digests, nil
}
