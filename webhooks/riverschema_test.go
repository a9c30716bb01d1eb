package webhooks_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/migrations"
)

// River's schema ships as migration 0003 so that `factdesk migrate` and the
// test template database both get it from migrations.Up. The SQL is copied
// from rivermigrate; after upgrading River, regenerate it with
//
//	go test ./webhooks -run TestRiverMigrationIsCurrent -update-river-sql
//
// and add the new River versions as a new factdesk migration if 0003 has
// already shipped.
var updateRiverSQL = flag.Bool("update-river-sql", false, "rewrite migrations/0003_river_queue.*.sql from rivermigrate")

const riverMigrationVersion = 3

func riverSQL(t *testing.T) (up, down string) {
	t.Helper()
	m, err := rivermigrate.New(riverdatabasesql.New(nil), nil)
	if err != nil {
		t.Fatalf("rivermigrate.New: %v", err)
	}
	all := m.AllVersions()
	render := func(s string) string { return strings.ReplaceAll(s, "/* TEMPLATE: schema */", "") }
	// factdesk applies a migration file in one transaction, and Postgres
	// refuses to use an enum value added in the same transaction (River's
	// 006 uses the 'pending' state its 004 adds). So the enum is created
	// with 'pending' already in the place 004 would put it; 004's
	// ADD VALUE IF NOT EXISTS then does nothing, and the resulting type is
	// the one rivermigrate produces.
	const enumFrom = "  'discarded',\n  'retryable',"
	const enumTo = "  'discarded',\n  'pending',\n  'retryable',"
	var u, d strings.Builder
	header := "-- River's job queue schema (github.com/riverqueue/river, migration line \"main\"),\n" +
		"-- generated from rivermigrate by TestRiverMigrationIsCurrent in webhooks/. Do not edit.\n"
	u.WriteString(header)
	d.WriteString(header)
	versions := make([]string, 0, len(all))
	for _, v := range all {
		sqlUp := render(v.SQLUp)
		if v.Version == 2 {
			if strings.Count(sqlUp, enumFrom) != 1 {
				t.Fatalf("River 002 no longer declares river_job_state as expected; revisit the enum rewrite")
			}
			sqlUp = strings.Replace(sqlUp, enumFrom, enumTo, 1)
		}
		fmt.Fprintf(&u, "\n-- River %03d_%s\n%s\n", v.Version, v.Name, strings.TrimSpace(sqlUp))
		versions = append(versions, fmt.Sprintf("('main', %d)", v.Version))
	}
	// Record the versions where rivermigrate looks for them, so River's own
	// tooling sees an up-to-date schema and only applies what comes later.
	fmt.Fprintf(&u, "\nINSERT INTO river_migration (line, version) VALUES %s;\n", strings.Join(versions, ", "))
	for i := len(all) - 1; i >= 0; i-- {
		v := all[i]
		fmt.Fprintf(&d, "\n-- River %03d_%s\n%s\n", v.Version, v.Name, strings.TrimSpace(render(v.SQLDown)))
	}
	return u.String(), d.String()
}

func TestRiverMigrationIsCurrent(t *testing.T) {
	t.Parallel()
	up, down := riverSQL(t)
	if *updateRiverSQL {
		for name, body := range map[string]string{"0003_river_queue.up.sql": up, "0003_river_queue.down.sql": down} {
			if err := os.WriteFile(filepath.Join("..", "migrations", name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Skip("rewrote the River migration; rebuild to embed it")
	}
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Version != riverMigrationVersion {
			continue
		}
		if m.Up != up || m.Down != down {
			t.Fatalf("migration %04d differs from rivermigrate's SQL for this River version; regenerate it with -update-river-sql", riverMigrationVersion)
		}
		return
	}
	t.Fatalf("migration %04d (River's schema) is missing", riverMigrationVersion)
}

// TestRiverSchemaValidates asks River's own migrator whether a database
// migrated by migrations.Up is complete.
func TestRiverSchemaValidates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.URL(t))
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
