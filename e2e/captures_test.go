package e2e_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/tsatest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// TestSnapshotViewer checks a source whose page changes, then reads its
// captures in the dashboard: the list with times, digests and the
// timestamp authority, the captured text with the quote marked, the change
// around the quote, and none of the captured HTML alive in the page.
func TestSnapshotViewer(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	auth := tsatest.Start(t, tsatest.Options{})
	env := apptest.New(t, func(c *app.Config) {
		c.FetchAllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.FetchTimeout = 5 * time.Second
		c.SourcePollInterval = 50 * time.Millisecond
		c.TSAURLs = []string{auth.URL}
		c.TSARoots = auth.Roots
	})
	var body atomic.Value
	page := func(words string) string {
		return `<!doctype html><html><head><title>Housing statement</title></head><body><article>
<h1>Housing statement</h1><p>The ministry published its plan on Monday.</p>
<p>Minister's statement. We will build ` + words + `, the minister said. <b id="raw-marker">Bold words</b>
<img src="x" onerror="window.__ran=1"><script>window.__ran=1</script></p>
<p>Opposition parties called the plan unrealistic and asked for a costing.</p></article></body></html>`
	}
	body.Store(page("400 homes by 2027"))
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body.Load().(string))
	}))
	t.Cleanup(site.Close)

	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "The minister promised 400 homes by 2027.")
	ev, err := env.App.Engine.AddEvidence(context.Background(), checker.User, c.ID, workflow.NewEvidence{URL: site.URL + "/statement", Stance: models.StanceSupports, Excerpt: "We will build 400 homes by 2027"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	apptest.Eventually(t, 15*time.Second, "the first check", func() bool {
		caps, err := env.App.Sources.Captures(ctx, c.ID, ev.ID)
		return err == nil && len(caps) == 1
	})
	if _, err := env.App.Sources.CheckNow(ctx, checker.User, c.ID, ev.ID); err != nil {
		t.Fatal(err)
	}
	body.Store(page("200 homes by 2030"))
	if _, err := env.App.Sources.CheckNow(ctx, checker.User, c.ID, ev.ID); err != nil {
		t.Fatal(err)
	}
	caps, err := env.App.Sources.Captures(ctx, c.ID, ev.ID)
	if err != nil || len(caps) != 3 {
		t.Fatalf("captures = %d, %v; want 3", len(caps), err)
	}

	p := open(t, env)
	p.signIn(checker)
	p.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	p.visit(fmt.Sprintf("/claims/%d", c.ID), "#evidence-packet")
	p.screenshot("claim-with-packet")
	p.do("open the captures", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/claims/%d/evidence/%d/captures"]`, c.ID, ev.ID))),
		chromedp.WaitVisible(chromedp.CSS(".capture-items")))
	items := get(p, "count captures", chromedp.Evaluate[int](`document.querySelectorAll(".capture-item").length`))
	stamped := get(p, "timestamps shown", chromedp.Evaluate[int](`document.querySelectorAll(".capture-item .timestamp .status-verified").length`))
	revisits := get(p, "revisits shown", chromedp.Evaluate[int](`document.querySelectorAll(".capture-revisit").length`))
	if items != 3 || stamped != 3 || revisits != 1 {
		t.Errorf("viewer lists %d captures, %d timestamped, %d revisits; want 3, 3, 1", items, stamped, revisits)
	}
	list := get(p, "list text", chromedp.Evaluate[string](`document.querySelector(".capture-items").innerText`))
	if !strings.Contains(list, caps[0].PayloadDigest) || !strings.Contains(list, "127.0.0.1") {
		t.Errorf("capture list does not show the digest and the authority:\n%s", list)
	}
	// The newest capture: the changed page, its new wording marked and the
	// diff around the quote.
	marked := get(p, "marked passage", chromedp.Evaluate[string](`document.querySelector(".readable-text mark").innerText`))
	diff := get(p, "diff", chromedp.Evaluate[string](`(document.querySelector(".reanchor .diff") || {innerText: ""}).innerText`))
	if marked != "We will build 200 homes by 2030" || !strings.Contains(diff, "400") || !strings.Contains(diff, "200") {
		t.Errorf("changed capture: marked %q, diff %q", marked, diff)
	}
	alive := get(p, "raw html alive", chromedp.Evaluate[bool](`!!document.querySelector("#raw-marker, .readable-text img, .readable-text script, iframe") || !!window.__ran`))
	if alive {
		t.Error("the captured HTML came alive in the desk's page")
	}
	p.screenshot("captures-changed")

	// The first capture: the quote as cited.
	p.visit(fmt.Sprintf("/claims/%d/evidence/%d/captures?capture=%d", c.ID, ev.ID, caps[2].ID), ".readable-text mark")
	marked = get(p, "marked quote", chromedp.Evaluate[string](`document.querySelector(".readable-text mark").innerText`))
	if marked != "We will build 400 homes by 2027" {
		t.Errorf("first capture marks %q", marked)
	}
	p.screenshot("captures-first")
	p.phone()
	p.visit(fmt.Sprintf("/claims/%d/evidence/%d/captures", c.ID, ev.ID), ".readable-text mark")
	p.screenshot("captures-phone")
}
