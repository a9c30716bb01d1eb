package migrations_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/peterldowns/pgtestdb"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/migrations"
)

// testdata/legacy holds the migrations as factdesk shipped them before
// goose, River's copied schema (0003) included, and legacyMigrator is the
// runner that applied them, kept as it was so the upgrade tests start from
// a database exactly like the ones in production.
//
//go:embed testdata/legacy/*.sql
var legacyFiles embed.FS

const legacyLockKey = 727_274_001

type legacyMigration struct {
	version  int
	name, up string
}

// legacyMigrator applies the legacy migrations up to and including upTo.
type legacyMigrator struct{ upTo int }

func (m legacyMigrator) Hash() (string, error) {
	all, err := legacyAll()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "legacy up to %d\x00", m.upTo)
	for _, l := range all {
		fmt.Fprintf(h, "%d\x00%s\x00", l.version, l.up)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (m legacyMigrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	all, err := legacyAll()
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", legacyLockKey); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", legacyLockKey)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return err
	}
	for _, l := range all {
		if l.version > m.upTo {
			break
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, l.up); err != nil {
			tx.Rollback()
			return fmt.Errorf("legacy %04d_%s: %w", l.version, l.name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", l.version, l.name); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func legacyAll() ([]legacyMigration, error) {
	names, err := fs.Glob(legacyFiles, "testdata/legacy/*.up.sql")
	if err != nil {
		return nil, err
	}
	var out []legacyMigration
	for _, path := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(path, "testdata/legacy/"), ".up.sql")
		num, name, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			return nil, err
		}
		body, err := legacyFiles.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, legacyMigration{version: version, name: name, up: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// TestUpgradeFromLegacyRunner takes a database at every version the earlier
// runner could have left, runs the goose Up on it, and expects the schema
// of a database goose built from nothing, with the rows kept.
func TestUpgradeFromLegacyRunner(t *testing.T) {
	t.Parallel()
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	latest := all[len(all)-1].Version
	fresh := schemaOf(t, pgtest.DB(t))
	for _, upTo := range []int{8, 2} {
		t.Run(fmt.Sprintf("from version %d", upTo), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := pgtest.URLWith(t, legacyMigrator{upTo: upTo})
			db := openDB(t, url)
			mustExec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			mustExec(`INSERT INTO users (id, email, name, role) VALUES (7, 'old@x.test', 'Old', 'editor')`)
			mustExec(`INSERT INTO claims (id, text, created_by) VALUES (70, 'Kept across the upgrade', 7)`)
			mustExec(`INSERT INTO claim_history (claim_id, seq, kind, actor_id) VALUES (70, 1, 'created', 7)`)
			if upTo >= 3 {
				mustExec(`INSERT INTO river_job (kind, max_attempts, args) VALUES ('kept', 5, '{}')`)
			}

			res, err := migrations.Up(ctx, db)
			if err != nil {
				t.Fatalf("Up on a legacy database: %v", err)
			}
			if want := len(all) - countUpTo(all, upTo); res.Applied != want {
				t.Errorf("Up applied %d migrations, want %d (the ones the legacy runner had not)", res.Applied, want)
			}
			if res.Version != latest {
				t.Errorf("Up reports version %d, want %d", res.Version, latest)
			}
			var legacyLeft bool
			db.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&legacyLeft)
			if legacyLeft {
				t.Error("schema_migrations is still there after adoption")
			}
			if got := schemaOf(t, db); got != fresh {
				t.Errorf("upgraded schema differs from a fresh one:\n%s", diffLines(fresh, got))
			}

			var claim, history int
			db.QueryRowContext(ctx, `SELECT count(*) FROM claims WHERE id = 70 AND text = 'Kept across the upgrade' AND created_by = 7`).Scan(&claim)
			db.QueryRowContext(ctx, `SELECT count(*) FROM claim_history WHERE claim_id = 70`).Scan(&history)
			if claim != 1 || history != 1 {
				t.Errorf("after upgrade: claim rows %d, history rows %d; want 1 and 1", claim, history)
			}
			if upTo >= 3 {
				var jobs int
				db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'kept'`).Scan(&jobs)
				if jobs != 1 {
					t.Errorf("after upgrade: %d queued River jobs, want 1", jobs)
				}
			}

			status, err := migrations.List(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range status {
				if s.AppliedAt == nil {
					t.Errorf("migration %04d not recorded as applied", s.Version)
				}
			}
			if res, err := migrations.Up(ctx, db); err != nil || res.Applied != 0 {
				t.Errorf("second Up = %d, %v; want 0, nil", res.Applied, err)
			}
			// Down still works on an adopted database, River's step included.
			if n, err := migrations.Down(ctx, db, len(all)); err != nil || n != len(all) {
				t.Fatalf("Down all on an adopted database = %d, %v; want %d", n, err, len(all))
			}
			assertRiverValidates(t, url)
		})
	}
}

func countUpTo(all []migrations.Migration, upTo int) int {
	n := 0
	for _, m := range all {
		if m.Version <= int64(upTo) {
			n++
		}
	}
	return n
}

func assertRiverValidates(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	db := openDB(t, url)
	if _, err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	riverValidates(t, url)
}

// riverValidates asks River's own migrator whether the schema at url is
// the one this build's River expects.
func riverValidates(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if !res.OK {
		t.Fatalf("River reports its schema incomplete: %v", res.Messages)
	}
}

// TestRiverSchemaValidates asks River's own migrator whether a database
// migrated by migrations.Up is complete. It fails after a River upgrade
// that brings new schema versions until a migration applies them.
func TestRiverSchemaValidates(t *testing.T) {
	t.Parallel()
	riverValidates(t, pgtest.URL(t))
}
