package environment_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/sclevine/spec"
)

func testInstalled(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("lists the distributions as normalized name==version, sorted", func() {
		venv := t.TempDir()
		site := filepath.Join(venv, "lib", "python3.12", "site-packages")
		for _, dir := range []string{"Flask-3.1.0.dist-info", "zope.interface-7.0.dist-info", "typing_extensions-4.12.2.dist-info", "broken.dist-info"} {
			Expect(os.MkdirAll(filepath.Join(site, dir), 0o755)).To(Succeed())
		}
		Expect(os.WriteFile(filepath.Join(site, "file-1.0.dist-info"), nil, 0o644)).To(Succeed())
		Expect(environment.Installed(venv)).To(Equal([]string{"flask==3.1.0", "typing-extensions==4.12.2", "zope-interface==7.0"}))
	})
}
