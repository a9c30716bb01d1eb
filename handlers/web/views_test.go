package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

func TestWebSavedViews(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	other := env.User(t, models.RoleChecker)
	env.Claim(t, checker, "Buses run every five minutes.")

	b := webSignIn(t, env, checker)
	// The board offers to save its filters (not the column being paged).
	b.get("/board?priority=urgent&tag=transport&q=buses").status(t, http.StatusOK).
		has(t, `id="save-view"`, `name="page" value="board"`, `name="query" value="priority=urgent&amp;q=buses&amp;tag=transport"`, "No saved views yet")
	res := b.submit("/views", url.Values{"name": {"Urgent buses"}, "page": {"board"}, "query": {"priority=urgent&q=buses&tag=transport"}}).
		status(t, http.StatusSeeOther)
	if res.Location != "/board?priority=urgent&q=buses&tag=transport&done=view-saved" {
		t.Fatalf("saving went to %q, want the view itself", res.Location)
	}
	b.get(res.Location).has(t, "View saved", `<a href="/board?priority=urgent&amp;q=buses&amp;tag=transport" data-view-id=`, "Urgent buses",
		`aria-current="page">Urgent buses</a>`)
	b.get("/board?priority=urgent").lacks(t, `aria-current="page">Urgent buses</a>`)

	// The list saves its sort too; a shared view shows for everyone.
	b.get("/claims?state=new&sort=due&dir=asc").has(t, `name="page" value="list"`, `name="query" value="dir=asc&amp;sort=due&amp;state=new"`)
	b.submit("/views", url.Values{"name": {"New by due date"}, "page": {"list"}, "query": {"dir=asc&sort=due&state=new"}, "shared": {"1"}}).
		status(t, http.StatusSeeOther)
	ob := webSignIn(t, env, other)
	page := ob.get("/").has(t, "New by due date", `class="badge shared"`, "by "+checker.Name).lacks(t, "Urgent buses")
	id := regexp.MustCompile(`href="/claims\?dir=asc&amp;sort=due&amp;state=new" data-view-id="(\d+)"`).FindStringSubmatch(page.Body)
	if id == nil {
		t.Fatalf("no link to the shared view:\n%s", page.Body)
	}
	ob.get("/views").has(t, "Only "+checker.Name+" or an admin may change this shared view").lacks(t, `action="/views/`+id[1]+`/delete"`)
	ob.submit("/views/"+id[1], url.Values{"name": {"Taken over"}}).status(t, http.StatusForbidden)
	ob.submit("/views/"+id[1]+"/delete", nil).status(t, http.StatusForbidden)

	// The owner renames, unshares and deletes.
	b.get("/views").has(t, `action="/views/`+id[1]+`"`, `action="/views/`+id[1]+`/delete"`,
		"Search “buses” · priority urgent · tag transport", "State New · sorted by due date, ascending")
	b.submit("/views/"+id[1], url.Values{"name": {"New, soonest due"}}).status(t, http.StatusSeeOther)
	b.get("/views?done=view-updated").has(t, "New, soonest due", "View updated")
	ob.get("/").lacks(t, "New, soonest due", "New by due date")
	b.submit("/views/"+id[1]+"/delete", nil).status(t, http.StatusSeeOther)
	b.get("/views?done=view-deleted").has(t, "View deleted").lacks(t, "New, soonest due")

	// Mistakes come back as words on the page, with the form to try again.
	b.submit("/views", url.Values{"name": {"urgent BUSES"}, "page": {"board"}, "query": {"priority=urgent"}}).
		status(t, http.StatusConflict).has(t, "you already have a view named", `id="view-retry"`, `value="urgent BUSES"`)
	b.submit("/views", url.Values{"name": {"Odd"}, "page": {"board"}, "query": {"priority=soon"}}).
		status(t, http.StatusUnprocessableEntity).has(t, "the view is not valid", "must be one of")
	b.submit("/views/999999", url.Values{"name": {"x"}}).status(t, http.StatusNotFound)
}

func TestWebQueueSplitAndCounts(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ctx := context.Background()
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	working := env.ClaimIn(t, models.StateVerifying, checker, editor, "The tunnel is four kilometres long.")
	proposed := env.ClaimIn(t, models.StateVerified, checker, editor, "The bridge opened in 1932.")
	env.ClaimIn(t, models.StateDisputed, checker, editor, "The port is the largest in Europe.")
	env.ClaimIn(t, models.StateConfirmed, checker, editor, "The canal is closed.")
	// An editor who reviews a proposed claim has it to do.
	if _, err := env.App.Engine.Assign(ctx, editor.User, proposed.ID, workflow.AssignRequest{UserID: editor.ID, Role: models.AssignReviewer}); err != nil {
		t.Fatal(err)
	}

	cb := webSignIn(t, env, checker)
	p := cb.get("/").status(t, http.StatusOK)
	todo, waiting := section(t, p.Body, "queue-todo"), section(t, p.Body, "queue-waiting")
	if !strings.Contains(todo, "The tunnel is four") || strings.Contains(todo, "The bridge opened") {
		t.Errorf("to do = %s; want the verifying claim only", todo)
	}
	if !strings.Contains(waiting, "The bridge opened") || !strings.Contains(waiting, "The port is the largest") || strings.Contains(waiting, "The canal") {
		t.Errorf("waiting for an editor = %s; want the two proposals", waiting)
	}
	p.has(t, `id="count-todo" data-count="1"`).lacks(t, `id="count-review"`, `id="queue-review"`)
	// The proposals name who proposed them, in every list of the page.
	proposer := `class="proposer">by ` + checker.Name
	if !strings.Contains(waiting, proposer) {
		t.Errorf("waiting for an editor = %s; want %q", waiting, proposer)
	}

	eb := webSignIn(t, env, editor)
	e := eb.get("/").has(t, `id="count-review" data-count="2"`, `id="count-todo" data-count="1"`, "Review queue", "2 waiting for an editor")
	if r := section(t, e.Body, "queue-review"); !strings.Contains(r, "The bridge opened") || !strings.Contains(r, "The port is") {
		t.Errorf("editor's review queue = %s", r)
	}
	if r := section(t, e.Body, "queue-review"); !strings.Contains(r, proposer) {
		t.Errorf("editor's review queue = %s; want %q", r, proposer)
	}
	if d := section(t, e.Body, "queue-todo"); !strings.Contains(d, "The bridge opened") || !strings.Contains(d, proposer) {
		t.Errorf("editor's to do = %s; want the claim they review", d)
	}

	// The counts follow changes over the event stream.
	stream := openStream(t, env, cb, "/events?badge=1")
	stream.next(t, "counts", `"todo":1`)
	env.ClaimIn(t, models.StateVerifying, checker, editor, "The ferry takes an hour.")
	stream.next(t, "counts", `"todo":2`)
	_ = working
}

// section is the HTML of the element with id, up to the next section.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no #%s on the page", id)
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestWebTimeZone(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	due := time.Date(2030, 1, 15, 23, 30, 0, 0, time.UTC)
	c, err := env.App.Engine.CreateClaim(context.Background(), editor.User, workflow.NewClaim{Text: "The dam holds a lake.", DueAt: &due})
	if err != nil {
		t.Fatal(err)
	}

	b := webSignIn(t, env, checker)
	b.get("/claims/"+itoa(c.ID)).has(t, "15 Jan 2030 23:30 UTC")
	b.get("/settings").status(t, http.StatusOK).has(t, `list="time-zones" value="UTC"`, `<option value="Asia/Tokyo">`)
	b.submit("/settings", url.Values{"time_zone": {"Mars/Olympus"}}).status(t, http.StatusUnprocessableEntity).
		has(t, "choose a time zone from the list", `aria-invalid="true"`, `value="Mars/Olympus"`)
	for _, bad := range []string{"Local", "", "../../etc/passwd", "EST"} {
		b.submit("/settings", url.Values{"time_zone": {bad}}).status(t, http.StatusUnprocessableEntity)
	}
	b.submit("/settings", url.Values{"time_zone": {"Asia/Tokyo"}}).status(t, http.StatusSeeOther)
	b.get("/settings?done=profile-saved").has(t, "Your settings are saved", `list="time-zones" value="Asia/Tokyo"`, " JST</time>")
	// Every page shows the zone: the due date, the history, the list.
	b.get("/claims/"+itoa(c.ID)).has(t, "16 Jan 2030 08:30 JST").lacks(t, "23:30 UTC")
	b.get("/claims/new").has(t, "Due (Asia/Tokyo)")
	b.get("/claims").has(t, " JST</time>")
	// A due date typed in is read in the same zone; the API keeps UTC.
	b.submit("/claims/new", url.Values{"text": {"The lake is deep."}, "priority": {"normal"}, "due_at": {"2030-02-01T09:00"}}).status(t, http.StatusSeeOther)
	res := env.Do(t, "GET", "/api/v1/claims?q=deep", checker.Token, nil)
	if !strings.Contains(string(res.Body), `"due_at":"2030-02-01T00:00:00Z"`) {
		t.Errorf("API claim = %s; want the due date 09:00 Tokyo as 00:00 UTC", res.Body)
	}
	// Another person still reads UTC.
	webSignIn(t, env, editor).get("/claims/"+itoa(c.ID)).has(t, "15 Jan 2030 23:30 UTC")
}

func TestWebOverviewCharts(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	env.ClaimIn(t, models.StateConfirmed, checker, editor, "The river floods every spring.")
	env.ClaimIn(t, models.StateConfirmed, checker, editor, "The hill is 300 metres high.")
	env.ClaimIn(t, models.StateVerifying, checker, editor, "The forest covers half the county.")
	env.Claim(t, checker, "The lake froze in 1963.")

	p := webSignIn(t, env, editor).get("/overview").status(t, http.StatusOK)
	p.has(t, "Time to verdict per week", "Claims per state over time", `class="chart-wide"`, `class="chart-narrow"`,
		"Week starting", "Time to confirm (hours)", "90th percentile", "<summary>The numbers</summary>")
	// The current week's row of "claims per state over time" holds today's
	// counts: one new, one verifying, two confirmed.
	states := section(t, p.Body, "chart-states-over-time")
	rows := regexp.MustCompile(`<tr><th scope="row">[^<]+</th>((?:<td>[^<]*</td>)+)</tr>`).FindAllStringSubmatch(states, -1)
	if len(rows) != 12 {
		t.Fatalf("states over time has %d rows, want 12 weeks:\n%s", len(rows), states)
	}
	if last := rows[11][1]; last != "<td>1</td><td>1</td><td>0</td><td>0</td><td>2</td><td>0</td>" {
		t.Errorf("this week's counts = %s; want new 1, verifying 1, confirmed 2", last)
	}
	if first := rows[0][1]; first != "<td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>" {
		t.Errorf("eleven weeks ago = %s; want nothing yet", first)
	}
	if verdict := section(t, p.Body, "chart-time-to-verdict"); strings.Count(verdict, "<circle") != 2*2 {
		t.Errorf("time to verdict: %d points, want this week's median and p90 in both layouts", strings.Count(verdict, "<circle"))
	}
}

// sseStream reads a dashboard event stream line by line.
type sseStream struct{ lines chan string }

func openStream(t *testing.T, env *apptest.Env, b *webBrowser, path string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", env.URL+path, nil)
	res, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	s := &sseStream{lines: make(chan string, 256)}
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	return s
}

// next waits for an event named event whose data contains want.
func (s *sseStream) next(t *testing.T, event, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.first(t, event, deadline), want) {
	}
}

// first returns the data of the next event named event, failing the test
// if none comes by deadline.
func (s *sseStream) first(t *testing.T, event string, deadline time.Time) string {
	t.Helper()
	timeout := time.After(time.Until(deadline))
	name := ""
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("stream ended before a %s event", event)
			}
			if v, ok := strings.CutPrefix(l, "event: "); ok {
				name = v
			} else if v, ok := strings.CutPrefix(l, "data: "); ok && name == event {
				return v
			}
		case <-timeout:
			t.Fatalf("no %s event by the deadline", event)
		}
	}
}

// TestWebNavCountCap: past 99 the badge says 99+, and the count stops
// there rather than walk every claim.
func TestWebNavCountCap(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	db := env.App.Store.SQL()
	if _, err := db.Exec(`INSERT INTO claims (text, state, created_by) SELECT 'Claim ' || g, 'verifying', $1 FROM generate_series(1, 120) g`, editor.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO claim_assignments (claim_id, user_id, role, assigned_by) SELECT id, $1, 'checker', $2 FROM claims`, checker.ID, editor.ID); err != nil {
		t.Fatal(err)
	}
	n, err := env.App.Store.QueueCounts(context.Background(), checker.ID)
	if err != nil || n.ToDo != 100 || n.Waiting != 0 {
		t.Fatalf("QueueCounts = %+v, %v; want to do counted to 100", n, err)
	}
	webSignIn(t, env, checker).get("/claims").has(t, `id="count-todo" data-count="100" >99&#43;<span class="visually-hidden"> to do`)
}
