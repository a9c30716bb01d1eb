package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestCreateAndGetClaim(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	viewer := env.User(t, models.RoleViewer)

	res := env.Do(t, "POST", "/api/v1/claims", checker.Token, map[string]any{
		"text": "A minister from Poland attended the meeting.", "claimant": "a source", "priority": "high",
		"tags": []string{"NATO", "nato "}, "due_at": "2026-12-01T17:00:00Z", "source_url": "https://news.example.org/a",
	})
	wantStatus(t, res, http.StatusCreated, "POST /claims")
	var c models.Claim
	res.Decode(t, &c)
	if c.State != models.StateNew || c.Version != 1 || c.Priority != models.PriorityHigh || !slices.Equal([]string(c.Tags), []string{"nato"}) || c.CreatedBy != checker.ID || c.DueAt == nil {
		t.Errorf("created claim = %+v", c)
	}
	raw := res.JSON(t)
	for _, k := range []string{"id", "text", "claimant", "source_url", "state", "verdict", "summary", "priority", "due_at", "language", "tags", "version", "assignees", "created_by", "created_at", "updated_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("claim JSON lacks %q", k)
		}
	}
	got := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID), viewer.Token, nil)
	wantStatus(t, got, 200, "GET /claims/{id}")
	body := got.JSON(t)
	if body["evidence"] == nil || body["assignees"] == nil || body["verdict"] != nil {
		t.Errorf("GET claim = %s, want evidence and assignees lists and a null verdict", got.Body)
	}

	invalid := []struct {
		name   string
		body   any
		status int
		fields []string
	}{
		{"empty text", map[string]any{"text": "  "}, 422, []string{"text"}},
		{"invalid priority", map[string]any{"text": "x", "priority": "asap"}, 422, []string{"priority"}},
		{"bad source url", map[string]any{"text": "x", "source_url": "javascript:alert(1)"}, 422, []string{"source_url"}},
		{"bad date", map[string]any{"text": "x", "due_at": "tomorrow"}, 422, []string{"due_at"}},
		{"wrong type", map[string]any{"text": 5}, 422, []string{"text"}},
		{"unknown field", map[string]any{"text": "x", "colour": "red"}, 400, []string{"colour"}},
		{"malformed", `{"text": "x",}`, 400, nil},
		{"too large", `{"text":"` + strings.Repeat("a", 1<<20) + `"}`, 413, nil},
	}
	for _, tc := range invalid {
		res := env.Do(t, "POST", "/api/v1/claims", checker.Token, tc.body)
		wantStatus(t, res, tc.status, tc.name)
		if got := problemFields(t, res); !slices.Equal(got, tc.fields) {
			t.Errorf("%s: fields = %v, want %v", tc.name, got, tc.fields)
		}
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/claims", viewer.Token, map[string]any{"text": "x"}), 403, "viewer creates")
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/999999", viewer.Token, nil), 404, "unknown claim")
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/abc", viewer.Token, nil), 404, "non-numeric claim id")
}

func TestPatchClaim(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	other := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	c := env.Claim(t, checker, "Turnout was 71 percent.")
	path := "/api/v1/claims/" + itoa(c.ID)

	res := env.Do(t, "PATCH", path, checker.Token, map[string]any{"version": 1, "text": "Turnout was 67 percent.", "due_at": nil, "tags": []string{"Election"}})
	wantStatus(t, res, 200, "PATCH")
	var got models.Claim
	res.Decode(t, &got)
	if got.Version != 2 || got.Text != "Turnout was 67 percent." || got.Tags[0] != "election" {
		t.Errorf("patched claim = %+v", got)
	}
	wantStatus(t, env.Do(t, "PATCH", path, checker.Token, map[string]any{"version": 1, "claimant": "x"}), 409, "PATCH stale version")
	wantStatus(t, env.Do(t, "PATCH", path, checker.Token, map[string]any{"claimant": "x"}), 422, "PATCH without version")
	wantStatus(t, env.Do(t, "PATCH", path, checker.Token, map[string]any{"version": 2, "priority": "someday"}), 422, "PATCH invalid priority")
	wantStatus(t, env.Do(t, "PATCH", path, checker.Token, map[string]any{"version": 2, "state": "confirmed"}), 400, "PATCH the state directly")
	wantStatus(t, env.Do(t, "PATCH", path, other.Token, map[string]any{"version": 2, "claimant": "x"}), 403, "PATCH by an unrelated checker")
	wantStatus(t, env.Do(t, "PATCH", path, editor.Token, map[string]any{"version": 2, "priority": "urgent"}), 200, "PATCH by an editor")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/claims/999999", editor.Token, map[string]any{"version": 1, "priority": "urgent"}), 404, "PATCH unknown claim")

	h := env.Do(t, "GET", path+"/history", checker.Token, nil)
	var hist struct {
		Items []models.HistoryEntry `json:"items"`
	}
	h.Decode(t, &hist)
	if len(hist.Items) != 3 || hist.Items[1].Kind != models.HistoryUpdated || hist.Items[2].Seq != 3 {
		t.Errorf("history after two edits = %s", h.Body)
	}
}

func TestListClaims(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	confirmed := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Unemployment fell to 3.5 percent in March.")
	verifying := env.ClaimIn(t, models.StateVerifying, checker, editor, "The bridge cost 40 million euros.")
	for i := range 5 {
		env.Claim(t, editor, "Filler claim number "+itoa(int64(i)))
	}

	ids := func(query string) []int64 {
		t.Helper()
		res := env.Do(t, "GET", "/api/v1/claims"+query, checker.Token, nil)
		wantStatus(t, res, 200, "GET /claims"+query)
		var page struct {
			Items []models.Claim `json:"items"`
		}
		res.Decode(t, &page)
		var out []int64
		for _, c := range page.Items {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids("?state=confirmed"); !slices.Equal(got, []int64{confirmed.ID}) {
		t.Errorf("state=confirmed = %v", got)
	}
	if got := ids("?assignee=me"); !slices.Equal(got, []int64{verifying.ID, confirmed.ID}) {
		t.Errorf("assignee=me = %v", got)
	}
	if got := ids("?assignee=" + itoa(editor.ID)); len(got) != 0 {
		t.Errorf("assignee=editor = %v", got)
	}
	if got := ids("?verdict=true"); !slices.Equal(got, []int64{confirmed.ID}) {
		t.Errorf("verdict=true = %v", got)
	}
	if got := ids("?q=unemployment"); !slices.Equal(got, []int64{confirmed.ID}) {
		t.Errorf("q=unemployment = %v", got)
	}
	if got := ids("?q=bridges+euros"); !slices.Equal(got, []int64{verifying.ID}) { // stemming: bridges ~ bridge
		t.Errorf("q=bridges euros = %v", got)
	}
	if got := ids("?priority=urgent"); len(got) != 0 {
		t.Errorf("priority=urgent = %v", got)
	}

	// Cursor pagination walks every claim once, newest first.
	var seen []int64
	cursor := ""
	for pages := 0; ; pages++ {
		res := env.Do(t, "GET", "/api/v1/claims?limit=3"+cursor, checker.Token, nil)
		var page struct {
			Items      []models.Claim `json:"items"`
			NextCursor *string        `json:"next_cursor"`
		}
		res.Decode(t, &page)
		for _, c := range page.Items {
			seen = append(seen, c.ID)
		}
		if page.NextCursor == nil {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		cursor = "&cursor=" + *page.NextCursor
	}
	if len(seen) != 7 || !slices.IsSortedFunc(seen, func(a, b int64) int { return int(b - a) }) {
		t.Errorf("paginated ids = %v, want 7 in descending order", seen)
	}

	for _, q := range []string{"?state=done", "?verdict=maybe", "?priority=asap", "?limit=0", "?limit=1000", "?assignee=someone", "?cursor=garbage"} {
		wantStatus(t, env.Do(t, "GET", "/api/v1/claims"+q, checker.Token, nil), 422, "GET /claims"+q)
	}
}

// TestClaimOptionsCapabilities checks the options endpoint reports what
// the workflow's Can grants the caller on the claim.
func TestClaimOptionsCapabilities(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	viewer := env.User(t, models.RoleViewer)
	editor := env.User(t, models.RoleEditor)
	c := env.Claim(t, checker, "The bridge cost 40 million euros.")
	caps := func(u apptest.User) []string {
		t.Helper()
		res := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/options", u.Token, nil)
		wantStatus(t, res, http.StatusOK, "GET options")
		var got struct {
			Capabilities []string `json:"capabilities"`
		}
		res.Decode(t, &got)
		return got.Capabilities
	}
	if got := caps(viewer); got == nil || len(got) != 0 {
		t.Errorf("viewer capabilities = %v, want an empty list", got)
	}
	if got, want := caps(checker), []string{"edit_claim", "take_claim", "check_source", "comment", "file_claims", "import", "take_next"}; !slices.Equal(got, want) {
		t.Errorf("creating checker capabilities = %v, want %v", got, want)
	}
	if got := caps(editor); !slices.Contains(got, "assign") || !slices.Contains(got, "add_evidence") || slices.Contains(got, "manage_users") {
		t.Errorf("editor capabilities = %v, want assign and add_evidence, not manage_users", got)
	}
}
