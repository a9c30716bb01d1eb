package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
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
	env.WaitForJobs(t, "audit_checkpoint")
	return &auditBundle{
		env:       env,
		cfg:       app.Config{DatabaseURL: env.DBURL, FetchAllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
		ac:        audit.Config{KeyFile: filepath.Join(t.TempDir(), "keys", "checkpoint.key"), Origin: "desk.test/audit"},
		published: published,
	}, context.Background()
}

// checkpointCount is how many checkpoints the desk has recorded.
func checkpointCount(t *testing.T, env *apptest.Env) int {
	t.Helper()
	var n int
	if err := env.App.Store.SQL().QueryRow(`SELECT count(*) FROM audit_checkpoints`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
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
	// The desk signed its own checkpoints (with its key, not this one);
	// the one signed below adds to them.
	wantCheckpoints := checkpointCount(t, b.env) + 1
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
	if err != nil || !strings.Contains(out, "OK: ") || strings.Contains(out, "not checked") || !strings.Contains(out, fmt.Sprintf("%d checkpoints", wantCheckpoints)) {
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

// liar serves the desk's real site through a proxy that changes what it
// says, as a site that lies would: doctor rewrites each proof, and the
// first hash of each consistency proof is zeroed.
func liar(t *testing.T, env *apptest.Env, doctor func(*audit.Proof)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := http.Get(env.URL + r.URL.RequestURI())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/proof.json") && res.StatusCode == http.StatusOK:
			var p audit.Proof
			if err := json.Unmarshal(body, &p); err != nil {
				t.Errorf("the desk served a proof that does not parse: %v", err)
			}
			doctor(&p)
			body, _ = json.Marshal(p)
		case r.URL.Path == "/.well-known/factdesk/consistency" && res.StatusCode == http.StatusOK:
			var c audit.Consistency
			if err := json.Unmarshal(body, &c); err != nil {
				t.Errorf("the desk served a consistency proof that does not parse: %v", err)
			}
			if len(c.Hashes) > 0 {
				c.Hashes[0] = strings.Repeat("0", 64)
			}
			body, _ = json.Marshal(c)
		}
		w.Header().Set("Content-Type", res.Header.Get("Content-Type"))
		w.WriteHeader(res.StatusCode)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// pagePath is the public address of a published claim on env's server.
func pagePath(t *testing.T, env *apptest.Env, claimID int64) string {
	t.Helper()
	page, err := env.App.Site.Load(context.Background(), claimID)
	if err != nil {
		t.Fatal(err)
	}
	return "/factchecks/" + page.Slug
}

func TestAuditVerifyPageCommand(t *testing.T) {
	t.Parallel()
	b, _ := setupAudit(t)
	// The desk's own server and its own log: what a reader reaches.
	svc := b.env.App.Audit
	page := pagePath(t, b.env, b.published.ID)

	out, err := b.run(t, "verify-page", b.env.URL+page)
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
	out, err = b.run(t, "verify-page", "--since", savedFile, b.env.URL+page)
	if err != nil || !strings.Contains(out, "consistent: the saved checkpoint of ") {
		t.Errorf("verify-page --since: %v\n%s", err, out)
	}

	// A key obtained beforehand that is not the desk's: refused.
	other, err := audit.NewKey("desk.test/audit", bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	out, err = b.run(t, "verify-page", "--key", other.Public().String(), b.env.URL+page)
	if !errors.Is(err, errVerifyFailed) || !strings.Contains(out, "FAILED: ") {
		t.Errorf("verify-page with another key: err = %v\n%s", err, out)
	}

	// A site that serves a proof whose verdict was changed: refused.
	doctored := liar(t, b.env, func(p *audit.Proof) {
		p.Entries[0].Canonical = strings.Replace(p.Entries[0].Canonical, `"verdict":"true"`, `"verdict":"false"`, 1)
	})
	out, err = b.run(t, "verify-page", "--key", svc.Verifier().String(), doctored.URL+page)
	if !errors.Is(err, errVerifyFailed) || !strings.Contains(out, "do not hash to") {
		t.Errorf("verify-page of a doctored proof: err = %v\n%s", err, out)
	}
	// A site whose log was rewritten under the saved checkpoint: refused.
	rewritten := liar(t, b.env, func(*audit.Proof) {})
	out, err = b.run(t, "verify-page", "--since", savedFile, "--key", svc.Verifier().String(), rewritten.URL+page)
	if !errors.Is(err, errVerifyFailed) || !strings.Contains(out, "is not a prefix of the log") {
		t.Errorf("verify-page --since against a rewritten log: err = %v\n%s", err, out)
	}
	if _, err := b.run(t, "verify-page", b.env.URL+"/.well-known/factdesk/checkpoint-key"); err == nil || !strings.Contains(err.Error(), "names no proof") {
		t.Errorf("verify-page of a page without a proof link: err = %v", err)
	}
}
