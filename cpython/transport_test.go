package cpython_test

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/cpython"
	"github.com/sclevine/spec"
)

func testTransport(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		transport cpython.Transport
		sleeps    []time.Duration
		requests  atomic.Int32
	)

	readAll := func(rc io.ReadCloser) string {
		defer rc.Close()
		content, err := io.ReadAll(rc)
		Expect(err).NotTo(HaveOccurred())
		return string(content)
	}

	// serve answers each request with the next status in statuses (the last
	// one repeating); a 200 carries the body "archive".
	serve := func(statuses ...int) *httptest.Server {
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := int(requests.Add(1))
			status := statuses[len(statuses)-1]
			if n <= len(statuses) {
				status = statuses[n-1]
			}
			w.WriteHeader(status)
			if status == http.StatusOK {
				_, _ = w.Write([]byte("archive"))
			}
		}))
		t.Cleanup(server.Close)
		return server
	}

	it.Before(func() {
		sleeps = nil
		requests.Store(0)
		transport = cpython.NewTransport()
		transport.Backoff = 10 * time.Millisecond
		transport.Sleep = func(d time.Duration) { sleeps = append(sleeps, d) }
	})

	it("makes three attempts one then two seconds apart by default", func() {
		d := cpython.NewTransport()
		Expect(d.Attempts).To(Equal(3))
		Expect(d.Backoff).To(Equal(time.Second))
		Expect(d.Client).NotTo(BeNil())
		Expect(d.Sleep).NotTo(BeNil())
	})

	context("over HTTP", func() {
		it("returns the body of a 200", func() {
			server := serve(http.StatusOK)
			body, err := transport.Drop("", server.URL+"/cpython.tar.gz")
			Expect(err).NotTo(HaveOccurred())
			Expect(readAll(body)).To(Equal("archive"))
			Expect(requests.Load()).To(BeEquivalentTo(1))
			Expect(sleeps).To(BeEmpty())
		})

		it("retries a 503 with growing backoff", func() {
			server := serve(http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusOK)
			body, err := transport.Drop("", server.URL+"/cpython.tar.gz")
			Expect(err).NotTo(HaveOccurred())
			Expect(readAll(body)).To(Equal("archive"))
			Expect(requests.Load()).To(BeEquivalentTo(3))
			Expect(sleeps).To(Equal([]time.Duration{10 * time.Millisecond, 20 * time.Millisecond}))
		})

		it("retries a 429", func() {
			server := serve(http.StatusTooManyRequests, http.StatusOK)
			body, err := transport.Drop("", server.URL+"/cpython.tar.gz")
			Expect(err).NotTo(HaveOccurred())
			Expect(readAll(body)).To(Equal("archive"))
			Expect(requests.Load()).To(BeEquivalentTo(2))
			Expect(sleeps).To(Equal([]time.Duration{10 * time.Millisecond}))
		})

		context("failure cases", func() {
			it("does not retry a 404 and names the URI", func() {
				server := serve(http.StatusNotFound)
				uri := server.URL + "/missing.tar.gz"
				_, err := transport.Drop("", uri)
				Expect(err).To(MatchError("downloading " + uri + ": the server answered 404 Not Found"))
				Expect(requests.Load()).To(BeEquivalentTo(1))
				Expect(sleeps).To(BeEmpty())
			})

			it("gives up after every attempt answers 5xx", func() {
				server := serve(http.StatusBadGateway)
				_, err := transport.Drop("", server.URL+"/cpython.tar.gz")
				Expect(err).To(MatchError(ContainSubstring("the server answered 502 Bad Gateway")))
				Expect(requests.Load()).To(BeEquivalentTo(3))
				Expect(sleeps).To(HaveLen(2))
			})

			it("gives up on a refused connection after every attempt", func() {
				server := httptest.NewServer(http.NotFoundHandler())
				uri := server.URL + "/cpython.tar.gz"
				server.Close()

				_, err := transport.Drop("", uri)
				Expect(err).To(MatchError(HavePrefix("downloading " + uri + ": ")))
				Expect(sleeps).To(Equal([]time.Duration{10 * time.Millisecond, 20 * time.Millisecond}))
			})

			it("hides a password in the URI", func() {
				server := serve(http.StatusForbidden)
				uri := strings.Replace(server.URL, "http://", "http://user:s3cret@", 1) + "/cpython.tar.gz"
				_, err := transport.Drop("", uri)
				Expect(err).To(MatchError(ContainSubstring("downloading http://user:***@")))
				Expect(err).To(MatchError(ContainSubstring("403")))
				Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
			})

			it("keeps a user name without a password", func() {
				server := serve(http.StatusForbidden)
				uri := strings.Replace(server.URL, "http://", "http://user@", 1) + "/cpython.tar.gz"
				_, err := transport.Drop("", uri)
				Expect(err).To(MatchError(HavePrefix("downloading " + uri + ": ")))
			})

			it("reports a URI without a scheme as it is", func() {
				_, err := transport.Drop("", "cpython.tar.gz")
				Expect(err).To(MatchError(HavePrefix("downloading cpython.tar.gz: ")))
				Expect(err).To(MatchError(ContainSubstring("unsupported protocol scheme")))
			})

			it("hides a password when the connection fails", func() {
				server := httptest.NewServer(http.NotFoundHandler())
				uri := strings.Replace(server.URL, "http://", "http://user:s3cret@", 1) + "/cpython.tar.gz"
				server.Close()
				_, err := transport.Drop("", uri)
				Expect(err).To(MatchError(ContainSubstring("user:***@")))
				Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
			})
		})
	})

	context("file:// URIs", func() {
		var root string

		it.Before(func() {
			root = t.TempDir()
		})

		it("opens an absolute path as it is", func() {
			archive := filepath.Join(t.TempDir(), "mirror", "cpython.tar.gz")
			Expect(writeFile(filepath.Dir(archive), "cpython.tar.gz", "from the mirror")).To(Succeed())

			body, err := transport.Drop(root, "file://"+archive)
			Expect(err).NotTo(HaveOccurred())
			Expect(readAll(body)).To(Equal("from the mirror"))
			Expect(requests.Load()).To(BeEquivalentTo(0))
		})

		it("falls back to a path inside the buildpack for a relative path", func() {
			Expect(writeFile(root, "dependencies/abc/cpython-test-only.tar.gz", "vendored")).To(Succeed())

			body, err := transport.Drop(root, "file://dependencies/abc/cpython-test-only.tar.gz")
			Expect(err).NotTo(HaveOccurred())
			Expect(readAll(body)).To(Equal("vendored"))
		})

		it("falls back to the buildpack for an absolute path that does not exist", func() {
			Expect(writeFile(root, "dependencies/abc/cpython-test-only.tar.gz", "vendored")).To(Succeed())

			body, err := transport.Drop(root, "file:///dependencies/abc/cpython-test-only.tar.gz")
			Expect(err).NotTo(HaveOccurred())
			Expect(readAll(body)).To(Equal("vendored"))
		})

		context("failure cases", func() {
			it("reports a file that is in neither place", func() {
				missing := filepath.Join(t.TempDir(), "missing.tar.gz")
				_, err := transport.Drop(root, "file://"+missing)
				Expect(err).To(MatchError(HavePrefix("opening file://" + missing + ": ")))
				Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue())
			})
		})
	})
}
