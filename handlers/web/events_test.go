package web_test

import (
	"bufio"
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// TestWebEvents listens to a claim's event stream and checks a committed
// change arrives, and other claims' changes do not.
func TestWebEvents(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	watched := env.Claim(t, editor, "Watched claim")
	other := env.Claim(t, editor, "Other claim")
	b := webSignIn(t, env, editor)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", env.URL+"/events?claim="+itoa(watched.ID), nil)
	res, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("events = %d %s", res.StatusCode, ct)
	}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// A deadline, not a latency target: on a busy machine under -race a
	// change can take seconds to come through.
	waitFor := func(prefix string) string {
		t.Helper()
		deadline := time.After(15 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("stream ended before %q", prefix)
				}
				if strings.HasPrefix(l, prefix) {
					return l
				}
			case <-deadline:
				t.Fatalf("no %q within 15s", prefix)
			}
		}
	}
	waitFor(": connected")
	for _, c := range []*models.Claim{other, watched} {
		if _, err := env.App.Engine.AddComment(context.Background(), checker.User, c.ID, "on "+c.Text); err != nil {
			t.Fatal(err)
		}
	}
	// Claim changes only: the stream also carries the viewer's badge.
	data := waitFor(`data: {"claim_id"`)
	if !strings.Contains(data, `"claim_id":`+itoa(watched.ID)) {
		t.Errorf("first event is %s, want only the watched claim's", data)
	}

	// Signed out, the stream is refused.
	anon := newWebBrowser(t, env)
	anon.get("/events").status(t, http.StatusSeeOther)
}

var liveEventsAttr = regexp.MustCompile(`data-live-events="([^"]+)"`)

// TestWebEventsSayWhatThePageMissed: a change committed after a page was
// drawn and before its event stream opened is sent the moment the stream
// opens, on the claim page and on the board; a stream opened from a page
// that is current sends nothing until the next change.
func TestWebEventsSayWhatThePageMissed(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	claim := env.Claim(t, editor, "A claim watched from its page")
	b := webSignIn(t, env, editor)
	ctx := context.Background()
	streamOf := func(path string) string {
		t.Helper()
		m := liveEventsAttr.FindStringSubmatch(b.get(path).Body)
		if m == nil {
			t.Fatalf("no data-live-events on %s", path)
		}
		return html.UnescapeString(m[1])
	}
	// Events sent for the stamp carry only the claim id; the hub's carry
	// the state as well.
	firstChange := func(s *sseStream) string {
		t.Helper()
		return s.first(t, "change", time.Now().Add(15*time.Second))
	}
	comment := func(body string) {
		t.Helper()
		if _, err := env.App.Engine.AddComment(ctx, checker.User, claim.ID, body); err != nil {
			t.Fatal(err)
		}
	}
	claimPage := "/claims/" + itoa(claim.ID)
	stampOnly := `{"claim_id":` + itoa(claim.ID) + `}`

	missed := streamOf(claimPage)
	comment("Written while the page was on its way.")
	if got := firstChange(openStream(t, env, b, missed)); got != stampOnly {
		t.Errorf("claim page that missed a comment: first change = %s, want %s at once", got, stampOnly)
	}

	current := openStream(t, env, b, streamOf(claimPage))
	current.next(t, "counts", "")
	comment("Written while the page was open.")
	if got := firstChange(current); !strings.Contains(got, `"state"`) {
		t.Errorf("current claim page: first change = %s, want the hub's event of the new comment", got)
	}

	board := streamOf("/board")
	comment("Written while the board was on its way.")
	if got := firstChange(openStream(t, env, b, board)); got != `{"claim_id":0}` {
		t.Errorf("board that missed a comment: first change = %s, want one at once", got)
	}
}
