package warc

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// benchPage is about 1 MiB of article HTML drawn from a small vocabulary, so
// it compresses like prose (roughly 3:1) rather than like a repeated line.
func benchPage() string {
	words := strings.Fields("the council said spending on roads rose by four per cent more than forecast " +
		"while ministers argued that the budget for schools hospitals and housing would grow next year " +
		"according to figures published on Monday by the national statistics office in its quarterly report")
	var b strings.Builder
	b.WriteString("<html><head><title>Roads</title></head><body><article>\n")
	x := uint32(2463534242)
	for b.Len() < 1<<20 {
		b.WriteString("<p>")
		for range 40 {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b.WriteString(words[x%uint32(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("</p>\n")
	}
	b.WriteString("</article></body></html>")
	return b.String()
}

// BenchmarkCapture measures one capture of a 1 MiB page: the fetch over
// loopback TLS, then writing its request, response and metadata records as
// a standalone .warc.gz (as the store keeps each capture). "first" writes the
// whole response; "revisit" is an unchanged recheck, written as a revisit
// record. stored-B/capture is what the store would keep per capture.
func BenchmarkCapture(b *testing.B) {
	body := benchPage()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)
	client := srv.Client()
	fetch := func(b *testing.B) *Fetch {
		ctx, remote := TraceRemoteIP(b.Context())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/", nil)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || len(data) != len(body) {
			b.Fatalf("fetch: %d bytes, %v", len(data), err)
		}
		return FromResponse(resp, data, remote(), time.Now(), Settings{UserAgent: "bench", MaxBodyBytes: 5 << 20, MaxRedirects: 5})
	}

	var first bytes.Buffer
	c, err := NewWriter(&first, 0).WriteCapture(fetch(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	prior := &Prior{RecordID: c.Response.ID, TargetURI: c.URL, Date: c.Time, PayloadDigest: c.PayloadDigest}

	for _, tc := range []struct {
		name  string
		prior *Prior
	}{{"first", nil}, {"revisit", prior}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			var stored int64
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				got, err := NewWriter(&buf, 0).WriteCapture(fetch(b), tc.prior)
				if err != nil {
					b.Fatal(err)
				}
				if got.Revisit != (tc.prior != nil) {
					b.Fatalf("revisit = %v", got.Revisit)
				}
				stored += int64(buf.Len())
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "captures/s")
			b.ReportMetric(float64(stored)/float64(b.N), "stored-B/capture")
		})
	}
}
