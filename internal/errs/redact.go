package errs

import (
	"net/url"
	"strings"
)

// RedactURL hides the password of a URL (https://user:***@host/…) before it
// goes into a message or the log. Anything that does not parse as a URL
// with credentials is returned as it is.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	return strings.Replace(u.String(), "%2A%2A%2A", "***", 1)
}
