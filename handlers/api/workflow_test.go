package api_test

import (
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

type claimPath string

func (p claimPath) sub(s string) string { return string(p) + s }

func transition(t *testing.T, env *apptest.Env, token string, id int64, body map[string]any) *apptest.Response {
	t.Helper()
	return env.Do(t, "POST", "/api/v1/claims/"+itoa(id)+"/transitions", token, body)
}

// TestWorkflowThroughAPI walks a claim through its whole life, hitting each
// error status on the way.
func TestWorkflowThroughAPI(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	otherChecker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	editor2 := env.User(t, models.RoleEditor)
	viewer := env.User(t, models.RoleViewer)
	c := env.Claim(t, checker, "The meeting was the first of its kind held in India.")
	id := c.ID
	p := claimPath("/api/v1/claims/" + itoa(id))

	// start needs a checker assigned.
	res := transition(t, env, editor.Token, id, map[string]any{"action": "start", "version": 1})
	wantStatus(t, res, 422, "start without a checker")
	if got := problemFields(t, res); !slices.Equal(got, []string{"assignees"}) {
		t.Errorf("start without checker names %v", got)
	}
	wantStatus(t, transition(t, env, editor.Token, id, map[string]any{"action": "fly", "version": 1}), 422, "unknown action")
	wantStatus(t, transition(t, env, editor.Token, id, map[string]any{"action": "verify", "version": 1}), 409, "verify from new")
	wantStatus(t, transition(t, env, editor.Token, id, map[string]any{"action": "start"}), 422, "no version")

	// A checker takes the claim for themself; another checker may not then.
	wantStatus(t, env.Do(t, "POST", p.sub("/assignments"), checker.Token, map[string]any{"user_id": checker.ID, "role": "checker"}), 201, "self-assign")
	wantStatus(t, env.Do(t, "POST", p.sub("/assignments"), otherChecker.Token, map[string]any{"user_id": otherChecker.ID, "role": "checker"}), 403, "second self-assign")
	wantStatus(t, env.Do(t, "POST", p.sub("/assignments"), otherChecker.Token, map[string]any{"user_id": viewer.ID}), 403, "checker assigns someone else")
	wantStatus(t, env.Do(t, "POST", p.sub("/assignments"), editor.Token, map[string]any{"user_id": viewer.ID, "role": "checker"}), 422, "assign a viewer as checker")
	wantStatus(t, env.Do(t, "POST", p.sub("/assignments"), editor.Token, map[string]any{"user_id": checker.ID, "role": "checker"}), 409, "assign twice")
	wantStatus(t, env.Do(t, "POST", p.sub("/assignments"), editor.Token, map[string]any{"user_id": editor2.ID, "role": "reviewer"}), 201, "assign a reviewer")
	wantStatus(t, env.Do(t, "POST", p.sub("/assignments"), editor.Token, map[string]any{"user_id": otherChecker.ID, "role": "boss"}), 422, "invalid assignment role")

	wantStatus(t, transition(t, env, otherChecker.Token, id, map[string]any{"action": "start", "version": 1}), 403, "unassigned checker starts")
	wantStatus(t, transition(t, env, viewer.Token, id, map[string]any{"action": "start", "version": 1}), 403, "viewer starts")
	wantStatus(t, transition(t, env, checker.Token, id, map[string]any{"action": "start", "version": 1}), 200, "start")

	// verify names every missing requirement.
	res = transition(t, env, checker.Token, id, map[string]any{"action": "verify", "version": 2, "verdict": "false"})
	wantStatus(t, res, 422, "verify with nothing")
	if got := problemFields(t, res); !slices.Equal(got, []string{"verdict", "summary", "evidence"}) {
		t.Errorf("verify requirements named %v", got)
	}
	wantStatus(t, transition(t, env, checker.Token, id, map[string]any{"action": "verify", "version": 2, "verdict": "sort_of"}), 422, "invalid verdict")

	// Evidence.
	wantStatus(t, env.Do(t, "POST", p.sub("/evidence"), otherChecker.Token, map[string]any{"url": "https://example.org", "stance": "supports"}), 403, "evidence by an unassigned checker")
	wantStatus(t, env.Do(t, "POST", p.sub("/evidence"), checker.Token, map[string]any{"url": "https://example.org", "stance": "agrees"}), 422, "invalid stance")
	wantStatus(t, env.Do(t, "POST", p.sub("/evidence"), checker.Token, map[string]any{"stance": "supports"}), 422, "evidence without url")
	ev := env.Do(t, "POST", p.sub("/evidence"), checker.Token, map[string]any{"url": "https://example.org/report", "stance": "supports", "excerpt": "the first such meeting", "title": "Report"})
	wantStatus(t, ev, 201, "add evidence")
	if list := env.Do(t, "GET", p.sub("/evidence"), viewer.Token, nil); len(list.JSON(t)["items"].([]any)) != 1 {
		t.Errorf("GET evidence = %s", list.Body)
	}

	// Comments.
	wantStatus(t, env.Do(t, "POST", p.sub("/comments"), checker.Token, map[string]any{"body": " "}), 422, "empty comment")
	wantStatus(t, env.Do(t, "POST", p.sub("/comments"), viewer.Token, map[string]any{"body": "hi"}), 403, "viewer comments")
	wantStatus(t, env.Do(t, "POST", p.sub("/comments"), otherChecker.Token, map[string]any{"body": "I saw this too"}), 201, "comment")
	if list := env.Do(t, "GET", p.sub("/comments"), viewer.Token, nil); len(list.JSON(t)["items"].([]any)) != 1 {
		t.Errorf("GET comments = %s", list.Body)
	}

	// An editor verifies, then cannot confirm their own verdict.
	wantStatus(t, transition(t, env, editor.Token, id, map[string]any{"action": "verify", "version": 1, "verdict": "true", "summary": "s"}), 409, "stale version")
	res = transition(t, env, editor.Token, id, map[string]any{"action": "verify", "version": 2, "verdict": "true", "summary": "The ministry confirms it."})
	wantStatus(t, res, 200, "verify")
	// One supporting source only: the verify succeeds with a warning.
	var verified struct {
		State    string `json:"state"`
		Warnings []struct {
			Code string `json:"code"`
		} `json:"warnings"`
	}
	res.Decode(t, &verified)
	if verified.State != "verified" || len(verified.Warnings) == 0 || verified.Warnings[0].Code != "single_domain" {
		t.Errorf("verify response = %s, want state verified with a single_domain warning", res.Body)
	}
	wantStatus(t, transition(t, env, checker.Token, id, map[string]any{"action": "confirm", "version": 3}), 403, "checker confirms")
	res = transition(t, env, editor.Token, id, map[string]any{"action": "confirm", "version": 3})
	wantStatus(t, res, 403, "four eyes")

	// The options endpoint shows the same: confirm offered but not allowed.
	opts := env.Do(t, "GET", p.sub("/options"), editor.Token, nil)
	var o struct {
		Items []struct {
			Action  string `json:"action"`
			Allowed bool   `json:"allowed"`
			Reason  string `json:"reason"`
		} `json:"items"`
	}
	opts.Decode(t, &o)
	if len(o.Items) != 2 || o.Items[0].Action != "confirm" || o.Items[0].Allowed || o.Items[0].Reason == "" || !o.Items[1].Allowed {
		t.Errorf("options for the proposer = %s", opts.Body)
	}

	wantStatus(t, transition(t, env, editor2.Token, id, map[string]any{"action": "send_back", "version": 3}), 422, "send back without comment")
	wantStatus(t, transition(t, env, editor2.Token, id, map[string]any{"action": "send_back", "version": 3, "comment": "Find a second source."}), 200, "send back")
	wantStatus(t, transition(t, env, checker.Token, id, map[string]any{"action": "verify", "version": 4, "verdict": "mostly_true", "summary": "Two sources agree."}), 200, "verify again")
	wantStatus(t, transition(t, env, editor.Token, id, map[string]any{"action": "confirm", "version": 5}), 200, "confirm by another editor")
	wantStatus(t, env.Do(t, "POST", p.sub("/evidence"), checker.Token, map[string]any{"url": "https://example.org/late", "stance": "context"}), 409, "evidence on a confirmed claim")

	// Reopen is a correction: the old verdict stays in the history.
	wantStatus(t, transition(t, env, editor.Token, id, map[string]any{"action": "reopen", "version": 6}), 422, "reopen without comment")
	res = transition(t, env, editor.Token, id, map[string]any{"action": "reopen", "version": 6, "comment": "A reader sent a correction."})
	wantStatus(t, res, 200, "reopen")
	if s := res.JSON(t)["state"]; s != "verifying" {
		t.Errorf("state after reopen = %v", s)
	}
	h := env.Do(t, "GET", p.sub("/history"), viewer.Token, nil)
	var hist struct {
		Items []models.HistoryEntry `json:"items"`
	}
	h.Decode(t, &hist)
	last := hist.Items[len(hist.Items)-1]
	if last.Action != models.ActionReopen || last.Verdict != models.VerdictMostlyTrue || last.Comment == "" || last.FromState != models.StateConfirmed {
		t.Errorf("reopen entry = %+v", last)
	}
	kinds := map[models.HistoryKind]int{}
	for i, e := range hist.Items {
		kinds[e.Kind]++
		if e.Seq != i+1 {
			t.Errorf("history seq %d at position %d", e.Seq, i)
		}
	}
	want := map[models.HistoryKind]int{models.HistoryCreated: 1, models.HistoryAssigned: 2, models.HistoryTransitioned: 6, models.HistoryEvidenceAdded: 1, models.HistoryCommentAdded: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("history has %d %s entries, want %d", kinds[k], k, n)
		}
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/999999/history", viewer.Token, nil), 404, "history of unknown claim")
}

func TestRejectRestoreAndUnassign(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	original := env.Claim(t, checker, "A minister from Poland attended.")
	dup := env.ClaimIn(t, models.StateVerifying, checker, editor, "A Polish minister was at the meeting.")

	wantStatus(t, transition(t, env, checker.Token, dup.ID, map[string]any{"action": "reject", "version": dup.Version, "comment": "dup"}), 403, "checker rejects")
	wantStatus(t, transition(t, env, editor.Token, dup.ID, map[string]any{"action": "reject", "version": dup.Version, "comment": "dup", "duplicate_of": 999999}), 422, "duplicate of a missing claim")
	res := transition(t, env, editor.Token, dup.ID, map[string]any{"action": "reject", "version": dup.Version, "comment": "Same as the earlier claim.", "duplicate_of": original.ID})
	wantStatus(t, res, 200, "reject as duplicate")
	if res.JSON(t)["duplicate_of"].(float64) != float64(original.ID) {
		t.Errorf("duplicate_of not set: %s", res.Body)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/claims/"+itoa(dup.ID)+"/assignments", editor.Token, map[string]any{"user_id": editor.ID, "role": "reviewer"}), 409, "assign on a rejected claim")
	res = transition(t, env, editor.Token, dup.ID, map[string]any{"action": "restore", "version": dup.Version + 1})
	wantStatus(t, res, 200, "restore")
	if got := res.JSON(t); got["state"] != "new" || got["duplicate_of"] != nil {
		t.Errorf("restored claim = %s", res.Body)
	}

	path := "/api/v1/claims/" + itoa(dup.ID) + "/assignments/"
	wantStatus(t, env.Do(t, "DELETE", path+itoa(editor.ID), editor.Token, nil), 404, "unassign someone not assigned")
	other := env.User(t, models.RoleChecker)
	wantStatus(t, env.Do(t, "DELETE", path+itoa(checker.ID), other.Token, nil), 403, "checker unassigns another")
	res = env.Do(t, "DELETE", path+itoa(checker.ID), checker.Token, nil)
	wantStatus(t, res, 200, "checker steps away")
	if a := res.JSON(t)["assignees"].([]any); len(a) != 0 {
		t.Errorf("assignees after unassign = %v", a)
	}
}

func TestAutoAssignPicksLeastLoaded(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	busy := env.User(t, models.RoleChecker)
	free := env.User(t, models.RoleChecker)
	env.ClaimIn(t, models.StateVerifying, busy, editor, "One open claim for the busy checker.")
	c := env.Claim(t, editor, "Needs a checker.")

	wantStatus(t, env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/assignments", busy.Token, map[string]any{"auto": true, "role": "checker"}), 403, "checker auto-assigns")
	res := env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/assignments", editor.Token, map[string]any{"auto": true, "role": "checker"})
	wantStatus(t, res, 201, "auto-assign")
	var got models.Claim
	res.Decode(t, &got)
	if len(got.Assignees) != 1 || got.Assignees[0].UserID != free.ID {
		t.Errorf("auto-assigned %+v, want the free checker %d", got.Assignees, free.ID)
	}
}

// TestTransitionRace sends the same transition with the same version from
// 20 goroutines: the row lock and version check let exactly one win.
func TestTransitionRace(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "Race me.")

	statuses := make([]int, 20)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = transition(t, env, editor.Token, c.ID, map[string]any{"action": "confirm", "version": c.Version}).Status
		}()
	}
	close(start)
	wg.Wait()
	won, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			won++
		case http.StatusConflict:
			conflicts++
		}
	}
	if won != 1 || conflicts != 19 {
		t.Fatalf("statuses = %v: %d won and %d conflicted, want 1 and 19", statuses, won, conflicts)
	}
	var n int
	env.App.Store.SQL().QueryRow("SELECT count(*) FROM claim_history WHERE claim_id = $1 AND action = 'confirm'", c.ID).Scan(&n)
	if n != 1 {
		t.Errorf("%d confirm entries in history, want 1", n)
	}
}

// TestQueueNext has 10 checkers take from a queue of 10 claims at once:
// each gets a different claim, and the next call finds the queue empty.
func TestQueueNext(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	for i := range 10 {
		env.Claim(t, editor, "Queued claim "+itoa(int64(i)))
	}
	checkers := make([]apptest.User, 10)
	for i := range checkers {
		checkers[i] = env.User(t, models.RoleChecker)
	}
	got := make([]models.Claim, 10)
	var wg sync.WaitGroup
	for i := range checkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := env.Do(t, "POST", "/api/v1/queue/next", checkers[i].Token, nil)
			if res.Status != http.StatusOK {
				t.Errorf("queue/next for checker %d = %d: %s", i, res.Status, res.Body)
				return
			}
			res.Decode(t, &got[i])
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i, c := range got {
		if seen[c.ID] {
			t.Errorf("claim %d handed out twice", c.ID)
		}
		seen[c.ID] = true
		if c.State != models.StateVerifying || len(c.Assignees) != 1 || c.Assignees[0].UserID != checkers[i].ID {
			t.Errorf("checker %d got %+v", i, c)
		}
	}
	res := env.Do(t, "POST", "/api/v1/queue/next", checkers[0].Token, nil)
	if res.Status != http.StatusNoContent || len(res.Body) != 0 {
		t.Errorf("empty queue = %d %s, want 204", res.Status, res.Body)
	}
	viewer := env.User(t, models.RoleViewer)
	wantStatus(t, env.Do(t, "POST", "/api/v1/queue/next", viewer.Token, nil), 403, "viewer takes from queue")
}

func TestQueueOrder(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	checker := env.User(t, models.RoleChecker)
	var order []string
	for _, p := range []string{"low", "normal", "urgent", "high", "urgent"} {
		res := env.Do(t, "POST", "/api/v1/claims", editor.Token, map[string]any{"text": "A " + p + " claim", "priority": p})
		wantStatus(t, res, 201, "create "+p)
	}
	for range 5 {
		var c models.Claim
		env.Do(t, "POST", "/api/v1/queue/next", checker.Token, nil).Decode(t, &c)
		order = append(order, string(c.Priority))
	}
	if want := []string{"urgent", "urgent", "high", "normal", "low"}; !slices.Equal(order, want) {
		t.Errorf("queue order = %v, want %v", order, want)
	}
}

func TestHealthAndReady(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	wantStatus(t, env.Do(t, "GET", "/healthz", "", nil), 200, "healthz")
	wantStatus(t, env.Do(t, "GET", "/readyz", "", nil), 200, "readyz")
	res := env.Do(t, "GET", "/api/v1/nothing-here", "", nil)
	wantStatus(t, res, 404, "unknown API path")
	if res.Header.Get("X-Request-Id") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers = %v", res.Header)
	}
	wf := env.Do(t, "GET", "/api/v1/workflow", "", nil)
	wantStatus(t, wf, 200, "workflow")
	if rows := wf.JSON(t)["transitions"].([]any); len(rows) != 8 {
		t.Errorf("workflow has %d rows", len(rows))
	}
}
