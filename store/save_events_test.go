package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// A claim save stores the change's events, and a delivery of each for
// every active endpoint subscribed to its type, in its own statement; they
// roll back with the save, and an event of another entry is refused.
func TestSaveClaimWithEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := similarSetup(t, "Turnout in Lisbon was 61 percent.")
	db := st.SQL()
	var subscribed, everything int64
	for _, e := range []struct {
		events string
		active bool
		id     *int64
	}{{"{claim.transitioned}", true, &subscribed}, {"{*}", true, &everything}, {"{claim.created}", true, nil}, {"{*}", false, nil}} {
		var id int64
		if err := db.QueryRow(`INSERT INTO webhook_endpoints (url, events, active, secret_sealed) VALUES ('https://example.org/hook', $1, $2, '\x00') RETURNING id`,
			e.events, e.active).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if e.id != nil {
			*e.id = id
		}
	}
	count := func(query string) (n int) {
		t.Helper()
		if err := db.QueryRow(query, ids[0]).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	save := func(rows func(c *models.Claim, e *models.HistoryEntry) []store.EventRow, fail error) ([]int64, error) {
		var deliveries []int64
		err := st.WithTx(ctx, func(tx *store.Tx) error {
			c, err := tx.LockClaim(ctx, ids[0])
			if err != nil {
				return err
			}
			c.State = models.StateVerifying
			e := &models.HistoryEntry{Kind: models.HistoryTransitioned, Action: models.ActionStart, ActorID: &c.CreatedBy, At: c.CreatedAt}
			if deliveries, err = tx.SaveClaimWithEvents(ctx, c, e, func() ([]store.EventRow, error) { return rows(c, e), nil }); err != nil {
				return err
			}
			return fail
		})
		return deliveries, err
	}
	transitioned := func(id string) func(c *models.Claim, e *models.HistoryEntry) []store.EventRow {
		return func(c *models.Claim, e *models.HistoryEntry) []store.EventRow {
			return []store.EventRow{{ID: id, Type: "claim.transitioned", ClaimID: c.ID, Seq: e.Seq, Payload: `{"id":"` + id + `"}`, At: e.At}}
		}
	}

	rollback := errors.New("roll back")
	if _, err := save(transitioned("evt_rolled_back"), rollback); !errors.Is(err, rollback) {
		t.Fatalf("save = %v, want the rollback", err)
	}
	if n := count(`SELECT count(*) FROM events WHERE claim_id = $1`); n != 0 {
		t.Errorf("%d events after a rollback", n)
	}

	deliveries, err := save(transitioned("evt_saved"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(deliveries) != 2 {
		t.Fatalf("deliveries %v, want one to each active endpoint subscribed to claim.transitioned", deliveries)
	}
	var endpoints []int64
	rows, err := db.Query(`SELECT endpoint_id FROM webhook_deliveries WHERE id = ANY($1) AND event_id = 'evt_saved' AND status = 'pending' ORDER BY endpoint_id`, models.Int64Array(deliveries))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		endpoints = append(endpoints, id)
	}
	if len(endpoints) != 2 || endpoints[0] != min(subscribed, everything) || endpoints[1] != max(subscribed, everything) {
		t.Errorf("deliveries went to %v, want %d and %d", endpoints, subscribed, everything)
	}
	var seq, lastSeq int
	if err := db.QueryRow(`SELECT e.seq, c.last_seq FROM events e JOIN claims c ON c.id = e.claim_id WHERE e.id = 'evt_saved'`).Scan(&seq, &lastSeq); err != nil {
		t.Fatal(err)
	}
	if seq != lastSeq {
		t.Errorf("the event's seq is %d, the entry's %d", seq, lastSeq)
	}

	if deliveries, err := save(func(*models.Claim, *models.HistoryEntry) []store.EventRow { return nil }, nil); err != nil || len(deliveries) != 0 {
		t.Errorf("a save without events = %v, %v", deliveries, err)
	}
	other := func(c *models.Claim, e *models.HistoryEntry) []store.EventRow {
		return []store.EventRow{{ID: "evt_other", Type: "claim.transitioned", ClaimID: c.ID, Seq: e.Seq - 1, Payload: "{}", At: e.At}}
	}
	if _, err := save(other, nil); err == nil {
		t.Error("an event of another entry was saved")
	}
	if n := count(`SELECT count(*) FROM events WHERE claim_id = $1`); n != 1 {
		t.Errorf("%d events, want the one saved", n)
	}
}
