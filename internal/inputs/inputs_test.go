package inputs_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/inputs"
	"github.com/python-cnb/buildpack/internal/layermeta"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitInputs(t *testing.T) {
	spec.Run(t, "inputs", func(t *testing.T, context spec.G, it spec.S) {
		Expect := NewWithT(t).Expect
		var app string

		write := func(rel, content string) {
			path := filepath.Join(app, rel)
			Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
			Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
		}
		// set builds the inputs of a typical pip environment.
		set := func() inputs.Set {
			var s inputs.Set
			s.File("requirements.txt", filepath.Join(app, "requirements.txt"))
			s.Tree("libs/greet", filepath.Join(app, "libs", "greet"))
			s.Setting("PIP_INDEX_URL")
			s.Value("CPython", "3.13.1")
			return s
		}
		cached := func(s inputs.Set) map[string]interface{} {
			key, err := s.KeyOf("3")
			Expect(err).NotTo(HaveOccurred())
			m, err := layermeta.Encode(key)
			Expect(err).NotTo(HaveOccurred())
			return m
		}
		changes := func(before map[string]interface{}, s inputs.Set) []string {
			key, err := s.KeyOf("3")
			Expect(err).NotTo(HaveOccurred())
			reasons, err := inputs.Changes(before, key)
			Expect(err).NotTo(HaveOccurred())
			return reasons
		}

		it.Before(func() {
			app = t.TempDir()
			t.Setenv("PIP_INDEX_URL", "")
			os.Unsetenv("PIP_INDEX_URL")
			write("requirements.txt", "-e ./libs/greet\n")
			write("libs/greet/greet.py", "def hello(): return 'hi'\n")
		})

		it("finds nothing changed when nothing did", func() {
			Expect(changes(cached(set()), set())).To(BeEmpty())
		})

		it("names a changed file and a changed local package in words", func() {
			before := cached(set())
			write("requirements.txt", "-e ./libs/greet\nsix\n")
			write("libs/greet/greet.py", "def hello(): return 'hello'\n")
			Expect(changes(before, set())).To(Equal([]string{
				"requirements.txt changed",
				"the files in libs/greet changed",
			}))
		})

		it("says when a setting was set, changed or unset, without its value", func() {
			before := cached(set())
			t.Setenv("PIP_INDEX_URL", "https://user:s3cret@example.com/simple")
			withIndex := cached(set())
			Expect(changes(before, set())).To(Equal([]string{"PIP_INDEX_URL was set"}))
			t.Setenv("PIP_INDEX_URL", "https://user:other@example.com/simple")
			Expect(changes(withIndex, set())).To(Equal([]string{"PIP_INDEX_URL changed"}))
			os.Unsetenv("PIP_INDEX_URL")
			Expect(changes(withIndex, set())).To(Equal([]string{"PIP_INDEX_URL was unset"}))
			Expect(fmt.Sprint(withIndex)).NotTo(ContainSubstring("s3cret"))
		})

		it("adds every setting of a tool but the ones named", func() {
			t.Setenv("UV_INDEX_URL", "https://example.com/simple")
			t.Setenv("UV_CACHE_DIR", "/somewhere")
			t.Setenv("UVX_OTHER", "x")
			var s inputs.Set
			s.SettingsWithPrefix("UV_", "UV_CACHE_DIR")
			m, err := s.Map()
			Expect(err).NotTo(HaveOccurred())
			Expect(m).To(HaveKey("setting:UV_INDEX_URL"))
			Expect(m).NotTo(HaveKey("setting:UV_CACHE_DIR"))
			Expect(m).NotTo(HaveKey("setting:UVX_OTHER"))
		})

		it("shows values that are no secret", func() {
			before := cached(set())
			s := set()
			s.Value("CPython", "3.14.6")
			s.Value("uv", "0.13.9")
			Expect(changes(before, s)).To(Equal([]string{"CPython changed from 3.13.1 to 3.14.6", "uv is now 0.13.9"}))
		})

		it("says when an input is new or no longer used", func() {
			before := cached(set())
			s := set()
			s.Content("constraints.txt", "six<2\n")
			Expect(changes(before, s)).To(Equal([]string{"constraints.txt is new"}))
			Expect(changes(cached(s), set())).To(Equal([]string{"constraints.txt is no longer used"}))
		})

		it("rebuilds a layer with no metadata, or made with another layout", func() {
			Expect(changes(nil, set())).To(Equal([]string{"no cached layer"}))
			Expect(changes(map[string]interface{}{"format": "2", "requirements": "sha256:0"}, set())).
				To(Equal([]string{"it was made by another version of this buildpack"}))
		})

		it("digests the whole set, in any order of adding", func() {
			var a, b inputs.Set
			a.Value("x", "1")
			a.Content("y", "2")
			b.Content("y", "2")
			b.Value("x", "1")
			da, err := a.Digest()
			Expect(err).NotTo(HaveOccurred())
			Expect(b.Digest()).To(Equal(da))
			b.Value("x", "2")
			Expect(b.Digest()).NotTo(Equal(da))
		})

		it("merges sets", func() {
			var a, b inputs.Set
			a.Value("x", "1")
			b.Value("y", "2")
			a.Merge(b)
			m, err := a.Map()
			Expect(err).NotTo(HaveOccurred())
			Expect(m).To(Equal(map[string]string{"value:x": "1", "value:y": "2"}))
		})

		it("reads a tree only when the set is read", func() {
			var s inputs.Set
			s.Tree("gone", filepath.Join(app, "gone"))
			_, err := s.Map()
			Expect(err).To(MatchError(ContainSubstring("reading gone")))
		})

		context("failure cases", func() {
			it("names an unreadable file and says how to fix it", func() {
				// the build runs as the CNB user, which cannot read a file of
				// mode 000; these tests may run as root, who can
				err := inputs.Unreadable("libs/greet", fmt.Errorf("hashing: %w",
					&fs.PathError{Op: "open", Path: "/workspace/libs/greet/secret.py", Err: fs.ErrPermission}))
				Expect(errs.IsUser(err)).To(BeTrue())
				Expect(err.Error()).To(ContainSubstring("The build cannot read /workspace/libs/greet/secret.py: permission denied"))
				Expect(err.Error()).To(ContainSubstring("it is part of libs/greet"))
				Expect(err.Error()).To(ContainSubstring("chmod a+r secret.py"))
				Expect(inputs.Unreadable("x", errors.New("boom"))).To(MatchError("reading x: boom"))
			})

			it("fails on cached metadata it cannot decode", func() {
				_, err := inputs.Changes(map[string]interface{}{"format": []interface{}{1}}, inputs.Key{})
				Expect(err).To(HaveOccurred())
			})
		})
	}, spec.Report(report.Terminal{}))
}
