package environment_test

import (
	"errors"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/environment"
	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/sclevine/spec"
)

func testRun(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	context("RootCause", func() {
		it("picks the lines that say what failed, each once, in order", func() {
			output := strings.Join([]string{
				"Collecting psycopg2==2.9.10",
				"  Downloading psycopg2-2.9.10.tar.gz (385 kB)",
				"  error: subprocess-exited-with-error",
				"  × Getting requirements to build wheel did not run successfully.",
				"  ╰─> [20 lines of output]",
				"      Error: pg_config executable not found.",
				"      running egg_info",
				"  error: subprocess-exited-with-error",
				"ERROR: Failed to build 'psycopg2' when getting requirements to build wheel",
			}, "\n")
			Expect(environment.RootCause(output)).To(Equal(strings.Join([]string{
				"error: subprocess-exited-with-error",
				"× Getting requirements to build wheel did not run successfully.",
				"╰─> [20 lines of output]",
				"Error: pg_config executable not found.",
				"ERROR: Failed to build 'psycopg2' when getting requirements to build wheel",
			}, "\n")))
		})

		it("finds a compiler that is not there, and a lock out of date", func() {
			Expect(environment.RootCause("building\n  error: command 'clang' failed: No such file or directory\ndone\n")).
				To(Equal("error: command 'clang' failed: No such file or directory"))
			Expect(environment.RootCause("Resolving\nerror: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided.\n\nhint: To update the lockfile, run `uv lock`.\n")).
				To(Equal("error: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided.\nhint: To update the lockfile, run `uv lock`."))
		})

		it("gives the last lines when no line says why", func() {
			var lines []string
			for i := 0; i < 30; i++ {
				lines = append(lines, "line")
			}
			Expect(strings.Count(environment.RootCause(strings.Join(lines, "\n")), "line")).To(Equal(15))
		})
	})

	context("Failure", func() {
		it("makes a user error with the root cause and the exit status", func() {
			err := environment.Failure("pip failed", "fix it")("ERROR: boom\n", errors.New("exit status 1"))
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(Equal("pip failed\n\n  ERROR: boom\n  (exit status 1)\n\nTo fix: fix it"))
			Expect(errors.Unwrap(err)).To(MatchError("exit status 1"))
		})

		it("says what a package built from source lacked, and the ways out, instead", func() {
			output := "Collecting psycopg2==2.9.10\n      Error: pg_config executable not found.\n" +
				"ERROR: Failed to build 'psycopg2' when getting requirements to build wheel\n"
			err := environment.Failure("pip failed", "fix it")(output, errors.New("exit status 1"))
			Expect(errs.IsUser(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("psycopg2 could not be built from source: pg_config is missing"))
			Expect(err).To(MatchError(ContainSubstring("require psycopg2-binary (or psycopg[binary]) instead of psycopg2")))
			Expect(err).To(MatchError(ContainSubstring("(Debian: libpq-dev)")))
			Expect(errors.Unwrap(err)).To(MatchError("exit status 1"))
		})
	})

	context("Command", func() {
		it("shows its display, or its arguments", func() {
			Expect(environment.Command{Args: []string{"uv", "sync"}}.Shown()).To(Equal("uv sync"))
			Expect(environment.Command{Args: []string{"/x/uv", "sync"}, Display: "uv sync"}.Shown()).To(Equal("uv sync"))
		})
	})
}
