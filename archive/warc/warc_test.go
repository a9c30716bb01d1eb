package warc

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fetchLoopback fetches url from a real TLS server on loopback the way the
// source checker will, and turns the exchange into a Fetch.
func fetchLoopback(t *testing.T, srv *httptest.Server, path string) *Fetch {
	t.Helper()
	ctx, remote := TraceRemoteIP(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "factdesk-test/1")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return FromResponse(resp, body, remote(), time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), Settings{
		UserAgent: "factdesk-test/1", MaxBodyBytes: 5 << 20, Timeout: 10 * time.Second, MaxRedirects: 5,
		Redirects: []string{"http://example.test/old"},
	})
}

type page struct{ body atomic.Value }

func newSite(t *testing.T, body string) (*httptest.Server, *page) {
	t.Helper()
	p := &page{}
	p.body.Store(body)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, p.body.Load().(string))
	}))
	t.Cleanup(srv.Close)
	return srv, p
}

func TestWriteCaptureParsesBack(t *testing.T) {
	t.Parallel()
	srv, _ := newSite(t, "<html><title>T</title><p>The minister said 42.</p></html>")
	f := fetchLoopback(t, srv, "/article?id=1")
	// A header value the fetcher saw with a line break must not become a
	// record header of its own.
	f.ResponseHeader.Set("X-Injected", "x\r\nWARC-Type: resource")

	var out bytes.Buffer
	w := NewWriter(&out, 0)
	c, err := w.WriteCapture(f, nil)
	if err != nil {
		t.Fatalf("WriteCapture: %v", err)
	}
	if c.Revisit || c.Response.Type != TypeResponse {
		t.Fatalf("first capture = %+v, want a response record", c.Response)
	}
	wantDigest := "sha256:" + hexSum(f.Body)
	if c.PayloadDigest != wantDigest || c.Response.PayloadDigest != wantDigest {
		t.Fatalf("payload digest = %q / %q, want %q", c.PayloadDigest, c.Response.PayloadDigest, wantDigest)
	}
	if c.Offset != 0 || c.Length != int64(out.Len()) {
		t.Fatalf("capture span = [%d,+%d), want [0,+%d)", c.Offset, c.Length, out.Len())
	}
	if c.MIME != "text/html" || c.StatusCode != 200 {
		t.Fatalf("MIME, status = %q, %d", c.MIME, c.StatusCode)
	}

	recs, err := ReadAll(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if len(recs) != 3 {
		t.Fatalf("read %d records, want 3", len(recs))
	}
	for i, want := range c.Records() {
		got := recs[i]
		if got.ID != want.ID || got.Type != want.Type || got.Offset != want.Offset || got.Length != want.Length {
			t.Errorf("record %d read back as id=%s type=%s at [%d,+%d), written as id=%s type=%s at [%d,+%d)",
				i, got.ID, got.Type, got.Offset, got.Length, want.ID, want.Type, want.Offset, want.Length)
		}
		if got.BlockDigest == "" || got.BlockDigest != want.BlockDigest {
			t.Errorf("record %d block digest %q, want %q", i, got.BlockDigest, want.BlockDigest)
		}
		if !strings.HasPrefix(got.ID, "<urn:uuid:") {
			t.Errorf("record %d id %q is not a UUID URN", i, got.ID)
		}
		// Each record is its own gzip member: its slice alone decompresses.
		member := out.Bytes()[want.Offset : want.Offset+want.Length]
		zr, err := gzip.NewReader(bytes.NewReader(member))
		if err != nil {
			t.Fatalf("record %d: gzip member: %v", i, err)
		}
		zr.Multistream(false)
		plain, err := io.ReadAll(zr)
		if err != nil || !bytes.HasPrefix(plain, []byte("WARC/1.1\r\n")) {
			t.Fatalf("record %d member = %q..., %v", i, plain[:min(len(plain), 20)], err)
		}
	}
	req, resp, meta := recs[0], recs[1], recs[2]
	if req.Header["WARC-Concurrent-To"] != resp.ID || meta.Header["WARC-Concurrent-To"] != resp.ID {
		t.Errorf("request/metadata concurrent-to = %q/%q, want %q", req.Header["WARC-Concurrent-To"], meta.Header["WARC-Concurrent-To"], resp.ID)
	}
	if !bytes.Equal(resp.Payload, f.Body) {
		t.Errorf("response payload = %q, want %q", resp.Payload, f.Body)
	}
	if resp.HTTPStatus != 200 || resp.HTTPHeader.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HTTP status/header = %d %v", resp.HTTPStatus, resp.HTTPHeader)
	}
	if got := resp.HTTPHeader.Get("X-Injected"); got != "x  WARC-Type: resource" {
		t.Errorf("injected header = %q, want its line break flattened", got)
	}
	if ip := resp.Header["WARC-IP-Address"]; ip != "127.0.0.1" {
		t.Errorf("WARC-IP-Address = %q, want 127.0.0.1", ip)
	}
	if !strings.HasPrefix(string(req.Block), "GET /article?id=1 HTTP/1.1\r\nHost: 127.0.0.1:") ||
		!strings.Contains(string(req.Block), "User-Agent: factdesk-test/1\r\n") {
		t.Errorf("request block = %q", req.Block)
	}
	leaf := srv.Certificate()
	fp := sha256.Sum256(leaf.Raw)
	metaText := string(meta.Payload)
	for _, want := range []string{
		"ip-address: 127.0.0.1\r\n",
		"tls-certificate-sha256: 0 " + hex.EncodeToString(fp[:]),
		"user-agent: factdesk-test/1\r\n",
		"max-body-bytes: 5242880\r\n",
		"timeout: 10s\r\n",
		"max-redirects: 5\r\n",
		"redirect-followed: http://example.test/old\r\n",
	} {
		if !strings.Contains(metaText, want) {
			t.Errorf("metadata lacks %q:\n%s", want, metaText)
		}
	}
}

func TestRecheckWritesRevisitOnlyWhenUnchanged(t *testing.T) {
	t.Parallel()
	body := noisyPage(20000)
	srv, site := newSite(t, body)

	var out bytes.Buffer
	w := NewWriter(&out, 0)
	first, err := w.WriteCapture(fetchLoopback(t, srv, "/"), nil)
	if err != nil {
		t.Fatal(err)
	}
	prior := &Prior{RecordID: first.Response.ID, TargetURI: first.URL, Date: first.Time, PayloadDigest: first.PayloadDigest}

	again, err := w.WriteCapture(fetchLoopback(t, srv, "/"), prior)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Revisit || again.Response.Type != TypeRevisit || again.Response.RefersTo != first.Response.ID {
		t.Fatalf("unchanged recheck = %+v, want a revisit of %s", again.Response, first.Response.ID)
	}
	if again.Offset != first.Offset+first.Length {
		t.Fatalf("recheck starts at %d, want %d", again.Offset, first.Offset+first.Length)
	}
	if again.Response.Length*5 > first.Response.Length {
		t.Errorf("revisit record is %d bytes, first response %d: want the body left out", again.Response.Length, first.Response.Length)
	}

	site.body.Store(body + "<p>an update</p>")
	changed, err := w.WriteCapture(fetchLoopback(t, srv, "/"), prior)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Revisit || changed.Response.Type != TypeResponse || changed.PayloadDigest == first.PayloadDigest {
		t.Fatalf("changed recheck = %+v, want a new response", changed.Response)
	}

	recs, err := ReadAll(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if len(recs) != 9 {
		t.Fatalf("read %d records, want 9", len(recs))
	}
	rv := recs[4]
	if rv.Type != TypeRevisit ||
		rv.Header["WARC-Profile"] != "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest" ||
		rv.Header["WARC-Refers-To"] != first.Response.ID ||
		rv.Header["WARC-Refers-To-Target-URI"] != first.URL ||
		rv.Header["WARC-Payload-Digest"] != first.PayloadDigest {
		t.Errorf("revisit headers = %v", rv.Header)
	}
	if len(rv.Payload) > 0 && bytes.Contains(rv.Payload, []byte("unchanged text")) {
		t.Errorf("revisit kept the body")
	}
	if !bytes.Equal(recs[7].Payload, []byte(body+"<p>an update</p>")) {
		t.Errorf("changed response payload differs from the new page")
	}
}

func TestWriteCaptureRefusesIncompleteFetch(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := NewWriter(&out, 0)
	for name, f := range map[string]*Fetch{
		"no URL":  {StatusCode: 200, Time: time.Now()},
		"no time": {URL: "https://example.test/", StatusCode: 200},
	} {
		if _, err := w.WriteCapture(f, nil); err == nil {
			t.Errorf("%s: WriteCapture succeeded, want an error", name)
		}
	}
	if out.Len() != 0 || w.Offset() != 0 {
		t.Errorf("refused fetches wrote %d bytes", out.Len())
	}
}

func TestPlainHTTPHasNoCertificates(t *testing.T) {
	t.Parallel()
	f := &Fetch{URL: "http://example.test/a", StatusCode: 404, Time: time.Now(), RemoteIP: netip.MustParseAddr("::ffff:192.0.2.1"),
		ResponseHeader: http.Header{"Transfer-Encoding": {"chunked"}, "Content-Length": {"999"}}, Body: []byte("gone")}
	var out bytes.Buffer
	c, err := NewWriter(&out, 100).WriteCapture(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Offset != 100 || c.Request.Offset != 100 || c.Metadata.Offset+c.Metadata.Length != 100+int64(out.Len()) {
		t.Errorf("offsets do not start at the given base: %+v", c)
	}
	recs, err := ReadAll(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(recs[2].Payload), "tls-certificate") {
		t.Errorf("plain HTTP metadata lists certificates: %s", recs[2].Payload)
	}
	if !strings.Contains(string(recs[2].Payload), "ip-address: 192.0.2.1\r\n") {
		t.Errorf("mapped IPv4 not recorded plainly: %s", recs[2].Payload)
	}
	h := recs[1].HTTPHeader
	if h.Get("Transfer-Encoding") != "" || h.Get("Content-Length") != "4" || recs[1].HTTPStatus != 404 {
		t.Errorf("recorded response header = %v status %d, want Content-Length 4 and no Transfer-Encoding", h, recs[1].HTTPStatus)
	}
}

// noisyPage is n bytes of text that gzip cannot shrink to nothing, like a
// real page.
func noisyPage(n int) string {
	var b strings.Builder
	x := uint32(2463534242)
	for b.Len() < n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		fmt.Fprintf(&b, "unchanged text %d ", x)
	}
	return b.String()
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestFromResponseListsRedirects(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/c?x=1", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/c", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "end") })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx, remote := TraceRemoteIP(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/a", nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	f := FromResponse(resp, body, remote(), time.Now(), Settings{UserAgent: "ua"})
	want := []string{srv.URL + "/a", srv.URL + "/b"}
	if f.URL != srv.URL+"/c?x=1" || strings.Join(f.Settings.Redirects, " ") != strings.Join(want, " ") {
		t.Errorf("URL %s, redirects %v, want %v", f.URL, f.Settings.Redirects, want)
	}
	if f.RequestHeader.Get("User-Agent") != "ua" || f.RemoteIP.String() != "127.0.0.1" || f.PeerCertificates != nil || f.Status != "OK" {
		t.Errorf("fetch = %+v", f)
	}
}

// TestConcurrentCaptures writes and reads captures from several goroutines,
// as several source-check workers do; run with -race it guards the lock
// around gowarc's constructors.
func TestConcurrentCaptures(t *testing.T) {
	t.Parallel()
	f := &Fetch{URL: "https://example.test/", StatusCode: 200, Time: time.Now(), Body: []byte("same page")}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var out bytes.Buffer
			c, err := NewWriter(&out, 0).WriteCapture(f, nil)
			if err == nil {
				var recs []Parsed
				recs, err = ReadAll(bytes.NewReader(out.Bytes()))
				if err == nil && (len(recs) != 3 || recs[1].ID != c.Response.ID) {
					err = fmt.Errorf("read back %d records", len(recs))
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestRecordIDsAreVersion4UUIDs(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		id, err := newUUIDURN()
		if err != nil {
			t.Fatal(err)
		}
		// <urn:uuid:xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx>
		if len(id) != 47 || id[24] != '4' || !strings.ContainsRune("89ab", rune(id[29])) || seen[id] {
			t.Fatalf("id %q", id)
		}
		seen[id] = true
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func TestFailedWriteKeepsOffset(t *testing.T) {
	t.Parallel()
	w := NewWriter(failWriter{}, 10)
	f := &Fetch{URL: "https://example.test/", StatusCode: 200, Time: time.Now(), Body: []byte("x")}
	if _, err := w.WriteCapture(f, nil); err == nil || w.Offset() != 10 {
		t.Errorf("WriteCapture to a failing writer = %v, offset %d, want an error and offset 10", err, w.Offset())
	}
}
