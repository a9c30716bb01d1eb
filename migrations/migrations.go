// Package migrations holds the schema and applies it with goose
// (github.com/pressly/goose/v3). The files are the only definition of the
// schema: nothing calls GORM's AutoMigrate. See README.md for how to add a
// migration.
//
// Each version is one NNNN_name.sql file with a "-- +goose Up" and a
// "-- +goose Down" section, except version 3, River's job queue, which is a
// Go migration (river.go) that asks rivermigrate for River's own schema.
// A file runs in one transaction with its bookkeeping row unless it is
// marked "-- +goose NO TRANSACTION", which index builds on big tables need
// for CREATE INDEX CONCURRENTLY.
//
// Databases migrated by factdesk's earlier runner, which kept its own
// schema_migrations table, are adopted on the first Up (legacy.go).
package migrations

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

//go:embed *.sql
var files embed.FS

// lockKey is the advisory lock migrations hold; it is the earlier runner's
// key too, so an old and a new binary starting together also take turns.
const lockKey = 727_274_001

// Migration is one numbered schema change.
type Migration struct {
	Version int64
	Name    string
}

// Status is a migration and whether it has been applied.
type Status struct {
	Migration
	AppliedAt *time.Time
}

// Result says what Up did.
type Result struct {
	// Applied counts the migrations this call applied.
	Applied int
	// Version is the database's schema version afterwards.
	Version int64
}

func newProvider(db *sql.DB) (*goose.Provider, error) {
	// Probing every second for up to ten minutes: a second process starting
	// together with the first waits out its migrations instead of failing.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockKey), lock.WithLockTimeout(1, 600))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, files,
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(riverMigration()),
	)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// All returns every migration in version order.
func All() ([]Migration, error) {
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, err
	}
	out := make([]Migration, 0, len(names)+len(goMigrationNames))
	for _, name := range names {
		version, err := goose.NumericComponent(name)
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", name, err)
		}
		out = append(out, Migration{Version: version, Name: sourceName(&goose.Source{Path: name, Version: version})})
	}
	for version, name := range goMigrationNames {
		out = append(out, Migration{Version: version, Name: name})
	}
	slices.SortFunc(out, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	return out, nil
}

func sourceName(s *goose.Source) string {
	if s.Path == "" {
		return goMigrationNames[s.Version]
	}
	base := strings.TrimSuffix(path.Base(s.Path), path.Ext(s.Path))
	_, name, _ := strings.Cut(base, "_")
	return name
}

// Hash identifies the current set of migrations, River's included; the
// test helper uses it to know when its template database is stale.
func Hash() (string, error) {
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, name := range names {
		body, err := files.ReadFile(name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%s\x00", name, body)
	}
	river, err := riverFingerprint()
	if err != nil {
		return "", err
	}
	h.Write([]byte(river))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Up adopts a database migrated by the earlier runner, then applies every
// pending migration. Processes starting together take turns.
func Up(ctx context.Context, db *sql.DB) (Result, error) {
	if err := adoptLegacy(ctx, db); err != nil {
		return Result{}, err
	}
	p, err := newProvider(db)
	if err != nil {
		return Result{}, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return Result{Applied: len(results)}, fmt.Errorf("migrations: up: %w", err)
	}
	if len(results) > 0 {
		if err := checkIndexesValid(ctx, db); err != nil {
			return Result{Applied: len(results)}, err
		}
	}
	version, err := p.GetDBVersion(ctx)
	if err != nil {
		return Result{Applied: len(results)}, fmt.Errorf("migrations: read version: %w", err)
	}
	return Result{Applied: len(results), Version: version}, nil
}

// checkIndexesValid fails when a CREATE INDEX CONCURRENTLY left an invalid
// index behind. That happens when a build fails part-way; the rerun's IF NOT
// EXISTS then sees the name and would record the migration as done with an
// index PostgreSQL never uses.
func checkIndexesValid(ctx context.Context, db *sql.DB) error {
	var invalid sql.NullString
	err := db.QueryRowContext(ctx, `
		SELECT string_agg(c.relname, ', ' ORDER BY c.relname)
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT i.indisvalid AND n.nspname = current_schema()`).Scan(&invalid)
	if err != nil {
		return fmt.Errorf("migrations: check indexes: %w", err)
	}
	if invalid.Valid {
		return fmt.Errorf("migrations: invalid indexes left by an interrupted concurrent build: %s; drop them, migrate down one step and up again", invalid.String)
	}
	return nil
}

// Down reverts the newest `steps` applied migrations and returns how many
// it reverted.
func Down(ctx context.Context, db *sql.DB, steps int) (int, error) {
	if err := adoptLegacy(ctx, db); err != nil {
		return 0, err
	}
	p, err := newProvider(db)
	if err != nil {
		return 0, err
	}
	reverted := 0
	for reverted < steps {
		_, err := p.Down(ctx)
		if errors.Is(err, goose.ErrNoNextVersion) {
			break
		}
		if err != nil {
			return reverted, fmt.Errorf("migrations: down: %w", err)
		}
		reverted++
	}
	return reverted, nil
}

// List reports every migration and when it was applied. Like Up, it first
// adopts a database migrated by the earlier runner, so the report is true.
func List(ctx context.Context, db *sql.DB) ([]Status, error) {
	if err := adoptLegacy(ctx, db); err != nil {
		return nil, err
	}
	return list(ctx, db)
}

func list(ctx context.Context, db *sql.DB) ([]Status, error) {
	p, err := newProvider(db)
	if err != nil {
		return nil, err
	}
	states, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: status: %w", err)
	}
	out := make([]Status, 0, len(states))
	for _, st := range states {
		s := Status{Migration: Migration{Version: st.Source.Version, Name: sourceName(st.Source)}}
		if st.State == goose.StateApplied {
			at := st.AppliedAt
			s.AppliedAt = &at
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Status) int { return cmp.Compare(a.Version, b.Version) })
	return out, nil
}

// Pending counts migrations not yet applied; /readyz wants zero. It reads
// goose's table directly so that it neither takes the migration lock nor
// creates anything.
func Pending(ctx context.Context, db *sql.DB) (int, error) {
	all, err := All()
	if err != nil {
		return 0, err
	}
	st, err := database.NewStore(database.DialectPostgres, goose.DefaultTablename)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	rows, err := st.ListMigrations(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("migrations: read applied versions: %w", err)
	}
	// Newest row first: a version's first row says whether it stands.
	applied := map[int64]bool{}
	for _, r := range rows {
		if _, seen := applied[r.Version]; !seen {
			applied[r.Version] = r.IsApplied
		}
	}
	n := 0
	for _, m := range all {
		if !applied[m.Version] {
			n++
		}
	}
	return n, nil
}
