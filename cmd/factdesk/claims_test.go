package main

import (
	"context"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// A bulk import files every claim with its history, in batches, and a bad
// line stops it at that line's batch, naming the line.
func TestImportClaims(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	ctx := context.Background()
	var lines []string
	for i := range 7 {
		lines = append(lines, `{"text": "Archive claim `+string(rune('A'+i))+`: turnout was 60 percent.", "claimant": "Mayor", "tags": ["Archive"]}`)
	}
	var out strings.Builder
	n, err := importClaims(ctx, env.App.Engine, checker.User, strings.NewReader(strings.Join(lines, "\n")+"\n\n"), 3, &out)
	if err != nil || n != 7 || !strings.HasPrefix(out.String(), "filed 7 claims in ") {
		t.Fatalf("import = %d, %v, %q", n, err, out.String())
	}
	var claims, entries int
	db := env.App.Store.SQL()
	if err := db.QueryRow(`SELECT count(*), (SELECT count(*) FROM claim_history WHERE kind = 'created') FROM claims WHERE 'archive' = ANY (tags)`).Scan(&claims, &entries); err != nil {
		t.Fatal(err)
	}
	if claims != 7 || entries != 7 {
		t.Errorf("%d claims and %d created entries, want 7 and 7", claims, entries)
	}

	bad := strings.Join([]string{lines[0], lines[1], lines[2], lines[3], `{"text": ""}`, lines[5]}, "\n")
	n, err = importClaims(ctx, env.App.Engine, checker.User, strings.NewReader(bad), 3, &out)
	if n != 3 || err == nil || !strings.Contains(err.Error(), "lines 4–6") {
		t.Errorf("import with an empty text = %d, %v; want 3 filed and lines 4–6 named", n, err)
	}
	n, err = importClaims(ctx, env.App.Engine, checker.User, strings.NewReader(lines[0]+"\n{\"txt\": 1}\n"), 3, &out)
	if n != 0 || err == nil || !strings.Contains(err.Error(), "line 2 is not a claim object") {
		t.Errorf("import with an unknown field = %d, %v", n, err)
	}
}
