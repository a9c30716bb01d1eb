package store_test

import (
	"context"
	"testing"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// The API's listing and the dashboard's board share one filter: a tag
// matches whatever its case or surrounding spaces, since tags are stored
// normalized.
func TestTagFilterIgnoresCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := similarSetup(t, "The tagged claim.", "The other claim.")
	err := st.WithTx(ctx, func(tx *store.Tx) error {
		c, err := tx.LockClaim(ctx, ids[0])
		if err != nil {
			return err
		}
		c.Tags = models.Tags{"election"}
		return tx.SaveClaim(ctx, c, &models.HistoryEntry{Kind: models.HistoryUpdated, ActorID: &c.CreatedBy, At: c.CreatedAt})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"election", "Election", " ELECTION "} {
		claims, _, err := st.Claims(ctx, store.ClaimFilter{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		if len(claims) != 1 || claims[0].ID != ids[0] {
			t.Errorf("Claims(tag %q) = %d claims, want only claim %d", tag, len(claims), ids[0])
		}
		cols, err := st.Board(ctx, store.BoardFilter{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		var found []int64
		for _, col := range cols {
			for _, c := range col.Claims {
				found = append(found, c.ID)
			}
		}
		if len(found) != 1 || found[0] != ids[0] {
			t.Errorf("Board(tag %q) = claims %v, want only claim %d", tag, found, ids[0])
		}
	}
}
