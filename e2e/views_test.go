package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// TestSavedViewsInTheBrowser: a checker filters the board, saves the
// filters as a shared view, and opens it again from the nav's Views menu
// on a phone; another checker finds it there, marked shared, and opens it.
func TestSavedViewsInTheBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	other := env.User(t, models.RoleChecker)
	env.Claim(t, checker, "Vaccines for measles are given at twelve months.")
	if _, err := env.App.Engine.CreateClaim(context.Background(), checker.User, workflow.NewClaim{Text: "The hospital has 400 beds.", Tags: []string{"health"}}); err != nil {
		t.Fatal(err)
	}

	p := open(t, env)
	p.desktop()
	p.signIn(checker)
	p.visit("/board?tag=health", "#save-view")
	p.do("save the view",
		chromedp.Click(chromedp.CSS("#save-view summary")),
		chromedp.WaitVisible(chromedp.ID("view-name")),
		chromedp.SendKeys(chromedp.ID("view-name"), "Health desk"),
		chromedp.Click(chromedp.ID("view-shared")),
	)
	p.screenshot("views-save-form")
	p.do("submit", chromedp.Click(chromedp.ID("view-save")), chromedp.WaitVisible(chromedp.CSS(".notice-ok")))
	if got := get(p, "read the notice", chromedp.Text(chromedp.CSS(".notice-ok"))); !strings.Contains(got, "View saved") {
		t.Fatalf("after saving the notice says %q", got)
	}

	// On a phone, from an unfiltered page, the Views menu opens the view.
	p.phone()
	p.visit("/claims", "#views-menu")
	p.do("open the views menu", chromedp.Click(chromedp.CSS("#views-menu summary")), chromedp.WaitVisible(chromedp.CSS(".views-pop a[data-view-id]")))
	p.screenshot("views-menu-phone")
	if w := get(p, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("with the views menu open the page is %d px wide, want at most 390", w)
	}
	p.do("open the view", chromedp.Click(chromedp.CSS(".views-pop a[data-view-id]")), chromedp.WaitVisible(chromedp.CSS(".board-columns")))
	if loc := get(p, "location", chromedp.Location()); !strings.HasSuffix(loc, "/board?tag=health") {
		t.Errorf("the view opened %s, want the board filtered by the tag", loc)
	}
	if tag := get(p, "tag filter", chromedp.Value(chromedp.ID("tag"))); tag != "health" {
		t.Errorf("the tag filter reads %q, want health", tag)
	}
	cards := get(p, "cards", chromedp.Evaluate[int](`document.querySelectorAll('.board-columns .claim-card').length`))
	if cards != 1 {
		t.Errorf("the view shows %d cards, want the one health claim", cards)
	}

	// Shared: another checker sees it in the menu, marked, and opens it.
	q := open(t, env)
	q.desktop()
	q.signIn(other)
	q.do("open the views menu", chromedp.Click(chromedp.CSS("#views-menu summary")), chromedp.WaitVisible(chromedp.CSS(".views-pop a[data-view-id]")))
	item := get(q, "the menu item", chromedp.Text(chromedp.CSS(".views-pop li")))
	if !strings.Contains(item, "Health desk") || !strings.Contains(item, "Shared") || !strings.Contains(item, checker.Name) {
		t.Errorf("the other checker's menu shows %q, want the shared view and who shared it", item)
	}
	q.screenshot("views-menu-shared")
	q.do("open it", chromedp.Click(chromedp.CSS(".views-pop a[data-view-id]")), chromedp.WaitVisible(chromedp.CSS(".board-columns")))
	if tag := get(q, "tag filter", chromedp.Value(chromedp.ID("tag"))); tag != "health" {
		t.Errorf("the shared view opened with tag %q, want health", tag)
	}
	q.visit("/views", ".view-row")
	if n := get(q, "change buttons", chromedp.Evaluate[int](`document.querySelectorAll('.view-row form').length`)); n != 0 {
		t.Errorf("the other checker has %d forms to change the shared view, want none", n)
	}
}

// TestMyQueueSplitInBrowser: the home page splits what a checker must do
// from what waits for an editor, and the nav's count follows a new
// assignment without a reload.
func TestMyQueueSplitInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	env.ClaimIn(t, models.StateVerifying, checker, editor, "The bypass saves ten minutes.")
	env.ClaimIn(t, models.StateVerified, checker, editor, "The station was built in 1890.")

	p := open(t, env)
	p.desktop()
	p.signIn(checker)
	p.visit("/", "#queue-todo")
	todo := get(p, "to do", chromedp.Text(chromedp.ID("queue-todo")))
	waiting := get(p, "waiting", chromedp.Text(chromedp.ID("queue-waiting")))
	if !strings.Contains(todo, "The bypass saves") || strings.Contains(todo, "The station") {
		t.Errorf("to do reads %q", todo)
	}
	if !strings.Contains(waiting, "The station was built") || strings.Contains(waiting, "The bypass") {
		t.Errorf("waiting for an editor reads %q", waiting)
	}
	p.screenshot("queue-split")
	count := func() string {
		return get(p, "the nav count", chromedp.Evaluate[string](`document.getElementById('count-todo').firstChild.nodeValue`))
	}
	if c := count(); c != "1" {
		t.Fatalf("My queue count = %q, want 1", c)
	}
	env.ClaimIn(t, models.StateVerifying, checker, editor, "The ring road is 40 km long.")
	apptest.Eventually(t, 10*time.Second, "the nav count to reach 2", func() bool { return count() == "2" })

	// An editor's home leads with the review queue and its count.
	e := open(t, env)
	e.phone()
	e.signIn(editor)
	e.visit("/", "#queue-review")
	if r := get(e, "review", chromedp.Text(chromedp.ID("queue-review"))); !strings.Contains(r, "The station was built") {
		t.Errorf("the editor's review queue reads %q", r)
	}
	if c := get(e, "review count", chromedp.Text(chromedp.ID("count-review"))); !strings.HasPrefix(c, "1") {
		t.Errorf("Review count = %q, want 1", c)
	}
	e.screenshot("queue-editor-phone")
}

// TestTimeZoneInBrowser: choosing a time zone on the settings page changes
// every time the dashboard shows.
func TestTimeZoneInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	c := env.Claim(t, checker, "The market opens at dawn.")
	created := c.CreatedAt.UTC().Format("2 Jan 2006 15:04") + " UTC"

	p := open(t, env)
	p.desktop()
	p.signIn(checker)
	p.visit(fmt.Sprintf("/claims/%d", c.ID), ".claim-text")
	if body := get(p, "claim page", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(body, created) {
		t.Fatalf("the claim page does not show the filing time %q in UTC:\n%s", created, body)
	}
	p.visit("/settings", "#time_zone")
	p.do("choose Kathmandu",
		chromedp.SetValue(chromedp.ID("time_zone"), "Asia/Kathmandu"),
		chromedp.Click(chromedp.ID("save-profile")),
		chromedp.WaitVisible(chromedp.CSS(".notice-ok")),
	)
	p.screenshot("settings-saved")
	loc, _ := time.LoadLocation("Asia/Kathmandu")
	want := c.CreatedAt.In(loc).Format("2 Jan 2006 15:04 MST")
	p.visit(fmt.Sprintf("/claims/%d", c.ID), ".claim-text")
	body := get(p, "claim page", chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(body, want) || strings.Contains(body, created) {
		t.Errorf("after choosing Asia/Kathmandu the claim page does not show %q (or still shows %q):\n%s", want, created, body)
	}
	p.do("a bad zone", chromedp.Navigate(env.URL+"/settings"), chromedp.WaitVisible(chromedp.ID("time_zone")),
		chromedp.SetValue(chromedp.ID("time_zone"), "Atlantis/Capital"), chromedp.Click(chromedp.ID("save-profile")),
		chromedp.WaitVisible(chromedp.ID("time_zone-error")))
}

// chartText measures the charts the page shows: for each visible chart
// SVG, the smallest text as drawn (font size times the SVG's scale).
const chartText = `(() => {
  const out = [];
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    if (getComputedStyle(svg).display === 'none') continue;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    let min = 1e9, n = 0;
    for (const t of svg.querySelectorAll('text')) {
      min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
      n++;
      const r = t.getBoundingClientRect();
      if (r.right > document.documentElement.clientWidth + 0.5 || r.left < -0.5) min = -1;
    }
    out.push({chart: svg.closest('figure').dataset.chart, min: min, texts: n, width: svg.getBoundingClientRect().width});
  }
  return JSON.stringify(out);
})()`

// TestOverviewChartsReadable measures the overview's chart labels in
// Chromium at phone and desktop width: at least 12 px as drawn, inside the
// screen, and the page no wider than the screen.
func TestOverviewChartsReadable(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	env.ClaimIn(t, models.StateConfirmed, checker, editor, "The museum had a million visitors.")
	env.ClaimIn(t, models.StateVerifying, checker, editor, "The stadium seats 60,000.")

	p := open(t, env)
	p.signIn(editor)
	for _, size := range []struct {
		name  string
		set   func()
		width int
	}{{"phone", p.phone, 390}, {"desktop", p.desktop, 1366}} {
		size.set()
		p.visit("/overview", "#chart-time-to-verdict")
		var charts []struct {
			Chart string
			Min   float64
			Texts int
			Width float64
		}
		if err := json.Unmarshal([]byte(get(p, "measure the charts", chromedp.Evaluate[string](chartText))), &charts); err != nil {
			t.Fatal(err)
		}
		if len(charts) != 5 {
			t.Fatalf("%s: %d charts shown, want 5 (one layout each): %+v", size.name, len(charts), charts)
		}
		for _, c := range charts {
			if c.Texts == 0 || c.Min < 12 {
				t.Errorf("%s: chart %s draws its smallest text at %.1f px (%d texts, %.0f px wide), want at least 12 px inside the screen",
					size.name, c.Chart, c.Min, c.Texts, c.Width)
			}
		}
		if w := get(p, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > size.width {
			t.Errorf("%s: the overview is %d px wide, want at most %d", size.name, w, size.width)
		}
		rows := get(p, "table rows", chromedp.Evaluate[int](`document.querySelectorAll('#chart-states-over-time details tbody tr').length`))
		if rows != 12 {
			t.Errorf("%s: the states-over-time table has %d rows, want 12 weeks", size.name, rows)
		}
		p.screenshot("overview-" + size.name)
	}
}
