// Command demobp stages the composite buildpack as an offline package whose
// CPython is assembled locally from the go-embed-python module, for running
// the demo on machines that cannot reach the upstream CPython downloads.
//
//	go run ./integration/cmd/demobp -out DIR
//
// It prints the staged directory and the CPython version it holds.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/python-cnb/buildpack/integration/internal/pyfixture"
	"github.com/python-cnb/buildpack/integration/internal/stage"
)

func main() {
	root := flag.String("root", ".", "the repository root")
	out := flag.String("out", ".tools/demo-buildpack", "where to stage the buildpack")
	serveFrom := flag.String("uri-base", "", "list the archive at this URL base (which serves .tools/pyfixture/v1) instead of vendoring it")
	flag.Parse()
	dir, version, err := run(*root, *out, *serveFrom)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demobp:", err)
		os.Exit(1)
	}
	fmt.Println(dir, version)
}

func run(root, out, uriBase string) (string, string, error) {
	versions := pyfixture.KnownVersions()
	version := versions[len(versions)-1]
	archive, sum, err := pyfixture.Tarball(filepath.Join(root, ".tools", "pyfixture"), version)
	if err != nil {
		return "", "", err
	}
	dependency := stage.Dependency{
		Version:  version,
		URI:      "https://cpython.invalid/" + filepath.Base(archive),
		Checksum: "sha256:" + sum,
		Vendor:   archive,
	}
	if uriBase != "" {
		dependency.URI, dependency.Vendor = uriBase+"/"+filepath.Base(archive), ""
	}
	dir, err := stage.Stage(root, out, stage.Options{Arch: runtime.GOARCH, Dependencies: []stage.Dependency{dependency}})
	return dir, version, err
}
