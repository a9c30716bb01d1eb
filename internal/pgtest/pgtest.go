// Package pgtest gives each test its own PostgreSQL database, cloned from a
// template that has every migration applied. Cloning a template costs tens
// of milliseconds, so tests stay parallel and never see each other's rows.
//
// The server comes from FACTDESK_TEST_DATABASE_URL, by default the local
// trust-auth server at 127.0.0.1:5432.
package pgtest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/peterldowns/pgtestdb"

	"github.com/factdesk/factdesk/migrations"
)

const defaultServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

type migrator struct{}

func (migrator) Hash() (string, error) { return migrations.Hash() }

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	_, err := migrations.Up(ctx, db)
	return err
}

// URL creates a fresh migrated database for t and returns its connection
// URL. The database is dropped when t passes and kept for inspection when
// it fails.
func URL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), migrator{}).URL()
}

// URLWith is URL for a database prepared by m instead of by every
// migration; tests of the migrations themselves start from other schemas.
func URLWith(t testing.TB, m pgtestdb.Migrator) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), m).URL()
}

// DB creates a fresh migrated database and opens it with database/sql.
func DB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", URL(t))
	if err != nil {
		t.Fatalf("pgtest: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func serverConfig(t testing.TB) pgtestdb.Config {
	raw := os.Getenv("FACTDESK_TEST_DATABASE_URL")
	if raw == "" {
		raw = defaultServer
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("pgtest: FACTDESK_TEST_DATABASE_URL: %v", err)
	}
	password, _ := u.User.Password()
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       u.Hostname(),
		Port:       u.Port(),
		User:       u.User.Username(),
		Password:   password,
		Database:   strings.TrimPrefix(u.Path, "/"),
		Options:    u.RawQuery,
		// Servers under test may hold pooled or LISTEN connections when the
		// test ends; drop the database anyway.
		ForceTerminateConnections: true,
	}
}
