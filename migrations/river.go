package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
)

// riverVersion is the goose version that installs River's job queue.
const riverVersion = 3

// goMigrationNames names the Go migrations, which have no file to take a
// name from.
var goMigrationNames = map[int64]string{riverVersion: "river_queue"}

// riverMigration installs River's schema with rivermigrate, River's own
// migrator, so the schema is always the one this build's River expects.
// rivermigrate runs each of its versions in its own transaction (River's
// 006 uses an enum value its 004 adds, which PostgreSQL refuses within one
// transaction), so this goose step runs outside one. rivermigrate records
// its versions in river_migration and skips those already there, which is
// how it adopts a schema created by the earlier copied SQL.
//
// A later River release with new schema versions needs a new goose
// migration that calls riverUp again; TestRiverSchemaValidates fails until
// one exists.
func riverMigration() *goose.Migration {
	return goose.NewGoMigration(riverVersion,
		&goose.GoFunc{RunDB: riverUp},
		&goose.GoFunc{RunDB: riverDown},
	)
}

func riverMigrator(db *sql.DB) (*rivermigrate.Migrator[*sql.Tx], error) {
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return nil, fmt.Errorf("migrations: river migrator: %w", err)
	}
	return m, nil
}

// riverUp applies every River schema version not yet applied.
func riverUp(ctx context.Context, db *sql.DB) error {
	m, err := riverMigrator(db)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrations: river up: %w", err)
	}
	return nil
}

// riverDown removes River's schema completely (TargetVersion -1).
func riverDown(ctx context.Context, db *sql.DB) error {
	m, err := riverMigrator(db)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
		return fmt.Errorf("migrations: river down: %w", err)
	}
	return nil
}

// riverFingerprint is the text of every River schema version this build
// knows, so Hash changes when a River upgrade changes the schema.
func riverFingerprint() (string, error) {
	m, err := riverMigrator(nil)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, v := range m.AllVersions() {
		fmt.Fprintf(&b, "river %d\x00%s\x00%s\x00", v.Version, v.SQLUp, v.SQLDown)
	}
	return b.String(), nil
}
