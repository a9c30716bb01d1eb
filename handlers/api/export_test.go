package api_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/handlers/export"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestExportClaims(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	checker := env.User(t, models.RoleChecker)
	viewer := env.User(t, models.RoleViewer)
	confirmed := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The port handled 9 million containers.")
	plain := env.Claim(t, checker, "=HYPERLINK(\"http://evil.example\") turnout doubled")
	other := env.Claim(t, checker, "Bus fares rose twice in 2025.")

	res := env.Do(t, "GET", "/api/v1/claims/export?format=csv", viewer.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET /claims/export csv")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export headers = %v", res.Header)
	}
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, res.Body)
	}
	if !slices.Equal(rows[0], export.Columns) || len(rows) != 4 {
		t.Fatalf("export = %v, want the header and 3 rows", rows)
	}
	col := func(row []string, name string) string { return row[slices.Index(export.Columns, name)] }
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[col(r, "id")] = r
	}
	c := byID[itoa(confirmed.ID)]
	if col(c, "state") != "confirmed" || col(c, "verdict") == "" || col(c, "confirmed_at") == "" || col(c, "verifying_at") == "" ||
		col(c, "time_to_verdict_hours") == "" || col(c, "sources") != "1" || !strings.Contains(col(c, "public_url"), "/factchecks/") ||
		!strings.Contains(col(c, "assignees"), checker.Name) {
		t.Errorf("confirmed claim row = %v", c)
	}
	if p := byID[itoa(plain.ID)]; !strings.HasPrefix(col(p, "text"), "'=") || col(p, "public_url") != "" || col(p, "time_to_verdict_hours") != "" {
		t.Errorf("plain claim row = %v, want the formula defused and no public URL", p)
	}

	// The list filters apply, and so does a selection of ids.
	res = env.Do(t, "GET", "/api/v1/claims/export?format=jsonl&assignee=none", viewer.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET /claims/export jsonl")
	var ids []int64
	sc := bufio.NewScanner(bytes.NewReader(res.Body))
	for sc.Scan() {
		var r struct {
			ID        int64    `json:"id"`
			Assignees []string `json:"assignees"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []int64{plain.ID, other.ID}) {
		t.Errorf("unassigned export ids = %v, want %v", ids, []int64{plain.ID, other.ID})
	}
	res = env.Do(t, "GET", "/api/v1/claims/export?format=csv&ids="+itoa(other.ID)+","+itoa(confirmed.ID), viewer.Token, nil)
	if rows, _ := csv.NewReader(bytes.NewReader(res.Body)).ReadAll(); len(rows) != 3 || rows[1][0] != itoa(confirmed.ID) || rows[2][0] != itoa(other.ID) {
		t.Errorf("selection export = %v", rows)
	}

	for _, q := range []string{"format=xml", "state=lost", "assignee=nobody", "ids=1,x"} {
		res := env.Do(t, "GET", "/api/v1/claims/export?"+q, viewer.Token, nil)
		wantStatus(t, res, http.StatusUnprocessableEntity, "export "+q)
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/export", "", nil), http.StatusUnauthorized, "export without a token")

	// The listing takes assignee=none too.
	res = env.Do(t, "GET", "/api/v1/claims?assignee=none", viewer.Token, nil)
	var list struct {
		Items []models.Claim `json:"items"`
	}
	res.Decode(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != other.ID {
		t.Errorf("GET /claims?assignee=none = %s", res.Body)
	}
}
