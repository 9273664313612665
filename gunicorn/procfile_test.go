package gunicorn_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

func testProcfile(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		appDir string
	)

	it.Before(func() {
		appDir = t.TempDir()
	})

	write := func(content string) {
		Expect(os.WriteFile(filepath.Join(appDir, "Procfile"), []byte(content), 0o644)).To(Succeed())
	}

	it("reads entries, skipping blank lines and comments", func() {
		write("# processes\n\nweb: gunicorn app:app --log-level info\r\nworker:python worker.py\n  release: ./migrate.sh  \n")
		entries, found, err := gunicorn.ReadProcfile(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		Expect(entries).To(Equal([]gunicorn.ProcfileEntry{
			{Type: "web", Command: "gunicorn app:app --log-level info", Line: 3},
			{Type: "worker", Command: "python worker.py", Line: 4},
			{Type: "release", Command: "./migrate.sh", Line: 5},
		}))
	})

	it("reads a Procfile saved with a byte-order mark, or as UTF-16 with CRLF line ends", func() {
		write("\ufeffweb: gunicorn app:app\n")
		entries, _, err := gunicorn.ReadProcfile(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(Equal([]gunicorn.ProcfileEntry{{Type: "web", Command: "gunicorn app:app", Line: 1}}))

		utf16 := []byte{0xff, 0xfe}
		for _, r := range "web: gunicorn app:app\r\n" {
			utf16 = append(utf16, byte(r), 0)
		}
		Expect(os.WriteFile(filepath.Join(appDir, "Procfile"), utf16, 0o644)).To(Succeed())
		entries, _, err = gunicorn.ReadProcfile(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(Equal([]gunicorn.ProcfileEntry{{Type: "web", Command: "gunicorn app:app", Line: 1}}))
	})

	it("keeps colons in the command", func() {
		write("web: gunicorn --bind 0.0.0.0:$PORT app:app\n")
		entries, _, err := gunicorn.ReadProcfile(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries[0].Command).To(Equal("gunicorn --bind 0.0.0.0:$PORT app:app"))
	})

	it("reports a missing Procfile as not found", func() {
		entries, found, err := gunicorn.ReadProcfile(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeFalse())
		Expect(entries).To(BeEmpty())
	})

	it("finds an empty Procfile with no entries", func() {
		write("# nothing yet\n")
		entries, found, err := gunicorn.ReadProcfile(appDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		Expect(entries).To(BeEmpty())
	})

	context("failure cases", func() {
		it("names a line that is not `type: command`", func() {
			write("web: gunicorn app:app\n\ngunicorn worker:app\n")
			_, _, err := gunicorn.ReadProcfile(appDir)
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err).To(MatchError("Procfile line 3 is not `type: command`\n\n  gunicorn worker:app\n\n" +
				"To fix: write each process as `type: command`, for example `web: gunicorn app:app`, or start the line with # to make it a comment"))
		})

		it("refuses an entry without a command", func() {
			write("web:\n")
			_, _, err := gunicorn.ReadProcfile(appDir)
			Expect(err).To(MatchError(ContainSubstring("Procfile line 1 is not `type: command`")))
		})

		it("refuses a process type given twice", func() {
			write("web: a\nworker: b\nweb: c\n")
			_, _, err := gunicorn.ReadProcfile(appDir)
			Expect(err).To(MatchError("Procfile defines the process type web twice, on lines 1 and 3\n\nTo fix: keep one of the two lines"))
		})

		it("fails when the Procfile cannot be read", func() {
			Expect(os.Mkdir(filepath.Join(appDir, "Procfile"), 0o755)).To(Succeed())
			_, _, err := gunicorn.ReadProcfile(appDir)
			Expect(err).To(MatchError(ContainSubstring("reading the Procfile: ")))
		})
	})
}
