package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// programDetails adds what a program says about itself (a Go program's
// build information) to its description; sbom/goprogram registers it.
var programDetails func(path string, c *Component)

// RegisterProgramDetails makes FromProgram add what details finds in a
// program. Package sbom/goprogram calls it from its init function.
func RegisterProgramDetails(details func(path string, c *Component)) {
	programDetails = details
}

// FromProgram describes a program this buildpack copies into a layer (an
// exec.d program, at path inside the buildpack at cnbPath) by its digest,
// and, with sbom/goprogram registered, a Go program's modules.
func FromProgram(path, cnbPath string) (Component, error) {
	f, err := os.Open(path)
	if err != nil {
		return Component{}, fmt.Errorf("reading the program %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return Component{}, fmt.Errorf("reading the program %s: %w", path, err)
	}
	rel, err := filepath.Rel(cnbPath, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(path)
	}
	c := Component{
		Kind:   Application,
		Name:   filepath.Base(path),
		SHA256: hex.EncodeToString(h.Sum(nil)),
		Path:   "exec.d/" + filepath.Base(path),
		Source: filepath.ToSlash(rel),
	}
	if programDetails != nil {
		programDetails(path, &c)
	}
	return c, nil
}
