package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// claims.search and claims.match_anchors follow the text and claimant
// (migration 0040) and search the summary too (0050), are kept when other
// fields change, and cannot be written out of step with the text.
func TestSearchColumnsFollowTheText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := similarSetup(t, "Turnout in Lisbon was 61 percent.")
	db := st.SQL()
	columns := func() (search, anchors string) {
		t.Helper()
		if err := db.QueryRow(`SELECT search::text, match_anchors FROM claims WHERE id = $1`, ids[0]).Scan(&search, &anchors); err != nil {
			t.Fatal(err)
		}
		return search, anchors
	}
	want := func(what string) (search, anchors string) {
		t.Helper()
		if err := db.QueryRow(`SELECT to_tsvector('english', text || ' ' || claimant || ' ' || summary)::text, claim_anchors(text) FROM claims WHERE id = $1`, ids[0]).Scan(&search, &anchors); err != nil {
			t.Fatal(err)
		}
		if s, a := columns(); s != search || a != anchors {
			t.Errorf("%s: search %q anchors %q, want %q %q", what, s, a, search, anchors)
		}
		return search, anchors
	}
	save := func(change func(c *models.Claim)) {
		t.Helper()
		err := st.WithTx(ctx, func(tx *store.Tx) error {
			c, err := tx.LockClaim(ctx, ids[0])
			if err != nil {
				return err
			}
			change(c)
			return tx.SaveClaim(ctx, c, &models.HistoryEntry{Kind: models.HistoryUpdated, ActorID: &c.CreatedBy, At: c.CreatedAt})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	s0, _ := want("on insert")
	save(func(c *models.Claim) { c.Priority = models.PriorityHigh })
	if s, _ := want("after a priority change"); s != s0 {
		t.Errorf("search changed with the priority: %q → %q", s0, s)
	}
	save(func(c *models.Claim) { c.Text = "Turnout in Porto was 58 percent." })
	if s, _ := want("after a text change"); s == s0 {
		t.Error("search did not follow the new text")
	}
	save(func(c *models.Claim) { c.Claimant = "Mayor Costa" })
	s1, _ := want("after a claimant change")
	save(func(c *models.Claim) { c.Summary = "Official figures put turnout at 58 percent, not 61." })
	if s, _ := want("after a summary change"); s == s1 || !strings.Contains(s, "offici") {
		t.Errorf("search did not take the summary: %q", s)
	}
	if _, err := db.Exec(`UPDATE claims SET search = to_tsvector('english', 'forged'), match_anchors = 'Forged' WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	want("after writing the columns directly")
}

// The refresh trigger has a WHEN condition (migration 0048), so a write
// that names text and claimant without changing them (every SaveClaim)
// does not call its function at all.
func TestSearchTriggerRunsOnlyOnChange(t *testing.T) {
	t.Parallel()
	st, _ := similarSetup(t, "Turnout in Lisbon was 61 percent.")
	var hasWhen bool
	if err := st.SQL().QueryRow(`SELECT tgqual IS NOT NULL FROM pg_trigger WHERE tgname = 'claims_refresh_search_update'`).Scan(&hasWhen); err != nil {
		t.Fatal(err)
	}
	if !hasWhen {
		t.Error("claims_refresh_search_update fires on every update that names text or claimant")
	}
}
