package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

func claimJSON(t *testing.T, env *apptest.Env, token string, id int64) map[string]any {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(id), token, nil)
	wantStatus(t, res, http.StatusOK, "GET claim")
	return res.JSON(t)
}

func historyItems(t *testing.T, env *apptest.Env, token string, id int64) []models.HistoryEntry {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(id)+"/history", token, nil)
	wantStatus(t, res, http.StatusOK, "GET history")
	var h struct{ Items []models.HistoryEntry }
	res.Decode(t, &h)
	return h.Items
}

// Hole 1: an editor rewrote a verified claim and then confirmed it alone.
func TestEditAfterVerdictReopensProposal(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker, editor, editor2 := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "The meeting took place at a hotel in central New Delhi.")

	newText := "The meeting took place at the Indian defence ministry."
	res := env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID), editor.Token, map[string]any{"version": c.Version, "text": newText})
	wantStatus(t, res, http.StatusOK, "PATCH text of a verified claim")
	got := res.JSON(t)
	if got["state"] != "verifying" || got["verdict"] != nil || got["summary"] != "" {
		t.Fatalf("after editing the text: state %v verdict %v summary %q, want verifying with the proposal cleared", got["state"], got["verdict"], got["summary"])
	}
	hs := historyItems(t, env, editor.Token, c.ID)
	last := hs[len(hs)-1]
	var d struct {
		Changed  map[string]any `json:"changed"`
		Previous map[string]any `json:"previous"`
		Reopened map[string]any `json:"reopened"`
	}
	json.Unmarshal(last.Details, &d)
	if last.Kind != models.HistoryUpdated || d.Changed["text"] != newText || d.Previous["text"] != c.Text ||
		d.Reopened["verdict"] != "true" || last.FromState != models.StateVerified || last.ToState != models.StateVerifying {
		t.Errorf("edit entry = %+v, details %s: want old and new text and the cleared verdict", last, last.Details)
	}
	// The old verdict cannot be confirmed for the new words.
	v := int(got["version"].(float64))
	wantStatus(t, transition(t, env, editor2.Token, c.ID, map[string]any{"action": "confirm", "version": v}), http.StatusConflict, "confirm after the edit")

	// A fresh verify by the checker; the editor who made the change may not
	// confirm it, another may.
	wantStatus(t, transition(t, env, checker.Token, c.ID, map[string]any{"action": "verify", "version": v, "verdict": "true", "summary": "The ministry confirmed it."}), http.StatusOK, "fresh verify")
	v++
	// The editor edits a metadata field the proposal rests on (source URL).
	res = env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID), editor.Token, map[string]any{"version": v, "source_url": "https://tv.example/clip"})
	wantStatus(t, res, http.StatusOK, "PATCH source after verify")
	if res.JSON(t)["state"] != "verified" {
		t.Errorf("a source URL edit should not reopen the proposal")
	}
	v++
	res = transition(t, env, editor.Token, c.ID, map[string]any{"action": "confirm", "version": v})
	wantStatus(t, res, http.StatusForbidden, "confirm by the editor who changed the claim since the verify")
	if !strings.Contains(string(res.Body), "four eyes") {
		t.Errorf("refusal does not say four eyes: %s", res.Body)
	}
	opts := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/options", editor.Token, nil)
	if !strings.Contains(string(opts.Body), "you changed this claim") {
		t.Errorf("options do not show the four-eyes reason to the editor who changed it: %s", opts.Body)
	}
	// Triage (priority) is not a change to what is judged.
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID), editor2.Token, map[string]any{"version": v, "priority": "urgent"}), http.StatusOK, "PATCH priority")
	v++
	wantStatus(t, transition(t, env, editor2.Token, c.ID, map[string]any{"action": "confirm", "version": v}), http.StatusOK, "confirm by a fresh editor")

	// Once published, the wording changes only through a reopen.
	res = env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID), editor.Token, map[string]any{"version": v + 1, "claimant": "Someone else"})
	wantStatus(t, res, http.StatusConflict, "PATCH claimant of a confirmed claim")
}

// Hole 2: evidence could not be corrected or withdrawn.
func TestEvidenceEditAndRetract(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker, editor, editor2, viewer := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleEditor), env.User(t, models.RoleViewer)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "Exports rose 4% in 2025.")
	ev := claimJSON(t, env, checker.Token, c.ID)["evidence"].([]any)[0].(map[string]any)
	eid := int64(ev["id"].(float64))
	path := "/api/v1/claims/" + itoa(c.ID) + "/evidence/" + itoa(eid)

	wantStatus(t, env.Do(t, "PATCH", path, checker.Token, map[string]any{"excerpt": "rose 4%"}), 422, "PATCH without a version")
	wantStatus(t, env.Do(t, "PATCH", path, checker.Token, map[string]any{"version": 7, "excerpt": "rose 4%"}), 409, "PATCH with a stale version")
	wantStatus(t, env.Do(t, "PATCH", path, viewer.Token, map[string]any{"version": 1, "excerpt": "x"}), 403, "viewer edits evidence")
	wantStatus(t, env.Do(t, "PATCH", path, checker.Token, map[string]any{"version": 1, "stance": "agrees"}), 422, "unknown stance")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID)+"/evidence/999999", checker.Token, map[string]any{"version": 1, "note": "x"}), 404, "PATCH unknown evidence")

	req := httptest.NewRequest("PATCH", env.URL+path, strings.NewReader(`{"excerpt":"rose 4%","note":"From the trade ministry."}`))
	req.RequestURI = ""
	req.Header.Set("Authorization", "Bearer "+checker.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", `"1"`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var edited struct {
		Evidence models.Evidence `json:"evidence"`
		Claim    models.Claim    `json:"claim"`
	}
	json.NewDecoder(resp.Body).Decode(&edited)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"2"` {
		t.Fatalf("PATCH with If-Match = %d, ETag %q", resp.StatusCode, resp.Header.Get("ETag"))
	}
	if edited.Evidence.Excerpt != "rose 4%" || edited.Evidence.Status != "pending" || edited.Evidence.Version != 2 {
		t.Errorf("edited evidence = %+v: want the new excerpt, pending a check, version 2", edited.Evidence)
	}
	if edited.Claim.State != models.StateVerifying || edited.Claim.Verdict != "" {
		t.Errorf("claim after an evidence edit = %s %q, want verifying with the verdict cleared", edited.Claim.State, edited.Claim.Verdict)
	}
	hs := historyItems(t, env, checker.Token, c.ID)
	last := hs[len(hs)-1]
	var ed struct{ Changed, Previous map[string]any }
	json.Unmarshal(last.Details, &ed)
	if last.Kind != models.HistoryEvidenceEdited || ed.Previous["excerpt"] != "" || ed.Changed["excerpt"] != "rose 4%" ||
		ed.Changed["note"] != "From the trade ministry." || last.FromState != models.StateVerified || last.ToState != models.StateVerifying {
		t.Errorf("edit entry = %s %s", last.Kind, last.Details)
	}

	// Retracting needs a reason; the item then stops counting.
	rpath := path + "/retract"
	wantStatus(t, env.Do(t, "POST", rpath, checker.Token, map[string]any{"reason": "  "}), 422, "retract without a reason")
	res := env.Do(t, "POST", rpath, checker.Token, map[string]any{"reason": "The ministry withdrew the release."})
	wantStatus(t, res, http.StatusOK, "retract")
	wantStatus(t, env.Do(t, "POST", rpath, checker.Token, map[string]any{"reason": "again"}), 409, "retract twice")
	wantStatus(t, env.Do(t, "PATCH", path, checker.Token, map[string]any{"version": 3, "note": "x"}), 409, "edit retracted evidence")
	evs := claimJSON(t, env, checker.Token, c.ID)["evidence"].([]any)
	if len(evs) != 1 || evs[0].(map[string]any)["retracted_at"] == nil || evs[0].(map[string]any)["retraction_reason"] != "The ministry withdrew the release." {
		t.Fatalf("retracted evidence should stay on record with its reason: %v", evs)
	}
	hs = historyItems(t, env, checker.Token, c.ID)
	if last := hs[len(hs)-1]; last.Kind != models.HistoryEvidenceRetracted || last.Comment != "The ministry withdrew the release." {
		t.Errorf("retract entry = %+v", last)
	}
	v := int(claimJSON(t, env, checker.Token, c.ID)["version"].(float64))
	res = transition(t, env, checker.Token, c.ID, map[string]any{"action": "verify", "version": v, "verdict": "true", "summary": "s"})
	wantStatus(t, res, 422, "verify resting only on retracted evidence")
	if got := problemFields(t, res); !slices.Contains(got, "evidence") {
		t.Errorf("verify names %v, want evidence", got)
	}

	// Evidence added after a verify counts against its adder confirming.
	_, err = env.App.Engine.AddEvidence(t.Context(), checker.User, c.ID, workflow.NewEvidence{URL: "https://stats.example/exports", Stance: models.StanceSupports})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, transition(t, env, checker.Token, c.ID, map[string]any{"action": "verify", "version": v, "verdict": "true", "summary": "s"}), 200, "verify again")
	if _, err := env.App.Engine.AddEvidence(t.Context(), editor.User, c.ID, workflow.NewEvidence{URL: "https://other.example/exports", Stance: models.StanceSupports}); err != nil {
		t.Fatal(err)
	}
	v = int(claimJSON(t, env, checker.Token, c.ID)["version"].(float64))
	wantStatus(t, transition(t, env, editor.Token, c.ID, map[string]any{"action": "confirm", "version": v}), 403, "confirm by the editor who added evidence after the verify")
	wantStatus(t, transition(t, env, editor2.Token, c.ID, map[string]any{"action": "confirm", "version": v}), 200, "confirm by another editor")
	// Confirmed: evidence is published and changes only after a reopen.
	ev2 := claimJSON(t, env, checker.Token, c.ID)["evidence"].([]any)[1].(map[string]any)
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID)+"/evidence/"+itoa(int64(ev2["id"].(float64))), editor.Token,
		map[string]any{"version": 1, "note": "x"}), 409, "edit evidence of a confirmed claim")
}

// Hole 4: a confirm went through on an unreachable source and a missing
// quote with no warning.
func TestPrePublishChecksOnConfirm(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	env.SetPrePublish(t, workflow.DefaultPolicy())
	checker, editor, admin := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleAdmin)
	// The cited page is down, as a real check of it finds.
	site := apptest.NewSourcePage(t, "")
	site.Set(http.StatusServiceUnavailable, "down")
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "The river flooded twice in 2024.")
	ev := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/floods", "stance": "supports"})
	if got := env.WaitChecked(t, checker.Token, c.ID, ev.ID); got.Status != "unreachable" {
		t.Fatalf("source status = %s, want unreachable", got.Status)
	}
	env.Transition(t, checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "Two floods are on record."})
	c.Version = int(claimJSON(t, env, checker.Token, c.ID)["version"].(float64))

	opts := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/options", editor.Token, nil)
	var o struct{ Items []workflow.Option }
	opts.Decode(t, &o)
	var confirm *workflow.Option
	for i := range o.Items {
		if o.Items[i].Action == models.ActionConfirm {
			confirm = &o.Items[i]
		}
	}
	if confirm == nil || len(confirm.Checks) != len(workflow.CheckNames) {
		t.Fatalf("options carry no pre-publish checks: %s", opts.Body)
	}
	blocked := map[workflow.CheckName]bool{}
	for _, r := range confirm.Checks {
		if r.Blocking() {
			blocked[r.Check] = true
		}
	}
	if !blocked[workflow.CheckSourcesReachable] || len(blocked) != 1 {
		t.Errorf("blocking checks = %v, want only sources_reachable", blocked)
	}

	editor2 := env.User(t, models.RoleEditor)
	res := transition(t, env, editor2.Token, c.ID, map[string]any{"action": "confirm", "version": c.Version})
	wantStatus(t, res, 422, "confirm past a blocking check")
	if got := problemFields(t, res); !slices.Contains(got, "prepublish.sources_reachable") || !slices.Contains(got, "override_reason") {
		t.Errorf("refusal names %v", got)
	}

	// A desk that only warns lets it through; the admin sets that.
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/settings", editor.Token, map[string]any{"prepublish": map[string]string{"sources_reachable": "warn"}}), 403, "editor changes settings")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"prepublish": map[string]string{"sources_reachable": "maybe"}}), 422, "bad severity")

	// An override needs a reason, which the history keeps.
	reason := "The ministry site is down for maintenance; the PDF is in our archive."
	res = transition(t, env, editor2.Token, c.ID, map[string]any{"action": "confirm", "version": c.Version, "override_reason": reason})
	wantStatus(t, res, 200, "confirm with an override reason")
	hs := historyItems(t, env, editor.Token, c.ID)
	last := hs[len(hs)-1]
	if last.Action != models.ActionConfirm || !strings.Contains(string(last.Details), reason) || !strings.Contains(string(last.Details), `"checks":["sources_reachable"]`) {
		t.Errorf("confirm entry does not keep the override: %s", last.Details)
	}
}

// Hole 6: the same article imported twice filed its sentences twice.
func TestReimportArticle(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	text := "The mayor said the budget grew by 12% this year. Critics disagreed. Officials said 3,000 homes were built in 2025."
	first := env.Do(t, "POST", "/api/v1/articles", checker.Token, map[string]any{"text": text, "url": "https://news.example/story?utm_source=x"})
	wantStatus(t, first, http.StatusCreated, "first import")
	id := int64(first.JSON(t)["id"].(float64))
	wantStatus(t, env.Do(t, "POST", "/api/v1/articles/"+itoa(id)+"/claims", checker.Token, map[string]any{"candidates": []int{0}}), http.StatusCreated, "file candidate 0")

	for name, body := range map[string]map[string]any{
		"same URL":  {"text": text + " Updated.", "url": "https://www.news.example/story/"},
		"same text": {"text": strings.ToUpper(text[:1]) + strings.ReplaceAll(text[1:], " ", "  \n")},
	} {
		res := env.Do(t, "POST", "/api/v1/articles", checker.Token, body)
		wantStatus(t, res, http.StatusOK, "re-import by "+name)
		var got struct {
			ID       int64 `json:"id"`
			Existing bool  `json:"existing"`
			Filed    []workflow.FiledSentence
		}
		res.Decode(t, &got)
		if got.ID != id || !got.Existing || len(got.Filed) != 1 || got.Filed[0].Candidate != 0 || got.Filed[0].URL == "" {
			t.Errorf("re-import by %s = %+v, want article %d with candidate 0 filed", name, got, id)
		}
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/articles/"+itoa(id)+"/claims", checker.Token, map[string]any{"candidates": []int{0}}), http.StatusConflict, "file candidate 0 again")

	// Concurrent imports of a new article agree on one row.
	other := "The minister said unemployment fell to 4.1% in March. Unions said 20,000 jobs were lost in 2025."
	var wg sync.WaitGroup
	ids := make([]int64, 6)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := env.Do(t, "POST", "/api/v1/articles", checker.Token, map[string]any{"text": other})
			if res.Status == http.StatusOK || res.Status == http.StatusCreated {
				ids[i] = int64(res.JSON(t)["id"].(float64))
			}
		}()
	}
	wg.Wait()
	for _, got := range ids {
		if got == 0 || got != ids[0] {
			t.Fatalf("concurrent imports got articles %v, want one", ids)
		}
	}
}
