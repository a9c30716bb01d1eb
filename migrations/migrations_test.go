package migrations_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/peterldowns/pgtestdb"

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
	if res, err := migrations.Up(ctx, db); err != nil || res.Applied != 0 {
		t.Fatalf("second Up applied %d, %v; want 0", res.Applied, err)
	}
	for i := len(all); i > 0; i-- {
		if n, err := migrations.Down(ctx, db, 1); err != nil || n != 1 {
			t.Fatalf("Down step %d = %d, %v", i, n, err)
		}
	}
	if n, err := migrations.Down(ctx, db, 1); err != nil || n != 0 {
		t.Fatalf("Down below the first migration = %d, %v; want 0, nil", n, err)
	}
	var tables int
	db.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`).Scan(&tables)
	if tables != 0 {
		t.Errorf("%d tables left after migrating all the way down", tables)
	}
	if n, err := migrations.Pending(ctx, db); err != nil || n != len(all) {
		t.Fatalf("Pending after Down = %d, %v; want %d", n, err, len(all))
	}
	res, err := migrations.Up(ctx, db)
	if err != nil || res.Applied != len(all) {
		t.Fatalf("Up after Down = %d, %v; want %d", res.Applied, err, len(all))
	}
	if want := all[len(all)-1].Version; res.Version != want {
		t.Errorf("Up reports version %d, want %d", res.Version, want)
	}
	status, err := migrations.List(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(status) != len(all) {
		t.Fatalf("List has %d migrations, want %d", len(status), len(all))
	}
	for _, s := range status {
		if s.AppliedAt == nil {
			t.Errorf("migration %04d not applied", s.Version)
		}
		if s.Name == "" {
			t.Errorf("migration %04d has no name", s.Version)
		}
	}
	if got, want := schemaOf(t, db), schemaOf(t, pgtest.DB(t)); got != want {
		t.Errorf("schema after down and up differs from the template's:\n%s", diffLines(want, got))
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

// TestConcurrentUp starts two migrators on an empty database at once, as
// two factdesk processes starting together would: one waits for the other,
// every migration runs once, and both end at the newest version.
func TestConcurrentUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URLWith(t, pgtestdb.NoopMigrator{})
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]migrations.Result, 2)
	errs := make([]error, 2)
	for i := range results {
		db := openDB(t, url)
		wg.Go(func() { results[i], errs[i] = migrations.Up(ctx, db) })
	}
	wg.Wait()
	applied := 0
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("Up %d: %v", i, errs[i])
		}
		if want := all[len(all)-1].Version; results[i].Version != want {
			t.Errorf("Up %d reports version %d, want %d", i, results[i].Version, want)
		}
		applied += results[i].Applied
	}
	if applied != len(all) {
		t.Errorf("the two Ups applied %d migrations between them, want %d", applied, len(all))
	}
	db := openDB(t, url)
	var rows int
	db.QueryRowContext(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&rows)
	if rows != len(all) {
		t.Errorf("goose_db_version has %d rows, want one per migration (%d)", rows, len(all))
	}
	if got, want := schemaOf(t, db), schemaOf(t, pgtest.DB(t)); got != want {
		t.Errorf("schema differs from the template's:\n%s", diffLines(want, got))
	}
}

func openDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(4)
	t.Cleanup(func() { db.Close() })
	return db
}

// schemaOf describes everything a migration defines in the public schema,
// one sorted line per column, index, constraint, trigger, function, type
// and sequence, so two databases can be compared as text.
func schemaOf(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `
		SELECT 'column ' || c.relname || '.' || a.attname || ' #' || a.attnum || ' ' ||
		       format_type(a.atttypid, a.atttypmod) ||
		       CASE WHEN a.attnotnull THEN ' not null' ELSE '' END ||
		       CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END ||
		       CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END ||
		       COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
		  AND a.attnum > 0 AND NOT a.attisdropped
		UNION ALL
		SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relnamespace = 'public'::regnamespace
		UNION ALL
		SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = 'public'::regnamespace
		UNION ALL
		SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
		UNION ALL
		SELECT 'function ' || pg_get_functiondef(p.oid)
		FROM pg_proc p
		WHERE p.pronamespace = 'public'::regnamespace
		  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = p.oid AND dep.deptype = 'e')
		UNION ALL
		SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
		FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
		GROUP BY t.typname
		UNION ALL
		SELECT 'sequence ' || relname FROM pg_class
		WHERE relnamespace = 'public'::regnamespace AND relkind = 'S'
		UNION ALL
		SELECT 'extension ' || extname FROM pg_extension
		ORDER BY 1`)
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// diffLines lists the lines only one of two schema descriptions has.
func diffLines(want, got string) string {
	count := map[string]int{}
	for l := range strings.SplitSeq(want, "\n") {
		count[l]++
	}
	for l := range strings.SplitSeq(got, "\n") {
		count[l]--
	}
	var b strings.Builder
	for l, n := range count {
		switch {
		case n > 0:
			b.WriteString("- " + l + "\n")
		case n < 0:
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
