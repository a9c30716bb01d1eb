package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/migrations"
)

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := app.Config{DatabaseURL: pgtest.URL(t)}
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	newest := all[len(all)-1]
	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := runMigrate(ctx, cfg, args, &out); err != nil {
			t.Fatalf("migrate %v: %v", args, err)
		}
		return out.String()
	}
	applied := regexp.MustCompile(`(?m)^0*(\d+)\s+(\S+)\s+(\S+)`)
	rows := func(status string) map[string]string {
		out := map[string]string{}
		for _, m := range applied.FindAllStringSubmatch(status, -1) {
			out[m[1]+" "+m[2]] = m[3]
		}
		return out
	}

	status := rows(run("status"))
	if len(status) != len(all) {
		t.Fatalf("status lists %d migrations, want %d:\n%v", len(status), len(all), status)
	}
	for key, at := range status {
		if at == "pending" {
			t.Errorf("status: %s pending on a migrated database", key)
		}
	}
	if out := run("down"); !strings.Contains(out, "reverted 1 migration(s)") {
		t.Errorf("migrate down printed %q", out)
	}
	key := strconv.FormatInt(newest.Version, 10) + " " + newest.Name
	if got := rows(run("status"))[key]; got != "pending" {
		t.Errorf("status after down: %s is %q, want pending", key, got)
	}
	if out := run("up"); !strings.Contains(out, "applied 1 migration(s); schema version "+strconv.FormatInt(newest.Version, 10)) {
		t.Errorf("migrate up printed %q", out)
	}
	if out := run(); !strings.Contains(out, "applied 0 migration(s)") {
		t.Errorf("migrate with no subcommand printed %q, want an up that applies nothing", out)
	}
	var out bytes.Buffer
	if err := runMigrate(ctx, cfg, []string{"sideways"}, &out); err == nil || !strings.Contains(err.Error(), "use up, down or status") {
		t.Errorf("migrate sideways: err = %v", err)
	}
}
