package cpython_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitCPython(t *testing.T) {
	suite := spec.New("cpython", spec.Report(report.Terminal{}), spec.Sequential())
	suite("Version", testVersion)
	suite("Requests", testRequests)
	suite("Dependencies", testDependencies)
	suite("Transport", testTransport)
	suite("Install", testInstall)
	suite("Build", testBuild)
	suite("Detect", testDetect)
	suite("Trim", testTrim)
	suite("Pip", testPip)
	suite("Sysconfig", testSysconfig)
	suite.Run(t)
}

// writeFile writes content to dir/name, creating parent directories.
func writeFile(dir, name, content string) error {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}
