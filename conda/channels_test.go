package conda_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/conda"
	"github.com/sclevine/spec"
)

func testChannels(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it.Before(func() {
		unsetEnv(t, settingsEnv...)
	})

	context("ChannelAlias", func() {
		it("defaults to conda's channel alias", func() {
			Expect(conda.ChannelAlias()).To(Equal(conda.DefaultChannelAlias))
		})

		it("reads BP_CONDA_CHANNEL_ALIAS and adds a trailing slash", func() {
			t.Setenv("BP_CONDA_CHANNEL_ALIAS", "http://127.0.0.1:8080/mirror")
			Expect(conda.ChannelAlias()).To(Equal("http://127.0.0.1:8080/mirror/"))
			t.Setenv("BP_CONDA_CHANNEL_ALIAS", "file:///mnt/channels/")
			Expect(conda.ChannelAlias()).To(Equal("file:///mnt/channels/"))
		})

		context("failure cases", func() {
			it("rejects a value that is not a URL it can read", func() {
				for _, bad := range []string{"conda.example.com", "ftp://x/", "http:///path"} {
					t.Setenv("BP_CONDA_CHANNEL_ALIAS", bad)
					_, err := conda.ChannelAlias()
					Expect(err).To(MatchError(ContainSubstring(`BP_CONDA_CHANNEL_ALIAS="` + bad + `" is not an http://, https:// or file:// URL`)))
				}
			})
		})
	})

	context("ResolveChannels", func() {
		it("maps names through the alias, keeps URLs, reads defaults from conda-forge and drops nodefaults", func() {
			channels := conda.ResolveChannels([]string{"bioconda", "https://x.example/c/", "defaults", "nodefaults", "pytorch/label/nightly", "conda-forge"}, "http://a/")
			Expect(channels).To(Equal([]conda.Channel{
				{Name: "bioconda", URL: "http://a/bioconda"},
				{Name: "https://x.example/c/", URL: "https://x.example/c"},
				{Name: "defaults", URL: "http://a/conda-forge"},
				{Name: "pytorch/label/nightly", URL: "http://a/pytorch/label/nightly"},
			}))
		})

		it("uses conda-forge when there is no channel", func() {
			Expect(conda.ResolveChannels(nil, "http://a/")).To(Equal([]conda.Channel{{Name: "conda-forge", URL: "http://a/conda-forge"}}))
			Expect(conda.ResolveChannels([]string{"nodefaults"}, "http://a/")).To(HaveLen(1))
		})
	})
}
