package cpython_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/sclevine/spec"
)

func testVersion(t *testing.T, context spec.G, it spec.S) {
	var Expect = NewWithT(t).Expect

	mustVersion := func(s string) cpython.Version {
		v, err := cpython.ParseVersion(s)
		Expect(err).NotTo(HaveOccurred())
		return v
	}

	mustConstraint := func(s string) cpython.Constraint {
		c, err := cpython.ParseConstraint(s)
		Expect(err).NotTo(HaveOccurred())
		return c
	}

	// check reports, for each version, whether constraint accepts it.
	check := func(constraint string, versions ...string) map[string]bool {
		c := mustConstraint(constraint)
		out := map[string]bool{}
		for _, v := range versions {
			out[v] = c.Check(mustVersion(v))
		}
		return out
	}

	context("ParseVersion", func() {
		it("reads one, two and three parts", func() {
			Expect(mustVersion("3")).To(Equal(cpython.Version{3}))
			Expect(mustVersion("3.12")).To(Equal(cpython.Version{3, 12}))
			Expect(mustVersion("3.12.4")).To(Equal(cpython.Version{3, 12, 4}))
		})

		it("prints the parts it read", func() {
			Expect(mustVersion("3.12.4").String()).To(Equal("3.12.4"))
			Expect(mustVersion("3.12").String()).To(Equal("3.12"))
		})

		context("failure cases", func() {
			it("refuses more than three parts", func() {
				_, err := cpython.ParseVersion("1.2.3.4")
				Expect(err).To(MatchError(`"1.2.3.4" has more than three parts`))
			})

			it("refuses parts that are not numbers", func() {
				for _, s := range []string{"", "abc", "3.x", "3.", ".3", "3.-1", "3..1"} {
					_, err := cpython.ParseVersion(s)
					Expect(err).To(MatchError(ContainSubstring("is not a version number")), s)
				}
			})
		})
	})

	context("Compare", func() {
		it("orders by major, minor then patch", func() {
			Expect(mustVersion("3.12.4").Compare(mustVersion("3.12.10"))).To(Equal(-1))
			Expect(mustVersion("3.12.10").Compare(mustVersion("3.12.4"))).To(Equal(1))
			Expect(mustVersion("3.10").Compare(mustVersion("3.9"))).To(Equal(1))
			Expect(mustVersion("2.7.18").Compare(mustVersion("3.0"))).To(Equal(-1))
			Expect(mustVersion("3.12.4").Compare(mustVersion("3.12.4"))).To(Equal(0))
		})

		it("pads missing parts with zeros", func() {
			Expect(mustVersion("3.12").Compare(mustVersion("3.12.0"))).To(Equal(0))
			Expect(mustVersion("3").Compare(mustVersion("3.0.0"))).To(Equal(0))
			Expect(mustVersion("3.12").Compare(mustVersion("3.12.1"))).To(Equal(-1))
		})
	})

	context("HasPrefix", func() {
		it("is true when every part of the prefix matches", func() {
			Expect(mustVersion("3.12.4").HasPrefix(mustVersion("3.12"))).To(BeTrue())
			Expect(mustVersion("3.12.4").HasPrefix(mustVersion("3"))).To(BeTrue())
			Expect(mustVersion("3.12.4").HasPrefix(mustVersion("3.12.4"))).To(BeTrue())
		})

		it("is false when a part differs or the prefix is longer", func() {
			Expect(mustVersion("3.12.4").HasPrefix(mustVersion("3.1"))).To(BeFalse())
			Expect(mustVersion("3.12.4").HasPrefix(mustVersion("3.11"))).To(BeFalse())
			Expect(mustVersion("3.12").HasPrefix(mustVersion("3.12.0"))).To(BeFalse())
		})
	})

	context("ParseConstraint and Check", func() {
		it("keeps the text it was given", func() {
			Expect(mustConstraint(" >=3.10, <3.13 ").String()).To(Equal(">=3.10, <3.13"))
		})

		it("treats a bare minor version as any patch of it", func() {
			Expect(check("3.12", "3.12.0", "3.12.9", "3.13.0", "3.11.9", "3.1.2")).To(Equal(map[string]bool{
				"3.12.0": true, "3.12.9": true, "3.13.0": false, "3.11.9": false, "3.1.2": false,
			}))
		})

		it("treats a bare patch version as exactly that", func() {
			Expect(check("3.12.4", "3.12.4", "3.12.5", "3.12.3")).To(Equal(map[string]bool{
				"3.12.4": true, "3.12.5": false, "3.12.3": false,
			}))
		})

		it("reads a wildcard", func() {
			Expect(check("3.12.*", "3.12.0", "3.12.7", "3.13.0")).To(Equal(map[string]bool{
				"3.12.0": true, "3.12.7": true, "3.13.0": false,
			}))
			Expect(check("==3.12.*", "3.12.7", "3.11.7")).To(Equal(map[string]bool{
				"3.12.7": true, "3.11.7": false,
			}))
		})

		it("reads a range of comma-separated clauses", func() {
			Expect(check(">=3.10,<3.13", "3.9.18", "3.10.0", "3.12.9", "3.13.0")).To(Equal(map[string]bool{
				"3.9.18": false, "3.10.0": true, "3.12.9": true, "3.13.0": false,
			}))
			Expect(check(">= 3.10 , < 3.13", "3.11.2", "3.13.1")).To(Equal(map[string]bool{
				"3.11.2": true, "3.13.1": false,
			}))
		})

		it("reads the remaining comparison operators", func() {
			Expect(check(">3.12", "3.12.0", "3.12.1")).To(Equal(map[string]bool{"3.12.0": false, "3.12.1": true}))
			Expect(check("<=3.12", "3.12.0", "3.12.1")).To(Equal(map[string]bool{"3.12.0": true, "3.12.1": false}))
			Expect(check("==3.12", "3.12.0", "3.12.1")).To(Equal(map[string]bool{"3.12.0": true, "3.12.1": false}))
		})

		it("reads a compatible release with two parts", func() {
			Expect(check("~=3.11", "3.10.9", "3.11.0", "3.12.1", "3.14.0", "4.0.0")).To(Equal(map[string]bool{
				"3.10.9": false, "3.11.0": true, "3.12.1": true, "3.14.0": true, "4.0.0": false,
			}))
		})

		it("reads a compatible release with three parts", func() {
			Expect(check("~=3.11.2", "3.11.1", "3.11.2", "3.11.9", "3.12.0")).To(Equal(map[string]bool{
				"3.11.1": false, "3.11.2": true, "3.11.9": true, "3.12.0": false,
			}))
		})

		it("reads an exclusion", func() {
			Expect(check("!=3.12.0", "3.12.0", "3.12.1", "3.11.0")).To(Equal(map[string]bool{
				"3.12.0": false, "3.12.1": true, "3.11.0": true,
			}))
		})

		it("reads a wildcard exclusion", func() {
			Expect(check("!=3.12.*", "3.12.0", "3.12.5", "3.11.9", "3.13.0")).To(Equal(map[string]bool{
				"3.12.0": false, "3.12.5": false, "3.11.9": true, "3.13.0": true,
			}))
		})

		it("combines a range with an exclusion", func() {
			Expect(check(">=3.10,!=3.11.*", "3.10.4", "3.11.4", "3.12.4")).To(Equal(map[string]bool{
				"3.10.4": true, "3.11.4": false, "3.12.4": true,
			}))
		})

		it("reads arbitrary equality as an exact version", func() {
			Expect(check("===3.11.4", "3.11.4", "3.11.5")).To(Equal(map[string]bool{
				"3.11.4": true, "3.11.5": false,
			}))
		})

		it("reads Poetry's caret, tilde, space-separated clauses and alternatives", func() {
			Expect(check("^3.10", "3.9.18", "3.10.0", "3.14.6", "4.0.0")).To(Equal(map[string]bool{
				"3.9.18": false, "3.10.0": true, "3.14.6": true, "4.0.0": false,
			}))
			Expect(check("~3.11", "3.10.9", "3.11.0", "3.11.11", "3.12.0")).To(Equal(map[string]bool{
				"3.10.9": false, "3.11.0": true, "3.11.11": true, "3.12.0": false,
			}))
			Expect(check("~3.11.4", "3.11.3", "3.11.4", "3.12.0")).To(Equal(map[string]bool{
				"3.11.3": false, "3.11.4": true, "3.12.0": false,
			}))
			Expect(check(">=3.9 <3.13", "3.8.9", "3.12.9", "3.13.0")).To(Equal(map[string]bool{
				"3.8.9": false, "3.12.9": true, "3.13.0": false,
			}))
			Expect(check("~3.10 || ^3.13", "3.10.4", "3.11.4", "3.13.1")).To(Equal(map[string]bool{
				"3.10.4": true, "3.11.4": false, "3.13.1": true,
			}))
		})

		it("accepts a leading v", func() {
			Expect(check("v3.11", "3.11.8", "3.12.0")).To(Equal(map[string]bool{
				"3.11.8": true, "3.12.0": false,
			}))
		})

		context("failure cases", func() {
			it("refuses an empty constraint", func() {
				_, err := cpython.ParseConstraint("")
				Expect(err).To(MatchError("the version is empty"))

				_, err = cpython.ParseConstraint("   ")
				Expect(err).To(MatchError("the version is empty"))
			})

			it("refuses text that is not a version", func() {
				_, err := cpython.ParseConstraint("abc")
				Expect(err).To(MatchError(`"abc" is not a version or version specifier`))

				_, err = cpython.ParseConstraint("3.x")
				Expect(err).To(MatchError(`"3.x" is not a version or version specifier`))
			})

			it("refuses a wildcard with an ordering operator", func() {
				_, err := cpython.ParseConstraint(">=3.*")
				Expect(err).To(MatchError(`">=3.*": a wildcard only goes with == or !=`))
			})

			it("refuses a compatible release with one part", func() {
				_, err := cpython.ParseConstraint("~=3")
				Expect(err).To(MatchError(`"~=3": ~= needs at least two version parts`))
			})

			it("refuses four version parts", func() {
				_, err := cpython.ParseConstraint("1.2.3.4")
				Expect(err).To(MatchError(`"1.2.3.4" is not a version or version specifier`))
			})

			it("refuses a version part too large to be a number", func() {
				_, err := cpython.ParseConstraint("3.99999999999999999999")
				Expect(err).To(MatchError(`"3.99999999999999999999" is not a version number`))
			})

			it("refuses an empty clause in a list", func() {
				_, err := cpython.ParseConstraint(">=3.10,")
				Expect(err).To(MatchError(`"" is not a version or version specifier`))
				_, err = cpython.ParseConstraint(">=3.10,,<3.13")
				Expect(err).To(MatchError(`"" is not a version or version specifier`))
				_, err = cpython.ParseConstraint("^3.10 ||")
				Expect(err).To(MatchError(`"" is not a version or version specifier`))
			})
		})
	})
}
