package store_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// The board answers a search from the text index and every other filter
// from the board index; both give each state's column its matches in the
// board's order (priority, then newest), cut at PerColumn, and count all
// of them.
func TestBoardColumnsInBoardOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var texts []string
	for i := range 30 {
		word := "bridge"
		if i%3 == 2 {
			word = "tunnel"
		}
		texts = append(texts, fmt.Sprintf("Claim %d about the %s.", i, word))
	}
	st, ids := similarSetup(t, texts...)
	priorities := []models.Priority{models.PriorityLow, models.PriorityNormal, models.PriorityHigh, models.PriorityUrgent}
	type want struct {
		id    int64
		state models.State
		rank  int
		match bool
	}
	var claims []want
	for i, id := range ids {
		state, p := models.States[i%4], priorities[(i*7)%4]
		if _, err := st.SQL().ExecContext(ctx, `UPDATE claims SET state = $1, priority = $2, priority_rank = $3 WHERE id = $4`,
			string(state), string(p), p.Rank(), id); err != nil {
			t.Fatal(err)
		}
		claims = append(claims, want{id, state, p.Rank(), i%3 != 2})
	}
	slices.SortFunc(claims, func(a, b want) int { return cmp.Or(cmp.Compare(b.rank, a.rank), cmp.Compare(b.id, a.id)) })
	for _, f := range []store.BoardFilter{{PerColumn: 3}, {Query: "bridge", PerColumn: 3}} {
		cols, err := st.Board(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range cols {
			var wantIDs []int64
			var total int64
			for _, c := range claims {
				if c.state == col.State && (c.match || f.Query == "") {
					total++
					if len(wantIDs) < f.PerColumn {
						wantIDs = append(wantIDs, c.id)
					}
				}
			}
			var got []int64
			for _, c := range col.Claims {
				got = append(got, c.ID)
			}
			if !slices.Equal(got, wantIDs) || col.Total != total || col.Capped {
				t.Errorf("Board(%q) column %s = %v (total %d, capped %v), want %v (total %d)", f.Query, col.State, got, col.Total, col.Capped, wantIDs, total)
			}
		}
	}
}
