package migrations_test

import (
	"context"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/migrations"
)

func TestUpDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.DB(t) // already migrated up
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := migrations.Pending(ctx, db); err != nil || n != 0 {
		t.Fatalf("Pending after template = %d, %v; want 0", n, err)
	}
	if n, err := migrations.Up(ctx, db); err != nil || n != 0 {
		t.Fatalf("second Up applied %d, %v; want 0", n, err)
	}
	for i := len(all); i > 0; i-- {
		if n, err := migrations.Down(ctx, db, 1); err != nil || n != 1 {
			t.Fatalf("Down step %d = %d, %v", i, n, err)
		}
	}
	var tables int
	db.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`).Scan(&tables)
	if tables != 0 {
		t.Errorf("%d tables left after migrating all the way down", tables)
	}
	if n, err := migrations.Up(ctx, db); err != nil || n != len(all) {
		t.Fatalf("Up after Down = %d, %v; want %d", n, err, len(all))
	}
	status, err := migrations.List(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range status {
		if s.AppliedAt == nil {
			t.Errorf("migration %04d not applied", s.Version)
		}
	}
}

func TestHistoryIsAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.DB(t)
	mustExec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`INSERT INTO users (id, email, name, role) VALUES (1, 'a@x.test', 'A', 'checker')`)
	mustExec(`INSERT INTO claims (id, text, created_by) VALUES (1, 'A claim', 1)`)
	mustExec(`INSERT INTO claim_history (claim_id, seq, kind, actor_id) VALUES (1, 1, 'created', 1)`)
	for _, q := range []string{
		`UPDATE claim_history SET comment = 'rewritten'`,
		`DELETE FROM claim_history`,
		`TRUNCATE claim_history`,
	} {
		_, err := db.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
	var n int
	db.QueryRowContext(ctx, `SELECT count(*) FROM claim_history WHERE comment = ''`).Scan(&n)
	if n != 1 {
		t.Errorf("history rows intact = %d, want 1", n)
	}
}
