package sources_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

// BenchmarkCheckPage measures one check without the database: fetching a
// 1 MiB article over loopback, hashing it, extracting the readable text
// and searching for an excerpt near its end.
func BenchmarkCheckPage(b *testing.B) {
	para := "<p>The council said spending on roads rose by “four per cent” — more than forecast. </p>\n"
	body := "<html><head><title>Roads</title></head><body><article>" +
		strings.Repeat(para, (1<<20)/len(para)) + "<p>Final figure: 12,345 kilometres.</p></article></body></html>"
	srv := servePageB(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	})
	client := sources.NewClient(loopback, 10*time.Second)
	prev := &models.Evidence{Status: "pending", Excerpt: `"final figure: 12,345 kilometres"`}
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		f := sources.FetchPage(b.Context(), client, srv, time.Now())
		if v := sources.Judge(prev, f); v.Status != sources.StatusVerified && v.Status != sources.StatusExcerptMissing {
			b.Fatalf("Judge = %s (%s)", v.Status, f.ErrClass)
		}
	}
}
