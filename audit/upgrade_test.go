package audit_test

import (
	"context"
	"crypto/sha256"
	"testing"

	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/store"
)

// historyChainVersion is the migration that adds the hashes.
const historyChainVersion = 12

// A desk upgraded with history already written: the migration leaves the
// rows unsealed and flags them; Seal hashes them in Go, in id order.
func TestUpgradeSealsExistingHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, m := range all {
		if m.Version >= historyChainVersion {
			steps++
		}
	}
	if _, err := migrations.Down(ctx, st.SQL(), steps); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (id, email, name, role) VALUES (1, 'a@x.test', 'A', 'editor')`,
		`INSERT INTO claims (id, text, created_by, last_seq) VALUES (1, 'First claim', 1, 3), (2, 'Second claim', 1, 2)`,
		`INSERT INTO claim_history (claim_id, seq, kind, actor_id, at) VALUES (1, 1, 'created', 1, '2025-01-02 03:04:05.123456+00')`,
		`INSERT INTO claim_history (claim_id, seq, kind, actor_id, at) VALUES (2, 1, 'created', 1, now())`,
		`INSERT INTO claim_history (claim_id, seq, kind, actor_id, details) VALUES (1, 2, 'updated', 1, '{"to": 2.50, "field": "text", "from": [1e2, "é"]}')`,
		`INSERT INTO claim_history (claim_id, seq, kind, action, from_state, to_state, actor_id, comment) VALUES (1, 3, 'transitioned', 'start', 'new', 'verifying', 1, 'on it')`,
		`INSERT INTO claim_history (claim_id, seq, kind, actor_id) VALUES (2, 2, 'assigned', NULL)`,
	} {
		if _, err := st.SQL().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := migrations.Up(ctx, st.SQL()); err != nil {
		t.Fatal(err)
	}
	if size, pending, err := st.LogHead(ctx); err != nil || size != 0 || !pending {
		t.Fatalf("after the upgrade: log size %d, pending %v (%v); want 0 and pending", size, pending, err)
	}
	seed := sha256.Sum256([]byte("upgrade"))
	key, _ := audit.NewKey("desk.test/audit", seed[:])
	svc := audit.New(st, key)
	if n, err := svc.Seal(ctx); err != nil || n != 5 {
		t.Fatalf("Seal = %d, %v; want the 5 rows", n, err)
	}
	if n, err := svc.Seal(ctx); err != nil || n != 0 {
		t.Errorf("a second Seal = %d, %v; want nothing left", n, err)
	}
	if _, err := svc.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Verify(ctx)
	if err != nil || !r.OK() || r.Entries != 5 || r.Claims != 2 {
		t.Fatalf("Verify after the upgrade = %+v, %v; want 5 entries of 2 claims, OK", r, err)
	}
	hist, err := st.History(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int64{0, 2, 3} { // id order across both claims
		if hist[i].LogIndex == nil || *hist[i].LogIndex != want {
			t.Errorf("claim 1 entry %d has log index %v, want %d", hist[i].Seq, hist[i].LogIndex, want)
		}
	}
}
