package store

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm/schema"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records decodes the JSON log lines written so far.
func (b *syncBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// logSetup opens a fresh database whose store logs, as JSON, into the
// returned buffer.
func logSetup(t *testing.T, slow time.Duration) (*Store, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st, err := Open(context.Background(), pgtest.URL(t), Options{MaxConns: 2, Log: log, SlowQuery: slow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, buf
}

func TestGormLogsThroughSlog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, buf := logSetup(t, time.Hour)

	// Not found is a domain answer, not a server error: nothing is logged.
	if _, err := st.Claim(ctx, 999999); models.CodeOf(err) != models.ENotFound {
		t.Fatalf("Claim(999999) = %v, want not found", err)
	}
	if recs := buf.records(t); len(recs) != 0 {
		t.Fatalf("a missing claim logged %v, want nothing", recs)
	}

	secret := "s3cret-value-in-a-bound-parameter"
	err := st.db.WithContext(ctx).Exec("SELECT no_such_column FROM claims WHERE text = ?", secret).Error
	if err == nil {
		t.Fatal("a query of a missing column succeeded")
	}
	recs := buf.records(t)
	if len(recs) != 1 {
		t.Fatalf("a failed query logged %d records (%v), want 1", len(recs), recs)
	}
	r := recs[0]
	if r["level"] != "ERROR" || !strings.Contains(r["error"].(string), "no_such_column") ||
		!strings.Contains(r["sql"].(string), "SELECT no_such_column") {
		t.Errorf("failed query record = %v, want level ERROR with the error and the SQL", r)
	}
	line := buf.buf.String()
	if strings.Contains(line, secret) {
		t.Errorf("the log shows a bound parameter: %s", line)
	}
	if strings.Contains(line, "\x1b[") {
		t.Errorf("the log has ANSI colour codes: %q", line)
	}
}

func TestGormLogsSlowQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, buf := logSetup(t, 20*time.Millisecond)
	if err := st.db.WithContext(ctx).Exec("SELECT pg_sleep(0.05)").Error; err != nil {
		t.Fatal(err)
	}
	recs := buf.records(t)
	if len(recs) != 1 || recs[0]["level"] != "WARN" || recs[0]["msg"] != "slow query" {
		t.Fatalf("a 50 ms query with a 20 ms threshold logged %v, want one slow-query warning", recs)
	}
}

// GORM logs "failed to parse field: EvidenceIDs" (through its own global
// logger, in colour) whenever it cannot tell what a row field is; the
// source-alert row must parse cleanly and carry its evidence ids.
func TestSourceAlertsScanEvidenceIDs(t *testing.T) {
	t.Parallel()
	if _, err := schema.Parse(&[]sourceAlertRow{}, &sync.Map{}, schema.NamingStrategy{}); err != nil {
		t.Fatalf("GORM cannot parse the source-alert row: %v", err)
	}
	ctx := context.Background()
	st, buf := logSetup(t, time.Hour)
	u := &models.User{Email: "alerts@test.factdesk.test", Name: "Alerts", Role: models.RoleEditor, Active: true}
	c := &models.Claim{Text: "The bridge cost 40 million euros.", State: models.StateConfirmed, Priority: models.PriorityNormal, Language: "en", Version: 1}
	var ids []int64
	err := st.WithTx(ctx, func(tx *Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		c.CreatedBy = u.ID
		if err := tx.CreateClaim(ctx, c); err != nil {
			return err
		}
		changed := time.Now()
		for _, status := range []string{"changed", "verified", "gone"} {
			e := &models.Evidence{ClaimID: c.ID, URL: "https://example.org/" + status, Stance: models.StanceSupports,
				AddedBy: u.ID, Status: status, StatusChangedAt: &changed}
			if err := tx.AddEvidence(ctx, e); err != nil {
				return err
			}
			if status != "verified" {
				ids = append(ids, e.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	alerts, err := st.SourceAlerts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 1 || alerts[0].ClaimID != c.ID || !slices.Equal(alerts[0].EvidenceIDs, ids) {
		t.Fatalf("SourceAlerts = %+v, want claim %d with evidence %v", alerts, c.ID, ids)
	}
	if recs := buf.records(t); len(recs) != 0 {
		t.Errorf("listing source alerts logged %v, want nothing", recs)
	}
}
