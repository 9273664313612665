package cpython

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/python-cnb/buildpack/internal/errs"
)

// Transport fetches dependency archives for postal.Service. Compared with
// packit's cargo.Transport it retries transient HTTP failures, and it reads
// absolute file:// URIs as they are (a file:// mirror such as
// BP_DEPENDENCY_MIRROR=file:///mnt/mirror), falling back to a path inside the
// buildpack for relative ones.
type Transport struct {
	Client   *http.Client
	Attempts int
	Backoff  time.Duration
	// Sleep waits between attempts; tests replace it.
	Sleep func(time.Duration)
}

// NewTransport returns a Transport making three attempts, one and then two
// seconds apart.
func NewTransport() Transport {
	return Transport{
		Client:   &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, ResponseHeaderTimeout: 60 * time.Second}},
		Attempts: 3,
		Backoff:  time.Second,
		Sleep:    time.Sleep,
	}
}

// Drop opens the archive at uri.
func (t Transport) Drop(root, uri string) (io.ReadCloser, error) {
	if raw, ok := strings.CutPrefix(uri, "file://"); ok {
		path, err := url.PathUnescape(raw)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", uri, err)
		}
		file, err := os.Open(path)
		if os.IsNotExist(err) {
			if inBuildpack, err2 := os.Open(filepath.Join(root, path)); err2 == nil {
				return inBuildpack, nil
			}
		}
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", uri, err)
		}
		return file, nil
	}

	var lastErr error
	for attempt := 1; attempt <= max(t.Attempts, 1); attempt++ {
		if attempt > 1 {
			t.Sleep(t.Backoff * time.Duration(attempt-1))
		}
		response, err := t.Client.Get(uri)
		if err != nil {
			lastErr = err
			continue
		}
		if response.StatusCode == http.StatusOK {
			return response.Body, nil
		}
		response.Body.Close()
		lastErr = fmt.Errorf("the server answered %s", response.Status)
		if response.StatusCode < 500 && response.StatusCode != http.StatusTooManyRequests {
			break // not transient: retrying will not help
		}
	}
	return nil, fmt.Errorf("downloading %s: %w", errs.RedactURL(uri), lastErr)
}
