package wiring

import (
	"fmt"
	"os"
)

// Run finds the running sub-buildpack and hands it to phase. When it cannot
// tell which sub-buildpack it is, it prints why and exits 1.
func Run(phase func(Buildpack)) {
	dir, err := Dir()
	if err == nil {
		var bp Buildpack
		if bp, err = Lookup(dir); err == nil {
			phase(bp)
			return
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
