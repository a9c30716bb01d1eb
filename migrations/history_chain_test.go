package migrations_test

import (
	"context"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
)

// The history stays append-only; the updates allowed give a row without a
// hash its hash, then a hashed row without a log index its index, each
// changing nothing else, once.
func TestHistoryMaySealOnceOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.DB(t)
	mustExec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	refused := func(q string) {
		t.Helper()
		_, err := db.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
	mustExec(`INSERT INTO users (id, email, name, role) VALUES (1, 'a@x.test', 'A', 'checker')`)
	mustExec(`INSERT INTO claims (id, text, created_by) VALUES (1, 'A claim', 1)`)
	mustExec(`INSERT INTO claim_history (claim_id, seq, kind, actor_id) VALUES (1, 1, 'created', 1)`)
	var pending bool
	if err := db.QueryRowContext(ctx, `SELECT pending FROM audit_head`).Scan(&pending); err != nil || !pending {
		t.Errorf("audit_head.pending after an insert without a hash = %v (%v), want true", pending, err)
	}
	zero := `'\x` + strings.Repeat("00", 32) + `'`
	one := `'\x` + strings.Repeat("01", 32) + `'`
	refused(`UPDATE claim_history SET hash = ` + zero + `, log_index = 0, comment = 'rewritten'`)
	refused(`UPDATE claim_history SET log_index = 0`) // an index before a hash
	// Hash and index come in two steps: the hash on insert (or when a row
	// written without one is hashed), the index after commit.
	refused(`UPDATE claim_history SET hash = ` + zero + `, log_index = 0`)
	mustExec(`UPDATE claim_history SET hash = ` + zero)
	refused(`UPDATE claim_history SET hash = ` + one)
	refused(`UPDATE claim_history SET hash = ` + one + `, log_index = 0`)
	refused(`UPDATE claim_history SET comment = 'rewritten', log_index = 0`)
	mustExec(`UPDATE claim_history SET log_index = 0`)
	refused(`UPDATE claim_history SET log_index = 1`)
	refused(`UPDATE claim_history SET hash = ` + one)
	refused(`UPDATE claim_history SET comment = 'rewritten'`)
	refused(`DELETE FROM claim_history`)
	mustExec(`INSERT INTO claim_history (claim_id, seq, kind, actor_id) VALUES (1, 2, 'updated', 1)`)
	_, err := db.ExecContext(ctx, `UPDATE claim_history SET hash = '\x00' WHERE seq = 2`)
	if err == nil || !strings.Contains(err.Error(), "claim_history_hash_size") {
		t.Errorf("sealing with a one-byte hash: err = %v, want the size check", err)
	}

	mustExec(`INSERT INTO audit_checkpoints (size, root, peaks, key_id, note) VALUES (1, ` + zero + `, ` + zero + `, '00000000', 'n')`)
	for _, q := range []string{`UPDATE audit_checkpoints SET size = 2`, `DELETE FROM audit_checkpoints`, `TRUNCATE audit_checkpoints`} {
		_, err := db.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
}
