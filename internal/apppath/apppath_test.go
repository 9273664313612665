package apppath_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/apppath"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

func TestUnitApppath(t *testing.T) {
	spec.Run(t, "apppath", func(t *testing.T, context spec.G, it spec.S) {
		Expect := NewWithT(t).Expect
		var app, outside string

		it.Before(func() {
			base := t.TempDir()
			app = filepath.Join(base, "workspace")
			outside = filepath.Join(base, "platform")
			Expect(os.MkdirAll(filepath.Join(app, "reqs"), 0o755)).To(Succeed())
			Expect(os.MkdirAll(outside, 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(app, "reqs", "prod.txt"), []byte("six\n"), 0o644)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(outside, "API_TOKEN"), []byte("secret\n"), 0o644)).To(Succeed())
		})

		it("resolves a relative path inside the app", func() {
			p, err := apppath.Resolve(app, "reqs/../reqs/prod.txt", "X=reqs/prod.txt")
			Expect(err).NotTo(HaveOccurred())
			Expect(p.Rel).To(Equal("reqs/prod.txt"))
			Expect(p.Exists).To(BeTrue())
			Expect(p.IsFile()).To(BeTrue())
			Expect(p.IsDir()).To(BeFalse())
		})

		it("resolves an absolute path inside the app", func() {
			p, err := apppath.Resolve(app, filepath.Join(app, "reqs"), "X")
			Expect(err).NotTo(HaveOccurred())
			Expect(p.Rel).To(Equal("reqs"))
			Expect(p.IsDir()).To(BeTrue())
		})

		it("follows a symlink that stays inside the app", func() {
			Expect(os.Symlink("reqs/prod.txt", filepath.Join(app, "requirements.txt"))).To(Succeed())
			p, err := apppath.Resolve(app, "requirements.txt", "X")
			Expect(err).NotTo(HaveOccurred())
			Expect(p.Rel).To(Equal("reqs/prod.txt"))
		})

		it("gives a path that does not exist, checked against where its directories lead", func() {
			p, err := apppath.Resolve(app, "reqs/missing.txt", "X")
			Expect(err).NotTo(HaveOccurred())
			Expect(p.Exists).To(BeFalse())
			Expect(p.Rel).To(Equal("reqs/missing.txt"))
		})

		context("failure cases", func() {
			it("refuses .. out of the app without reading the file", func() {
				_, err := apppath.Resolve(app, "../platform/API_TOKEN", "CUSTOM_REQUIREMENTSTXT_PATH=../platform/API_TOKEN")
				Expect(errs.IsUser(err)).To(BeTrue())
				Expect(err.Error()).To(ContainSubstring("CUSTOM_REQUIREMENTSTXT_PATH=../platform/API_TOKEN points outside the app"))
				Expect(err.Error()).NotTo(ContainSubstring("secret"))
			})

			it("refuses an absolute path elsewhere", func() {
				_, err := apppath.Resolve(app, "/etc/passwd", "X=/etc/passwd")
				Expect(err).To(MatchError(ContainSubstring("X=/etc/passwd points outside the app")))
			})

			it("refuses a symlink that leads out of the app, even to a file not there", func() {
				Expect(os.Symlink(outside, filepath.Join(app, "escape"))).To(Succeed())
				_, err := apppath.Resolve(app, "escape/API_TOKEN", "X")
				Expect(err).To(MatchError(ContainSubstring("points outside the app")))
				_, err = apppath.Resolve(app, "escape/nothing/here.txt", "X")
				Expect(err).To(MatchError(ContainSubstring("points outside the app")))
			})

			it("fails when the app directory is not there", func() {
				_, err := apppath.Resolve(filepath.Join(app, "nope"), "x", "X")
				Expect(err).To(MatchError(ContainSubstring("resolving the app directory")))
			})
		})
	}, spec.Report(report.Terminal{}))
}
