package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

type bulkAnswer struct {
	Results []struct {
		ID        int64         `json:"id"`
		OK        bool          `json:"ok"`
		Unchanged bool          `json:"unchanged"`
		Claim     *models.Claim `json:"claim"`
		Error     *struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		} `json:"error"`
	} `json:"results"`
}

func TestBulkActions(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	checker := env.User(t, models.RoleChecker)
	a := env.Claim(t, checker, "The bridge cost 40 million.")
	b := env.Claim(t, checker, "Unemployment fell by half.")
	closed := env.ClaimIn(t, models.StateRejected, checker, editor, "Rain was never recorded in May.")

	bulk := func(body map[string]any) bulkAnswer {
		t.Helper()
		res := env.Do(t, "POST", "/api/v1/claims/bulk", editor.Token, body)
		wantStatus(t, res, http.StatusOK, "POST /claims/bulk "+body["action"].(string))
		var ans bulkAnswer
		res.Decode(t, &ans)
		return ans
	}

	// One refusal (a rejected claim cannot be assigned) does not stop the
	// others, and each result says what happened to its claim.
	ans := bulk(map[string]any{"ids": []int64{a.ID, closed.ID, b.ID, a.ID}, "action": "assign", "user_id": checker.ID})
	if len(ans.Results) != 3 {
		t.Fatalf("assign results = %+v, want 3 (duplicates dropped)", ans.Results)
	}
	if r := ans.Results[0]; r.ID != a.ID || !r.OK || r.Claim == nil || len(r.Claim.Assignees) != 1 {
		t.Errorf("assign a = %+v", r)
	}
	if r := ans.Results[1]; r.ID != closed.ID || r.OK || r.Error == nil || r.Error.Status != http.StatusConflict {
		t.Errorf("assign rejected claim = %+v, want a 409 refusal", r)
	}
	if r := ans.Results[2]; r.ID != b.ID || !r.OK {
		t.Errorf("assign b = %+v", r)
	}

	ans = bulk(map[string]any{"ids": []int64{a.ID, b.ID}, "action": "tag", "tag": "Budget"})
	for _, r := range ans.Results {
		if !r.OK || !slices.Contains([]string(r.Claim.Tags), "budget") {
			t.Errorf("tag result = %+v", r)
		}
	}
	ans = bulk(map[string]any{"ids": []int64{a.ID}, "action": "tag", "tag": "budget"})
	if r := ans.Results[0]; !r.OK || !r.Unchanged {
		t.Errorf("tagging a tagged claim = %+v, want ok and unchanged", r)
	}

	// A version the caller saw that is no longer current is refused.
	ans = bulk(map[string]any{"ids": []int64{a.ID, b.ID}, "action": "priority", "priority": "urgent",
		"versions": map[string]int{itoa(a.ID): 1}})
	if r := ans.Results[0]; r.OK || r.Error == nil || r.Error.Status != http.StatusConflict {
		t.Errorf("priority on a stale version = %+v, want a 409 refusal", r)
	}
	if r := ans.Results[1]; !r.OK || r.Claim.Priority != models.PriorityUrgent {
		t.Errorf("priority b = %+v", r)
	}

	ans = bulk(map[string]any{"ids": []int64{a.ID, b.ID}, "action": "due", "due_at": "2026-12-24T12:00:00Z"})
	for _, r := range ans.Results {
		if !r.OK || r.Claim.DueAt == nil {
			t.Errorf("due result = %+v", r)
		}
	}
	ans = bulk(map[string]any{"ids": []int64{a.ID, b.ID}, "action": "unassign", "user_id": checker.ID})
	for _, r := range ans.Results {
		if !r.OK || len(r.Claim.Assignees) != 0 {
			t.Errorf("unassign result = %+v", r)
		}
	}
	ans = bulk(map[string]any{"ids": []int64{a.ID, b.ID}, "action": "reject", "comment": "out of scope"})
	for _, r := range ans.Results {
		if !r.OK || r.Claim.State != models.StateRejected {
			t.Errorf("reject result = %+v", r)
		}
	}
	ans = bulk(map[string]any{"ids": []int64{a.ID, closed.ID}, "action": "restore"})
	for _, r := range ans.Results {
		if !r.OK || r.Claim.State != models.StateNew {
			t.Errorf("restore result = %+v", r)
		}
	}
	ans = bulk(map[string]any{"ids": []int64{a.ID, 999999}, "action": "untag", "tag": "budget"})
	if r := ans.Results[0]; !r.OK || slices.Contains([]string(r.Claim.Tags), "budget") {
		t.Errorf("untag a = %+v", r)
	}
	if r := ans.Results[1]; r.OK || r.Error == nil || r.Error.Status != http.StatusNotFound {
		t.Errorf("untag a missing claim = %+v, want a 404 refusal", r)
	}

	// Each claim got its own history entry for each change.
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(a.ID)+"/history", editor.Token, nil)
	var h struct {
		Items []models.HistoryEntry `json:"items"`
	}
	res.Decode(t, &h)
	var kinds []models.HistoryKind
	for _, e := range h.Items {
		kinds = append(kinds, e.Kind)
	}
	want := []models.HistoryKind{models.HistoryCreated, models.HistoryAssigned, models.HistoryUpdated, models.HistoryUpdated,
		models.HistoryUnassigned, models.HistoryTransitioned, models.HistoryTransitioned, models.HistoryUpdated}
	if !slices.Equal(kinds, want) {
		t.Errorf("history of a = %v, want %v", kinds, want)
	}
}

func TestBulkRefusesTheRequest(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	viewer := env.User(t, models.RoleViewer)
	many := make([]int64, 501)
	for i := range many {
		many[i] = int64(i + 1)
	}
	cases := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		fields []string
	}{
		{"unknown action", editor.Token, map[string]any{"ids": []int64{1}, "action": "delete"}, 422, []string{"action"}},
		{"no ids", editor.Token, map[string]any{"ids": []int64{}, "action": "restore"}, 422, []string{"ids"}},
		{"too many ids", editor.Token, map[string]any{"ids": many, "action": "restore"}, 422, []string{"ids"}},
		{"tag without tag", editor.Token, map[string]any{"ids": []int64{1}, "action": "tag"}, 422, []string{"tag"}},
		{"reject without comment", editor.Token, map[string]any{"ids": []int64{1}, "action": "reject"}, 422, []string{"comment"}},
		{"due without date", editor.Token, map[string]any{"ids": []int64{1}, "action": "due"}, 422, []string{"due_at"}},
		{"assign without user", editor.Token, map[string]any{"ids": []int64{1}, "action": "assign"}, 422, []string{"user_id"}},
		{"viewer", viewer.Token, map[string]any{"ids": []int64{1}, "action": "tag", "tag": "x"}, 403, nil},
	}
	for _, tc := range cases {
		res := env.Do(t, "POST", "/api/v1/claims/bulk", tc.token, tc.body)
		wantStatus(t, res, tc.status, tc.name)
		if got := problemFields(t, res); !slices.Equal(got, tc.fields) {
			t.Errorf("%s: fields = %v, want %v", tc.name, got, tc.fields)
		}
	}
}
