package conda

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
	"github.com/python-cnb/buildpack/internal/settings"
)

// Channel is a channel as written in the environment file and the URL it
// is read from.
type Channel struct {
	Name string
	URL  string
}

// Checks validate, before any work, the settings this sub-buildpack reads.
var Checks = []settings.Check{{Name: ChannelAliasEnv, Validate: func(string) error {
	_, err := ChannelAlias()
	return err
}}}

// ChannelAlias reads BP_CONDA_CHANNEL_ALIAS: an http(s):// or file:// base
// URL, returned with a trailing slash. Unset, it is conda's default.
func ChannelAlias() (string, error) {
	alias := strings.TrimSpace(os.Getenv(ChannelAliasEnv))
	if alias == "" {
		return DefaultChannelAlias, nil
	}
	u, err := url.Parse(alias)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file") || (u.Scheme != "file" && u.Host == "") {
		return "", errs.New(fmt.Sprintf("%s=%q is not an http://, https:// or file:// URL", ChannelAliasEnv, alias),
			fmt.Sprintf("set %s to the base URL of a conda channel server, such as https://conda.example.com/, or unset it", ChannelAliasEnv))
	}
	return strings.TrimRight(alias, "/") + "/", nil
}

// ResolveChannels turns the environment file's channels into URLs, highest
// priority first: a name (conda-forge, bioconda, pytorch/label/nightly) is
// read from alias+name, a URL as it is. "defaults" is read from the default
// channel (conda-forge), "nodefaults" is dropped, and no channel at all
// means the default channel.
func ResolveChannels(names []string, alias string) []Channel {
	var out []Channel
	seen := map[string]bool{}
	add := func(name, u string) {
		if !seen[u] {
			seen[u] = true
			out = append(out, Channel{Name: name, URL: u})
		}
	}
	for _, name := range names {
		switch {
		case name == "nodefaults":
		case name == "defaults":
			add(name, alias+DefaultChannel)
		case strings.Contains(name, "://"):
			add(name, strings.TrimRight(name, "/"))
		default:
			add(name, alias+strings.Trim(name, "/"))
		}
	}
	if len(out) == 0 {
		add(DefaultChannel, alias+DefaultChannel)
	}
	return out
}
