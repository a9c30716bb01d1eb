package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// legacyTable is where factdesk's earlier migration runner recorded the
// versions it applied. Its versions 1 to 8 are goose versions 1 to 8: the
// SQL is the same, only its file layout changed, and its version 3 (the
// copied River SQL) also recorded River's versions in river_migration,
// which rivermigrate reads.
const legacyTable = "schema_migrations"

// adoptLegacy moves a database migrated by the earlier runner onto goose:
// it records the versions that runner applied, with their times, in
// goose's table and drops schema_migrations, all in one transaction. The
// old table is dropped rather than kept so that there is one record of
// the schema's version; an old binary started afterwards fails on its
// first migration (the tables exist) instead of running on a schema it
// does not know.
//
// On a new database it creates goose's table under the same lock; once
// goose's table exists it does nothing.
func adoptLegacy(ctx context.Context, db *sql.DB) error {
	tx, err := lockedTx(ctx, db)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var hasLegacy, hasGoose bool
	err = tx.QueryRowContext(ctx,
		"SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL",
		legacyTable, goose.DefaultTablename).Scan(&hasLegacy, &hasGoose)
	if err != nil {
		return fmt.Errorf("migrations: look for %s: %w", legacyTable, err)
	}
	if hasGoose {
		return nil
	}
	st, err := database.NewStore(database.DialectPostgres, goose.DefaultTablename)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if !hasLegacy {
		// A new database. goose creates its table outside its session lock
		// (and retries on a clash), so two processes starting together can
		// both create it; creating it here, under the lock, makes it once.
		if err := createVersionTable(ctx, tx, st); err != nil {
			return err
		}
		return tx.Commit()
	}

	known := map[int64]bool{}
	all, err := All()
	if err != nil {
		return err
	}
	for _, m := range all {
		known[m.Version] = true
	}
	type applied struct {
		version int64
		at      sql.NullTime
	}
	var versions []applied
	rows, err := tx.QueryContext(ctx, "SELECT version, applied_at FROM "+legacyTable+" ORDER BY version")
	if err != nil {
		return fmt.Errorf("migrations: read %s: %w", legacyTable, err)
	}
	for rows.Next() {
		var a applied
		if err := rows.Scan(&a.version, &a.at); err != nil {
			rows.Close()
			return err
		}
		if !known[a.version] {
			rows.Close()
			return fmt.Errorf("migrations: %s records version %d, which this build does not have; run a newer factdesk", legacyTable, a.version)
		}
		versions = append(versions, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	if err := createVersionTable(ctx, tx, st); err != nil {
		return err
	}
	for _, a := range versions {
		_, err := tx.ExecContext(ctx,
			"INSERT INTO "+goose.DefaultTablename+" (version_id, is_applied, tstamp) VALUES ($1, true, COALESCE($2::timestamptz, now()))",
			a.version, a.at)
		if err != nil {
			return fmt.Errorf("migrations: record version %d: %w", a.version, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE "+legacyTable); err != nil {
		return fmt.Errorf("migrations: drop %s: %w", legacyTable, err)
	}
	return tx.Commit()
}

// createVersionTable makes goose's table as goose itself would, starting
// with version 0.
func createVersionTable(ctx context.Context, tx *sql.Tx, st database.Store) error {
	if err := st.CreateVersionTable(ctx, tx); err != nil {
		return fmt.Errorf("migrations: create %s: %w", goose.DefaultTablename, err)
	}
	if err := st.Insert(ctx, tx, database.InsertRequest{Version: 0}); err != nil {
		return fmt.Errorf("migrations: record version 0: %w", err)
	}
	return nil
}

// lockedTx opens a transaction holding the migration lock (the earlier
// runner's, and goose's session lock): an old binary migrating right now
// finishes first, and two new ones do not adopt twice. It tries the lock
// and, while another process holds it, rolls back and tries again rather
// than waiting inside the transaction: a waiting transaction would hold a
// snapshot, and the holder's CREATE INDEX CONCURRENTLY waits for every
// such transaction to end, so the two would deadlock.
func lockedTx(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	retry := time.NewTicker(100 * time.Millisecond)
	defer retry.Stop()
	for {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		var locked bool
		if err := tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock($1)", lockKey).Scan(&locked); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("migrations: take lock: %w", err)
		}
		if locked {
			return tx, nil
		}
		tx.Rollback()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("migrations: wait for the migration lock: %w", ctx.Err())
		case <-retry.C:
		}
	}
}
