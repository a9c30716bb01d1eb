package sources_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// BenchmarkSourceCheckCapture runs whole source checks of a 1 MiB page
// through the service: fetch over loopback, WARC capture, readable text,
// anchor, and the recording transaction with the capture in PostgreSQL.
// "first" changes the page every time (a new response record each check);
// "revisit" leaves it alone. It reports checks per second and the WARC and
// text bytes each capture stores. No timestamp authority is asked (that
// cost is the authority's). Run briefly: -benchtime 20x.
func BenchmarkSourceCheckCapture(b *testing.B) {
	para := "<p>The council said spending on roads rose by “four per cent” — more than forecast. </p>\n"
	page := "<html><head><title>Roads</title></head><body><article>" + strings.Repeat(para, (1<<20)/len(para))
	for _, mode := range []string{"first", "revisit"} {
		b.Run(mode, func(b *testing.B) {
			env := apptest.New(b, func(c *app.Config) {
				c.FetchAllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
				c.FetchTimeout = 10 * time.Second
			})
			var n atomic.Int64
			srv := servePageB(b, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				v := int64(0)
				if mode == "first" {
					v = n.Add(1)
				}
				io.WriteString(w, page+fmt.Sprintf("<p>Final figure: %d kilometres.</p></article></body></html>", v))
			})
			checker, editor := env.User(b, models.RoleChecker), env.User(b, models.RoleEditor)
			c := env.ClaimIn(b, models.StateVerifying, checker, editor, "Road spending rose four per cent.")
			ctx := context.Background()
			ev, err := env.App.Engine.AddEvidence(ctx, checker.User, c.ID, workflow.NewEvidence{URL: srv, Stance: models.StanceSupports, Excerpt: "rose by “four per cent”"})
			if err != nil {
				b.Fatal(err)
			}
			apptest.Eventually(b, 20*time.Second, "the first check", func() bool {
				caps, err := env.App.Sources.Captures(ctx, c.ID, ev.ID)
				return err == nil && len(caps) == 1
			})
			b.SetBytes(int64(len(page)))
			b.ResetTimer()
			for b.Loop() {
				if _, err := env.App.Sources.Check(ctx, ev.ID); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var warcBytes, textBytes, count int64
			err = env.App.Store.SQL().QueryRow(`SELECT coalesce(sum(warc_bytes), 0), coalesce(sum(length(text_gz)), 0), count(*)
				FROM captures WHERE evidence_id = $1 AND id > (SELECT min(id) FROM captures WHERE evidence_id = $1)`, ev.ID).Scan(&warcBytes, &textBytes, &count)
			if err != nil || count == 0 {
				b.Fatalf("captures: %d, %v", count, err)
			}
			b.ReportMetric(float64(warcBytes)/float64(count), "warc-B/capture")
			b.ReportMetric(float64(textBytes)/float64(count), "text-gz-B/capture")
		})
	}
}
