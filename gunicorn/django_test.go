package gunicorn_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/sclevine/spec"
)

func testDjango(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		appDir string
	)

	it.Before(func() {
		appDir = t.TempDir()
	})

	write := func(rel string) {
		path := filepath.Join(appDir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, nil, 0o644)).To(Succeed())
	}
	find := func() string {
		dir, err := gunicorn.FindDjango(appDir, true)
		Expect(err).NotTo(HaveOccurred())
		return dir
	}

	it("finds the first root-level directory holding wsgi.py, alphabetically", func() {
		write("zeta/wsgi.py")
		write("mysite/wsgi.py")
		write("mysite/settings.py")
		Expect(find()).To(Equal("mysite"))
	})

	it("looks at every directory of a level before going deeper", func() {
		write("aaa/deep/wsgi.py")
		write("zzz/wsgi.py")
		Expect(find()).To(Equal("zzz"))
	})

	it("goes up to three levels deep, and no deeper", func() {
		write("src/project/config/wsgi.py")
		Expect(find()).To(Equal(filepath.Join("src", "project", "config")))

		Expect(os.RemoveAll(filepath.Join(appDir, "src"))).To(Succeed())
		write("a/b/c/d/wsgi.py")
		Expect(find()).To(BeEmpty())
	})

	it("finds asgi.py too, unless told not to", func() {
		write("zeta/wsgi.py")
		write("mysite/asgi.py")
		Expect(find()).To(Equal("mysite"))
		dir, err := gunicorn.FindDjango(appDir, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(dir).To(Equal("zeta"))
	})

	it("ignores wsgi.py at the root", func() {
		write("wsgi.py")
		Expect(find()).To(BeEmpty())
	})

	it("skips virtual environments, hidden directories, node_modules and site-packages", func() {
		write("env1/pyvenv.cfg")
		write("env1/wsgi.py")
		write(".hidden/wsgi.py")
		write("node_modules/x/wsgi.py")
		write("lib/site-packages/pkg/wsgi.py")
		write("venv/wsgi.py")
		Expect(find()).To(BeEmpty())
	})

	it("skips directories gunicorn cannot import as a package, but searches below them", func() {
		write("my-site/wsgi.py")
		write("my-site/mysite/wsgi.py")
		Expect(find()).To(Equal(filepath.Join("my-site", "mysite")))
	})

	it("does not take a directory named wsgi.py for the file", func() {
		Expect(os.MkdirAll(filepath.Join(appDir, "mysite", "wsgi.py"), 0o755)).To(Succeed())
		Expect(find()).To(BeEmpty())
	})

	it("skips subdirectories it cannot read", func() {
		write("a/wsgi.py")
		Expect(os.Chmod(filepath.Join(appDir, "a"), 0o000)).To(Succeed())
		defer os.Chmod(filepath.Join(appDir, "a"), 0o755)
		write("b/c/wsgi.py")
		if os.Geteuid() != 0 {
			Expect(find()).To(Equal(filepath.Join("b", "c")))
		}
	})

	context("failure cases", func() {
		it("fails when the app's root cannot be read", func() {
			_, err := gunicorn.FindDjango(filepath.Join(appDir, "missing"), true)
			Expect(err).To(MatchError(ContainSubstring("looking for wsgi.py: open " + filepath.Join(appDir, "missing"))))
		})
	})
}
