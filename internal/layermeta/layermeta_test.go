package layermeta_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/internal/layermeta"
	"github.com/sclevine/spec"
	"github.com/sclevine/spec/report"
)

type meta struct {
	Version  string `toml:"version"`
	Checksum string `toml:"checksum"`
	Workers  int    `toml:"workers"`
}

func TestUnitLayermeta(t *testing.T) {
	spec.Run(t, "layermeta", testLayermeta, spec.Report(report.Terminal{}))
}

func testLayermeta(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("round-trips a struct through the map packit stores", func() {
		m, err := layermeta.Encode(meta{Version: "3.12.1", Checksum: "sha256:ab", Workers: 3})
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(HaveKeyWithValue("version", "3.12.1"))

		var back meta
		Expect(layermeta.Decode(m, &back)).To(Succeed())
		Expect(back).To(Equal(meta{Version: "3.12.1", Checksum: "sha256:ab", Workers: 3}))
	})

	it("reports no change when everything matches", func() {
		m, err := layermeta.Encode(meta{Version: "3.12.1", Checksum: "sha256:ab"})
		Expect(err).NotTo(HaveOccurred())
		changes, err := layermeta.Changes(m, meta{Version: "3.12.1", Checksum: "sha256:ab"})
		Expect(err).NotTo(HaveOccurred())
		Expect(changes).To(BeEmpty())
	})

	it("names every field that changed", func() {
		m, err := layermeta.Encode(meta{Version: "3.11.4", Checksum: "sha256:ab"})
		Expect(err).NotTo(HaveOccurred())
		changes, err := layermeta.Changes(m, meta{Version: "3.12.1", Checksum: "sha256:ab", Workers: 2})
		Expect(err).NotTo(HaveOccurred())
		Expect(changes).To(ConsistOf(
			`version changed from "3.11.4" to "3.12.1"`,
			`workers changed from 0 to 2`,
		))
	})

	it("treats a field missing from old metadata as empty", func() {
		changes, err := layermeta.Changes(map[string]interface{}{"version": "3.12.1"}, meta{Version: "3.12.1", Checksum: "sha256:ab"})
		Expect(err).NotTo(HaveOccurred())
		Expect(changes).To(ConsistOf(`checksum changed from (none) to "sha256:ab"`))
	})

	it("says there is no cached layer when the metadata is empty", func() {
		changes, err := layermeta.Changes(nil, meta{})
		Expect(err).NotTo(HaveOccurred())
		Expect(changes).To(ConsistOf("no cached layer"))
	})

	context("failure cases", func() {
		it("fails when the cached metadata has the wrong type for a field", func() {
			_, err := layermeta.Changes(map[string]interface{}{"workers": "many"}, meta{})
			Expect(err).To(MatchError(ContainSubstring("decoding cached layer metadata")))
		})
	})
}
