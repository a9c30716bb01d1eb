// Package migrations holds the schema as numbered SQL files and applies
// them. The files are the only definition of the schema: nothing calls
// GORM's AutoMigrate.
//
// Each version NNNN has NNNN_name.up.sql and NNNN_name.down.sql. Every file
// runs in its own transaction together with the bookkeeping row, so a failed
// migration leaves the schema as it was.
package migrations

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
	"time"
)

//go:embed *.sql
var files embed.FS

// lockKey serialises migrations between processes that start together.
const lockKey = 727_274_001

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	Up      string
	Down    string
}

// Status is a migration and whether it has been applied.
type Status struct {
	Migration
	AppliedAt *time.Time
}

// All returns every embedded migration in version order.
func All() ([]Migration, error) {
	entries, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*Migration{}
	for _, name := range entries {
		base, direction, ok := cutDirection(name)
		if !ok {
			return nil, fmt.Errorf("migrations: %s: name must end in .up.sql or .down.sql", name)
		}
		num, label, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: name must start with a number", name)
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		m := byVersion[version]
		if m == nil {
			m = &Migration{Version: version, Name: label}
			byVersion[version] = m
		}
		if direction == "up" {
			m.Up = string(body)
		} else {
			m.Down = string(body)
		}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.Up == "" || m.Down == "" {
			return nil, fmt.Errorf("migrations: version %04d needs both an up and a down file", m.Version)
		}
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func cutDirection(name string) (base, direction string, ok bool) {
	if b, found := strings.CutSuffix(name, ".up.sql"); found {
		return b, "up", true
	}
	if b, found := strings.CutSuffix(name, ".down.sql"); found {
		return b, "down", true
	}
	return "", "", false
}

// Hash identifies the current set of migrations; the test helper uses it to
// know when its template database is stale.
func Hash() (string, error) {
	all, err := All()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range all {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", m.Version, m.Up, m.Down)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Up applies every pending migration and returns how many it applied.
func Up(ctx context.Context, db *sql.DB) (int, error) {
	all, err := All()
	if err != nil {
		return 0, err
	}
	applied := 0
	err = withLock(ctx, db, func(conn *sql.Conn) error {
		done, err := appliedVersions(ctx, conn)
		if err != nil {
			return err
		}
		for _, m := range all {
			if _, ok := done[m.Version]; ok {
				continue
			}
			if err := run(ctx, conn, m.Up, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
				return fmt.Errorf("migrations: apply %04d_%s: %w", m.Version, m.Name, err)
			}
			applied++
		}
		return nil
	})
	return applied, err
}

// Down reverts the newest `steps` applied migrations.
func Down(ctx context.Context, db *sql.DB, steps int) (int, error) {
	all, err := All()
	if err != nil {
		return 0, err
	}
	reverted := 0
	err = withLock(ctx, db, func(conn *sql.Conn) error {
		done, err := appliedVersions(ctx, conn)
		if err != nil {
			return err
		}
		for i := len(all) - 1; i >= 0 && reverted < steps; i-- {
			m := all[i]
			if _, ok := done[m.Version]; !ok {
				continue
			}
			if err := run(ctx, conn, m.Down, "DELETE FROM schema_migrations WHERE version = $1 AND $2 <> ''", m.Version, m.Name); err != nil {
				return fmt.Errorf("migrations: revert %04d_%s: %w", m.Version, m.Name, err)
			}
			reverted++
		}
		return nil
	})
	return reverted, err
}

// List reports every migration and when it was applied.
func List(ctx context.Context, db *sql.DB) ([]Status, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := ensureTable(ctx, conn); err != nil {
		return nil, err
	}
	done, err := appliedVersions(ctx, conn)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(all))
	for _, m := range all {
		s := Status{Migration: m}
		if at, ok := done[m.Version]; ok {
			s.AppliedAt = &at
		}
		out = append(out, s)
	}
	return out, nil
}

// Pending counts migrations not yet applied; /readyz wants zero.
func Pending(ctx context.Context, db *sql.DB) (int, error) {
	all, err := All()
	if err != nil {
		return 0, err
	}
	var applied int
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&applied)
	if err != nil {
		return 0, fmt.Errorf("migrations: count applied: %w", err)
	}
	return len(all) - applied, nil
}

func withLock(ctx context.Context, db *sql.DB, fn func(*sql.Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return fmt.Errorf("migrations: take lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey)
	if err := ensureTable(ctx, conn); err != nil {
		return err
	}
	return fn(conn)
}

func ensureTable(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`)
	if err != nil {
		return fmt.Errorf("migrations: create schema_migrations: %w", err)
	}
	return nil
}

func appliedVersions(ctx context.Context, conn *sql.Conn) (map[int]time.Time, error) {
	rows, err := conn.QueryContext(ctx, "SELECT version, applied_at FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[int]time.Time{}
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		out[v] = at
	}
	return out, rows.Err()
}

func run(ctx context.Context, conn *sql.Conn, script, bookkeeping string, version int, name string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, bookkeeping, version, name); err != nil {
		return err
	}
	return tx.Commit()
}
