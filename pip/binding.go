package pip

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/paketo-buildpacks/packit/v2/servicebindings"
)

// pipBinding reads a service binding of type pip. Its pip.conf becomes
// PIP_CONFIG_FILE and its netrc (or .netrc) becomes NETRC, so index
// credentials reach pip without entering the environment of the image.
// It returns the variables to set and a digest of the binding's files.
func pipBinding(platformDir string) ([]string, string, error) {
	bindings, err := servicebindings.NewResolver().Resolve(BindingType, "", platformDir)
	if err != nil {
		return nil, "", fmt.Errorf("reading service bindings of type %s: %w", BindingType, err)
	}
	if len(bindings) == 0 {
		return nil, "", nil
	}
	if len(bindings) > 1 {
		return nil, "", fmt.Errorf("found %d service bindings of type %s; give exactly one", len(bindings), BindingType)
	}
	binding := bindings[0]
	var env []string
	h := sha256.New()
	for _, entry := range []struct{ name, variable string }{
		{"pip.conf", "PIP_CONFIG_FILE"}, {"netrc", "NETRC"}, {".netrc", "NETRC"},
	} {
		path := filepath.Join(binding.Path, entry.name)
		content, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("reading %s from the %s binding: %w", entry.name, BindingType, err)
		}
		if hasVariable(env, entry.variable) {
			continue // netrc and .netrc: the first one found counts
		}
		env = append(env, entry.variable+"="+path)
		fmt.Fprintf(h, "%s\x00", entry.name)
		h.Write(content)
	}
	return env, hex.EncodeToString(h.Sum(nil)), nil
}

// environ is the process environment the pip processes start from.
var environ = os.Environ

func hasVariable(env []string, name string) bool {
	for _, kv := range env {
		if len(kv) > len(name) && kv[:len(name)+1] == name+"=" {
			return true
		}
	}
	return false
}
