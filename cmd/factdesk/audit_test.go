package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

type auditBundle struct {
	env       *apptest.Env
	cfg       app.Config
	ac        audit.Config
	published *models.Claim
}

func setupAudit(t *testing.T) (*auditBundle, context.Context) {
	t.Helper()
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	published := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The port handled 4 million containers.")
	env.ClaimIn(t, models.StateVerified, checker, editor, "Prices fell 3%.")
	return &auditBundle{
		env:       env,
		cfg:       app.Config{DatabaseURL: env.DBURL, FetchAllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
		ac:        audit.Config{KeyFile: filepath.Join(t.TempDir(), "keys", "checkpoint.key"), Origin: "desk.test/audit"},
		published: published,
	}, context.Background()
}

func (b *auditBundle) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runAudit(context.Background(), b.cfg, b.ac, args, &out)
	return out.String(), err
}

func TestAuditVerifyCommand(t *testing.T) {
	t.Parallel()
	b, ctx := setupAudit(t)

	out, err := b.run(t, "verify")
	if err != nil || !strings.Contains(out, "OK: ") || !strings.Contains(out, "signatures were not checked") {
		t.Fatalf("verify before any key: %v\n%s", err, out)
	}
	if _, err := os.Stat(b.ac.KeyFile); err == nil {
		t.Error("verify created a key file; only signing should")
	}
	note, err := b.run(t, "checkpoint")
	if err != nil || !strings.HasPrefix(note, "desk.test/audit\n") || !strings.Contains(note, "\n\n— desk.test/audit ") {
		t.Fatalf("checkpoint: %v\n%s", err, note)
	}
	if info, err := os.Stat(b.ac.KeyFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file after checkpoint: %v, %v; want mode 0600", info, err)
	}
	key, err := b.run(t, "key")
	if err != nil {
		t.Fatal(err)
	}
	v, err := audit.ParseVerifier(key)
	if err != nil {
		t.Fatalf("key printed %q: %v", key, err)
	}
	if _, err := v.Verify([]byte(note)); err != nil {
		t.Errorf("the printed checkpoint does not verify with the printed key: %v", err)
	}
	out, err = b.run(t, "verify")
	if err != nil || !strings.Contains(out, "OK: ") || strings.Contains(out, "not checked") || !strings.Contains(out, "1 checkpoints") {
		t.Fatalf("verify of a clean desk: %v\n%s", err, out)
	}

	hist, err := b.env.App.Store.History(ctx, b.published.ID)
	if err != nil {
		t.Fatal(err)
	}
	target := hist[len(hist)-1] // the confirm entry
	tx, err := b.env.App.Store.SQL().Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ALTER TABLE claim_history DISABLE TRIGGER claim_history_no_update_delete`,
		fmt.Sprintf(`UPDATE claim_history SET comment = 'approved by the whole desk' WHERE claim_id = %d AND seq = %d`, b.published.ID, target.Seq),
		`ALTER TABLE claim_history ENABLE TRIGGER claim_history_no_update_delete`,
	} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	out, err = b.run(t, "verify")
	if !errors.Is(err, errVerifyFailed) {
		t.Fatalf("verify after an edit: err = %v, want errVerifyFailed\n%s", err, out)
	}
	want := fmt.Sprintf("FAILED: claim %d entry %d (log index %d): its content does not match its hash: stored hash %x, computed ",
		b.published.ID, target.Seq, *target.LogIndex, target.Hash)
	if !strings.HasPrefix(out, want) {
		t.Errorf("verify after an edit printed\n%s\nwant it to start with\n%s", out, want)
	}

	if _, err := b.run(t, "sideways"); err == nil || !strings.Contains(err.Error(), "unknown audit command") {
		t.Errorf("audit sideways: err = %v", err)
	}
}

// servePages stands in for the public routes the lead wires: a page that
// links its proof, the proof, and the key.
// doctor, when set, changes the proofs as a site that lies would: it
// rewrites the proof and zeroes the first consistency hash.
func servePages(t *testing.T, svc *audit.Service, claimID int64, doctor func(*audit.Proof)) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /factchecks/port", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><link rel="stylesheet" href="/s.css"><link href="/factchecks/port/proof.json" rel="factdesk-proof"></head><body>True</body></html>`)
	})
	mux.HandleFunc("GET /factchecks/port/proof.json", func(w http.ResponseWriter, r *http.Request) {
		p, err := svc.PageProof(r.Context(), claimID, nil)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if doctor != nil {
			doctor(p)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(p)
	})
	mux.HandleFunc("GET /.well-known/factdesk/consistency", func(w http.ResponseWriter, r *http.Request) {
		from, _ := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
		to, _ := strconv.ParseInt(r.URL.Query().Get("to"), 10, 64)
		c, err := svc.ConsistencyProof(r.Context(), from, to)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if doctor != nil && len(c.Hashes) > 0 {
			c.Hashes[0] = strings.Repeat("0", 64)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(c)
	})
	mux.HandleFunc("GET /.well-known/factdesk/checkpoint-key", func(w http.ResponseWriter, r *http.Request) {
		_, key, err := svc.LatestCheckpoint(r.Context())
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(key)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestAuditVerifyPageCommand(t *testing.T) {
	t.Parallel()
	b, _ := setupAudit(t)
	svc, err := audit.Open(b.env.App.Store, b.ac)
	if err != nil {
		t.Fatal(err)
	}
	srv := servePages(t, svc, b.published.ID, nil)

	out, err := b.run(t, "verify-page", srv.URL+"/factchecks/port")
	if err != nil {
		t.Fatalf("verify-page: %v\n%s", err, out)
	}
	if !strings.Contains(out, fmt.Sprintf("OK: claim %d, 1 public entries, included in checkpoint desk.test/audit", b.published.ID)) ||
		!strings.Contains(out, "confirm  verdict true") {
		t.Errorf("verify-page printed\n%s", out)
	}

	// A reader saved that checkpoint; the desk publishes more; the page's
	// new checkpoint must extend the saved one.
	saved, _, err := svc.LatestCheckpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	savedFile := filepath.Join(t.TempDir(), "checkpoint.txt")
	if err := os.WriteFile(savedFile, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	checker, editor := b.env.User(t, models.RoleChecker), b.env.User(t, models.RoleEditor)
	b.env.ClaimIn(t, models.StateConfirmed, checker, editor, "Turnout was 71%.")
	if _, err := svc.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, err = b.run(t, "verify-page", "--since", savedFile, srv.URL+"/factchecks/port")
	if err != nil || !strings.Contains(out, "consistent: the saved checkpoint of ") {
		t.Errorf("verify-page --since: %v\n%s", err, out)
	}

	// A key obtained beforehand that is not the desk's: refused.
	other, err := audit.NewKey("desk.test/audit", bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	out, err = b.run(t, "verify-page", "--key", other.Public().String(), srv.URL+"/factchecks/port")
	if !errors.Is(err, errVerifyFailed) || !strings.Contains(out, "FAILED: ") {
		t.Errorf("verify-page with another key: err = %v\n%s", err, out)
	}

	// A site that serves a proof whose verdict was changed: refused.
	doctored := servePages(t, svc, b.published.ID, func(p *audit.Proof) {
		p.Entries[0].Canonical = strings.Replace(p.Entries[0].Canonical, `"verdict":"true"`, `"verdict":"false"`, 1)
	})
	out, err = b.run(t, "verify-page", "--key", svc.Verifier().String(), doctored.URL+"/factchecks/port")
	if !errors.Is(err, errVerifyFailed) || !strings.Contains(out, "do not hash to") {
		t.Errorf("verify-page of a doctored proof: err = %v\n%s", err, out)
	}
	// A site whose log was rewritten under the saved checkpoint: refused.
	rewritten := servePages(t, svc, b.published.ID, func(*audit.Proof) {})
	out, err = b.run(t, "verify-page", "--since", savedFile, "--key", svc.Verifier().String(), rewritten.URL+"/factchecks/port")
	if !errors.Is(err, errVerifyFailed) || !strings.Contains(out, "is not a prefix of the log") {
		t.Errorf("verify-page --since against a rewritten log: err = %v\n%s", err, out)
	}
	if _, err := b.run(t, "verify-page", srv.URL+"/.well-known/factdesk/checkpoint-key"); err == nil || !strings.Contains(err.Error(), "names no proof") {
		t.Errorf("verify-page of a page without a proof link: err = %v", err)
	}
}
