package webhooks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// TestEveryEventType walks a claim through its life with one endpoint
// subscribed to everything, and checks that each event type arrives once,
// signed, in the envelope, with the claim's seq increasing.
func TestEveryEventType(t *testing.T) {
	t.Parallel()
	b := setup(t)
	all := newReceiver(t, nil)
	h := b.createHook(t, all.URL, "*")
	gone := newReceiver(t, func(int, delivery) (int, http.Header) { return http.StatusGone, nil })
	// It sees only its own ping, whose 410 disables it, which emits
	// webhook.disabled to the first endpoint.
	goneHook := b.createHook(t, gone.URL, "webhook.ping")

	ctx := context.Background()
	env, eng := b.env, b.env.App.Engine
	checker, editor, editor2 := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleEditor)
	must := func(c *models.Claim, err error) *models.Claim {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := env.Claim(t, checker, "The river carried 40 percent more water this spring.")
	c = must(eng.Assign(ctx, editor.User, c.ID, workflow.AssignRequest{UserID: checker.ID}))
	c = must(eng.Assign(ctx, editor.User, c.ID, workflow.AssignRequest{UserID: editor2.ID, Role: models.AssignReviewer}))
	c = must(eng.Unassign(ctx, editor.User, c.ID, editor2.ID))
	c = must(eng.UpdateClaim(ctx, checker.User, c.ID, workflow.ClaimPatch{Version: c.Version, Claimant: models.Some("a ministry")}))
	c = must(eng.Apply(ctx, checker.User, c.ID, workflow.Request{Action: models.ActionStart, Version: c.Version}))
	gauge, err := eng.AddEvidence(ctx, checker.User, c.ID, workflow.NewEvidence{URL: "https://example.org/gauge", Stance: models.StanceRefutes})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := eng.UpdateEvidence(ctx, checker.User, c.ID, gauge.ID, workflow.EvidencePatch{Version: gauge.Version, Title: models.Some("River gauge readings")}); err != nil {
		t.Fatal(err)
	}
	blog, err := eng.AddEvidence(ctx, checker.User, c.ID, workflow.NewEvidence{URL: "https://blog.example/river", Stance: models.StanceSupports})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := eng.RetractEvidence(ctx, checker.User, c.ID, blog.ID, blog.Version, "a blog, not a measurement"); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.AddComment(ctx, checker.User, c.ID, "the gauge data says otherwise"); err != nil {
		t.Fatal(err)
	}
	c = must(env.App.Store.Claim(ctx, c.ID))
	c = must(eng.Apply(ctx, checker.User, c.ID, workflow.Request{Action: models.ActionDispute, Version: c.Version, Verdict: models.VerdictFalse, Summary: "gauges show 4 percent"}))
	c = must(eng.Apply(ctx, editor.User, c.ID, workflow.Request{Action: models.ActionConfirm, Version: c.Version}))
	// evidence.changed comes from a source check, recorded through the
	// engine, whose hook emits it like any claim event: an entry of the
	// kind the source watcher writes, after the confirm.
	err = env.App.Store.WithTx(ctx, func(tx *store.Tx) error {
		entry := &models.HistoryEntry{ClaimID: c.ID, Seq: c.LastSeq + 1, Kind: models.HistoryEvidenceChanged,
			Details: json.RawMessage(`{"status":"changed"}`), Comment: "source is now changed (was ok)", At: time.Now()}
		return events.ClaimChanged(ctx, tx, c, entry, nil, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := env.Do(t, "POST", b.path(h, "/ping"), b.admin.Token, nil); res.Status != http.StatusAccepted {
		t.Fatalf("ping = %d: %s", res.Status, res.Body)
	}
	if res := env.Do(t, "POST", b.path(goneHook, "/ping"), b.admin.Token, nil); res.Status != http.StatusAccepted {
		t.Fatalf("ping = %d: %s", res.Status, res.Body)
	}

	want := map[string]int{
		"claim.created": 1, "claim.assigned": 2, "claim.unassigned": 1, "claim.updated": 1,
		"claim.transitioned": 3, "claim.evidence_added": 2, "claim.comment_added": 1,
		"claim.evidence_edited": 1, "claim.evidence_retracted": 1,
		"claim.disputed": 1, "claim.confirmed": 1, "evidence.changed": 1, "webhook.ping": 1, "webhook.disabled": 1,
	}
	total := 0
	for _, n := range want {
		total += n
	}
	eventually(t, "every event at the receiver", func() bool { return all.count() >= total })
	for _, typ := range events.Types {
		if want[string(typ)] == 0 {
			t.Errorf("the test does not cover %s", typ)
		}
	}

	got := map[string]int{}
	// Deliveries run concurrently and may arrive in any order; seq is what
	// lets a receiver order one claim's events.
	seqs := map[int][]string{}
	seen := map[string]bool{}
	for _, d := range all.deliveries() {
		mustVerify(t, d, h.Secret)
		got[d.Envelope.Type]++
		if d.ID != d.Envelope.ID || !strings.HasPrefix(d.ID, "evt_") {
			t.Errorf("webhook-id %q, envelope id %q: want one evt_ id", d.ID, d.Envelope.ID)
		}
		if seen[d.ID] {
			t.Errorf("event %s delivered twice", d.ID)
		}
		seen[d.ID] = true
		if _, err := time.Parse(time.RFC3339, d.Envelope.Timestamp); err != nil {
			t.Errorf("%s timestamp %q is not RFC 3339", d.Envelope.Type, d.Envelope.Timestamp)
		}
		if !strings.HasPrefix(d.Envelope.Type, "claim.") {
			continue
		}
		var data struct {
			Claim *struct {
				ID    int64  `json:"id"`
				State string `json:"state"`
			} `json:"claim"`
			Seq       int    `json:"seq"`
			ActorID   *int64 `json:"actor_id"`
			Action    any    `json:"action"`
			FromState any    `json:"from_state"`
			ToState   any    `json:"to_state"`
			Comment   string `json:"comment"`
		}
		if err := json.Unmarshal(d.Envelope.Data, &data); err != nil {
			t.Fatalf("%s data: %v", d.Envelope.Type, err)
		}
		if data.Claim == nil || data.Claim.ID != c.ID || data.ActorID == nil || data.Seq < 1 {
			t.Errorf("%s data = %s, want the claim, seq and actor", d.Envelope.Type, d.Envelope.Data)
		}
		seqs[data.Seq] = append(seqs[data.Seq], d.Envelope.Type)
		if d.Envelope.Type == "claim.confirmed" && (data.Claim.State != "confirmed" || data.FromState != "disputed" || data.ToState != "confirmed" || data.Action != "confirm") {
			t.Errorf("claim.confirmed data = %s", d.Envelope.Data)
		}
		if d.Envelope.Type == "claim.comment_added" && data.Comment != "the gauge data says otherwise" {
			t.Errorf("claim.comment_added comment = %q", data.Comment)
		}
	}
	history, err := env.App.Store.History(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range history {
		n := len(seqs[e.Seq])
		wantN := 1
		if e.Action == models.ActionConfirm || e.Action == models.ActionDispute {
			wantN = 2 // the transition and its shorthand type share the seq
		}
		if n != wantN {
			t.Errorf("history seq %d (%s %s): %d events %v, want %d", e.Seq, e.Kind, e.Action, n, seqs[e.Seq], wantN)
		}
	}
	if len(seqs) != len(history) {
		t.Errorf("claim events carry %d distinct seqs, history has %d entries", len(seqs), len(history))
	}
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%s delivered %d times, want %d", typ, got[typ], n)
		}
	}
	if n := gone.count(); n != 1 {
		t.Errorf("the 410 endpoint got %d deliveries, want its ping only", n)
	}
}

// TestEvidenceCorrectionEvents: correcting and withdrawing evidence reach a
// real receiver as claim.evidence_edited and claim.evidence_retracted, with
// the item after the change, the old and new values, the reason, and, when
// the correction sent a proposed verdict back to research, the states and
// what was cleared.
func TestEvidenceCorrectionEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec := newReceiver(t, nil)
	h := b.createHook(t, rec.URL, "claim.evidence_edited", "claim.evidence_retracted")
	ctx := context.Background()
	env, eng := b.env, b.env.App.Engine
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "The ferry carried a million passengers.")
	full, err := env.App.Store.ClaimWithEvidence(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	ev := full.Evidence[0]
	edited, _, err := eng.UpdateEvidence(ctx, checker.User, c.ID, ev.ID, workflow.EvidencePatch{Version: ev.Version,
		Stance: models.Some(models.StanceRefutes), Note: models.Some("the count was tickets, not people")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := eng.RetractEvidence(ctx, checker.User, c.ID, ev.ID, edited.Version, "the operator withdrew the figure"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both events at the receiver", func() bool { return rec.count() >= 2 })

	type data struct {
		Claim struct {
			State string `json:"state"`
		} `json:"claim"`
		Seq       int                    `json:"seq"`
		Actor     *struct{ Name string } `json:"actor"`
		FromState string                 `json:"from_state"`
		ToState   string                 `json:"to_state"`
		Comment   string                 `json:"comment"`
		Details   struct {
			EvidenceID int64          `json:"evidence_id"`
			URL        string         `json:"url"`
			Changed    map[string]any `json:"changed"`
			Previous   map[string]any `json:"previous"`
			Reopened   map[string]any `json:"reopened"`
		} `json:"details"`
		Evidence *struct {
			ID          int64   `json:"id"`
			Stance      string  `json:"stance"`
			RetractedAt *string `json:"retracted_at"`
		} `json:"evidence"`
	}
	got := map[string]data{}
	for _, d := range rec.deliveries() {
		mustVerify(t, d, h.Secret)
		var x data
		if err := json.Unmarshal(d.Envelope.Data, &x); err != nil {
			t.Fatalf("%s data: %v", d.Envelope.Type, err)
		}
		got[d.Envelope.Type] = x
	}
	e, ok := got["claim.evidence_edited"]
	switch {
	case !ok:
		t.Fatal("no claim.evidence_edited delivered")
	case e.Evidence == nil || e.Evidence.ID != ev.ID || e.Evidence.Stance != "refutes" || e.Details.EvidenceID != ev.ID:
		t.Errorf("claim.evidence_edited evidence = %+v, details %+v; want the corrected item", e.Evidence, e.Details)
	case e.Details.Changed["stance"] != "refutes" || e.Details.Previous["stance"] != "supports" ||
		e.Details.Changed["note"] != "the count was tickets, not people":
		t.Errorf("claim.evidence_edited changed %v previous %v", e.Details.Changed, e.Details.Previous)
	case e.FromState != "verified" || e.ToState != "verifying" || e.Claim.State != "verifying" || e.Details.Reopened["verdict"] != "true":
		t.Errorf("claim.evidence_edited states %s → %s (claim %s), reopened %v; want verified → verifying with the cleared verdict",
			e.FromState, e.ToState, e.Claim.State, e.Details.Reopened)
	case e.Actor == nil || e.Actor.Name != checker.Name:
		t.Errorf("claim.evidence_edited actor = %+v", e.Actor)
	}
	r, ok := got["claim.evidence_retracted"]
	switch {
	case !ok:
		t.Fatal("no claim.evidence_retracted delivered")
	case r.Comment != "the operator withdrew the figure" || r.Evidence == nil || r.Evidence.RetractedAt == nil || r.Details.URL != ev.URL:
		t.Errorf("claim.evidence_retracted = %+v, evidence %+v; want the reason and the retracted item", r, r.Evidence)
	case r.Seq != e.Seq+1 || r.FromState != "" || r.ToState != "":
		t.Errorf("claim.evidence_retracted seq %d (edit %d), states %q → %q; want the next seq and no state change", r.Seq, e.Seq, r.FromState, r.ToState)
	}
}
