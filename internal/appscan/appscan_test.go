package appscan_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/appscan"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitAppscan(t *testing.T) {
	spec.Run(t, "appscan", testAppscan, spec.Report(report.Terminal{}))
}

func write(t *testing.T, root, rel string) {
	t.Helper()
	path := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func testAppscan(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		root   string
	)

	it.Before(func() {
		root = t.TempDir()
	})

	context("FindExt", func() {
		it("finds a file at the root", func() {
			write(t, root, "README.md")
			write(t, root, "app.py")
			Expect(appscan.FindExt(root, ".py", false)).To(Equal("app.py"))
		})

		it("finds a file in a subdirectory only when recursive", func() {
			write(t, root, "src/pkg/main.py")
			Expect(appscan.FindExt(root, ".py", false)).To(Equal(""))
			Expect(appscan.FindExt(root, ".py", true)).To(Equal(filepath.Join("src", "pkg", "main.py")))
		})

		it("prefers a shallow file to a deep one", func() {
			write(t, root, "a/b/c/deep.py")
			write(t, root, "z/shallow.py")
			Expect(appscan.FindExt(root, ".py", true)).To(Equal(filepath.Join("z", "shallow.py")))
		})

		it("skips VCS, node_modules and virtual environments", func() {
			write(t, root, ".git/hooks/x.py")
			write(t, root, "node_modules/pkg/x.py")
			write(t, root, ".venv/lib/x.py")
			write(t, root, "antenv/pyvenv.cfg")
			write(t, root, "antenv/lib/x.py")
			Expect(appscan.FindExt(root, ".py", true)).To(Equal(""))
		})

		it("does not count a file named only by the extension, or a directory", func() {
			write(t, root, ".py")
			Expect(os.Mkdir(filepath.Join(root, "pkg.py"), 0o755)).To(Succeed())
			Expect(appscan.FindExt(root, ".py", false)).To(Equal(""))
		})

		it("does not follow symlinked directories", func() {
			write(t, root, "real/x.txt")
			Expect(os.Symlink(root, filepath.Join(root, "real", "loop"))).To(Succeed())
			Expect(appscan.FindExt(root, ".py", true)).To(Equal(""))
		})

		context("failure cases", func() {
			it("returns an error when the root cannot be read", func() {
				_, err := appscan.FindExt(filepath.Join(root, "missing"), ".py", true)
				Expect(err).To(MatchError(ContainSubstring("scanning")))
			})
		})
	})

	context("IsEmptyDir", func() {
		it("is true for an empty or missing directory, false otherwise", func() {
			Expect(appscan.IsEmptyDir(root)).To(BeTrue())
			Expect(appscan.IsEmptyDir(filepath.Join(root, "missing"))).To(BeTrue())
			write(t, root, "x")
			Expect(appscan.IsEmptyDir(root)).To(BeFalse())
		})
	})

	context("Exists", func() {
		it("tells whether a file exists", func() {
			write(t, root, "runtime.txt")
			Expect(appscan.Exists(root, "runtime.txt")).To(BeTrue())
			Expect(appscan.Exists(root, "Procfile")).To(BeFalse())
		})

		context("failure cases", func() {
			it("returns errors other than not-found", func() {
				write(t, root, "file")
				_, err := appscan.Exists(root, "file/child\x00")
				Expect(err).To(HaveOccurred())
			})
		})
	})
}

// BenchmarkFindExt scans a tree of 100,000 files: once where the only Python
// file is deep in the last directory, once where there is none at all.
func BenchmarkFindExt(b *testing.B) {
	root := b.TempDir()
	for d := 0; d < 1000; d++ {
		dir := filepath.Join(root, fmt.Sprintf("d%03d", d/100), fmt.Sprintf("e%03d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := 0; f < 100; f++ {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.txt", f)), nil, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("no-match-100k", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if found, err := appscan.FindExt(root, ".py", true); err != nil || found != "" {
				b.Fatal(found, err)
			}
		}
	})
	last := filepath.Join(root, "d009", "e999", "zz.py")
	if err := os.WriteFile(last, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("last-match-100k", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if found, err := appscan.FindExt(root, ".py", true); err != nil || found == "" {
				b.Fatal(found, err)
			}
		}
	})
	if err := os.WriteFile(filepath.Join(root, "app.py"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("root-match-100k", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if found, err := appscan.FindExt(root, ".py", true); err != nil || found != "app.py" {
				b.Fatal(found, err)
			}
		}
	})
}
