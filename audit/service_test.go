package audit_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

type testBundle struct {
	env     *apptest.Env
	svc     *audit.Service
	checker apptest.User
	editor  apptest.User
}

func setup(t *testing.T) (*testBundle, context.Context) {
	t.Helper()
	env := apptest.New(t)
	seed := sha256.Sum256([]byte(t.Name()))
	key, err := audit.NewKey("desk.test/audit", seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return &testBundle{env: env, svc: audit.New(env.App.Store, key),
		checker: env.User(t, models.RoleChecker), editor: env.User(t, models.RoleEditor)}, context.Background()
}

// tamper changes a history row behind the append-only trigger's back, as a
// superuser with the trigger disabled would.
func tamper(t *testing.T, b *testBundle, set string, claimID int64, seq int) {
	t.Helper()
	tx, err := b.env.App.Store.SQL().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`ALTER TABLE claim_history DISABLE TRIGGER claim_history_no_update_delete`,
		fmt.Sprintf(`UPDATE claim_history SET %s WHERE claim_id = %d AND seq = %d`, set, claimID, seq),
		`ALTER TABLE claim_history ENABLE TRIGGER claim_history_no_update_delete`,
	} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// verify runs what `audit verify` runs: the seal step that appends the
// committed entries to the log, then Verify. It leaves rows without a
// hash alone, so the tests see them reported.
func verify(t *testing.T, b *testBundle) *audit.Report {
	t.Helper()
	if _, err := b.svc.AppendLog(context.Background()); err != nil {
		t.Fatalf("AppendLog: %v", err)
	}
	r, err := b.svc.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return r
}

func TestCleanDeskVerifiesAndProvesItsPages(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	published := b.env.ClaimIn(t, models.StateConfirmed, b.checker, b.editor, "The bridge opened in 1932.")
	b.env.ClaimIn(t, models.StateVerifying, b.checker, b.editor, "Unemployment fell by half.")
	if _, err := b.svc.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	b.env.ClaimIn(t, models.StateRejected, b.checker, b.editor, "Not worth checking.")
	// The desk signs its own checkpoints too, with its own key, after each
	// publication; let those finish so the ones counted below stay put.
	b.env.WaitForJobs(t, "audit_checkpoint")
	cp, err := b.svc.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	size, _, err := b.env.App.Store.LogHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != size || size < 10 {
		t.Fatalf("checkpoint size %d, log size %d: want one covering the whole log", cp.Size, size)
	}
	again, err := b.svc.Checkpoint(ctx)
	if err != nil || again.ID != cp.ID {
		t.Errorf("Checkpoint on an idle desk made checkpoint %v (%v), want %d again", again.ID, err, cp.ID)
	}

	r := verify(t, b)
	all, err := b.env.App.Store.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mine := 0
	for _, c := range all {
		if c.KeyID == fmt.Sprintf("%08x", b.svc.Verifier().ID()) {
			mine++
		}
	}
	if !r.OK() || r.Entries != size || r.Checkpoints != len(all) || mine != 2 || r.Claims != 3 || r.Unsealed != 0 {
		t.Fatalf("Verify of a clean desk = %+v (%d of its checkpoints by this key), want OK over %d entries, 3 claims, 2 checkpoints by this key and the desk's own", r, mine, size)
	}

	served, key, err := b.svc.LatestCheckpoint(ctx)
	if err != nil || string(served) != cp.Note {
		t.Fatalf("LatestCheckpoint = %q, %v; want the newest note", served, err)
	}
	v, err := audit.ParseVerifier(string(key))
	if err != nil {
		t.Fatal(err)
	}
	proof, err := b.svc.PageProof(ctx, published.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, entries, err := audit.VerifyProof(proof, v)
	if err != nil {
		t.Fatalf("VerifyProof: %v", err)
	}
	if got.Size != int(size) || len(entries) != 1 || entries[0].Entry.Action != models.ActionConfirm ||
		entries[0].Entry.ClaimID != published.ID || entries[0].Entry.Verdict != models.VerdictTrue {
		t.Fatalf("proof of claim %d: checkpoint size %d, entries %+v; want its confirm entry", published.ID, got.Size, entries)
	}
	stmt, err := b.svc.PageStatement(ctx, published.ID)
	if err != nil || !stmt.Covered || stmt.Checkpoint.Size != int(size) || len(stmt.Changes) != 1 || stmt.Changes[0].Kind != audit.ChangePublished {
		t.Errorf("PageStatement = %+v, %v; want the published line covered by the checkpoint of size %d", stmt, err, size)
	}

	// A reader who gets a doctored proof notices.
	doctored := *proof
	doctored.Entries = append([]audit.ProofEntry(nil), proof.Entries...)
	doctored.Entries[0].Canonical = strings.Replace(doctored.Entries[0].Canonical, `"verdict":"true"`, `"verdict":"false"`, 1)
	if _, _, err := audit.VerifyProof(&doctored, v); err == nil {
		t.Error("VerifyProof accepted an entry whose verdict was changed")
	}
}

func TestVerifyNamesTheEditedRow(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	b.env.ClaimIn(t, models.StateConfirmed, b.checker, b.editor, "The dam holds 3 billion litres.")
	edited := b.env.ClaimIn(t, models.StateConfirmed, b.checker, b.editor, "The mayor was elected in 2019.")
	b.env.ClaimIn(t, models.StateVerified, b.checker, b.editor, "Rents doubled.")
	if _, err := b.svc.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	hist, err := b.env.App.Store.History(ctx, edited.ID)
	if err != nil {
		t.Fatal(err)
	}
	target := hist[len(hist)-2]
	tamper(t, b, "comment = 'rewritten afterwards'", edited.ID, target.Seq)

	r := verify(t, b)
	if r.OK() {
		t.Fatal("Verify found nothing after a history row was edited")
	}
	first := r.Problems[0]
	if first.ClaimID != edited.ID || first.Seq != target.Seq || *target.LogIndex != first.LogIndex ||
		first.Stored != fmt.Sprintf("%x", target.Hash) || first.Computed == first.Stored {
		t.Errorf("first problem = %+v, want claim %d entry %d (log index %d) with stored hash %x", first, edited.ID, target.Seq, *target.LogIndex, target.Hash)
	}
	if len(r.Problems) != 1 {
		t.Errorf("problems = %v, want only the edited row", r.Problems)
	}
	if s := first.String(); !strings.Contains(s, fmt.Sprintf("claim %d entry %d", edited.ID, target.Seq)) || !strings.Contains(s, "stored hash") {
		t.Errorf("problem reads %q", s)
	}
}

// A forger who also rewrites the edited row's hash is caught by the next
// entry's link and by the signed checkpoint.
func TestVerifyCatchesARewrittenHash(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	c := b.env.ClaimIn(t, models.StateConfirmed, b.checker, b.editor, "The tunnel is 57 km long.")
	if _, err := b.svc.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	hist, err := b.env.App.Store.History(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	tamper(t, b, `verdict = 'false', hash = sha256(hash)`, c.ID, hist[len(hist)-2].Seq)
	r := verify(t, b)
	var names, checkpoint bool
	for _, p := range r.Problems {
		names = names || (p.ClaimID == c.ID && p.Seq == hist[len(hist)-2].Seq)
		checkpoint = checkpoint || strings.Contains(p.Message, "checkpoint")
	}
	if !names || !checkpoint {
		t.Errorf("problems = %v, want the edited row and the checkpoint named", r.Problems)
	}
}

func TestVerifyNamesAGap(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	c := b.env.ClaimIn(t, models.StateVerifying, b.checker, b.editor, "Crime rose 20%.")
	if _, err := b.svc.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	hist, _ := b.env.App.Store.History(ctx, c.ID)
	tx, err := b.env.App.Store.SQL().Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ALTER TABLE claim_history DISABLE TRIGGER claim_history_no_update_delete`,
		fmt.Sprintf(`DELETE FROM claim_history WHERE claim_id = %d AND seq = %d`, c.ID, hist[1].Seq),
		`ALTER TABLE claim_history ENABLE TRIGGER claim_history_no_update_delete`,
	} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	r := verify(t, b)
	if r.OK() || !strings.Contains(r.Problems[0].Message, "missing") {
		t.Errorf("after deleting a row, problems = %v, want the gap named", r.Problems)
	}
}

// Rows inserted without a hash (as before this log existed) are sealed by
// the next change, in the same transaction, before it chains onto them.
func TestUnsealedRowsAreSealedByTheNextWrite(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	c := b.env.Claim(t, b.checker, "Exports grew 8%.")
	db := b.env.App.Store.SQL()
	if _, err := db.Exec(`UPDATE claims SET last_seq = last_seq + 2 WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	for seq := 2; seq <= 3; seq++ {
		if _, err := db.Exec(`INSERT INTO claim_history (claim_id, seq, kind, comment, details, at) VALUES ($1, $2, 'updated', 'by hand', '{"b": 1.50, "a": [true]}', now())`, c.ID, seq); err != nil {
			t.Fatal(err)
		}
	}
	if r := verify(t, b); r.Unsealed != 2 {
		t.Fatalf("Unsealed = %d, want the 2 rows inserted by hand", r.Unsealed)
	}
	c, err := b.env.App.Store.Claim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.env.App.Engine.UpdateClaim(ctx, b.checker.User, c.ID, workflow.ClaimPatch{Version: c.Version, Claimant: models.Optional[string]{Set: true, Value: "Minister"}}); err != nil {
		t.Fatal(err)
	}
	r := verify(t, b)
	if !r.OK() || r.Unsealed != 0 {
		t.Fatalf("after the next write: %+v, want every row sealed and OK", r)
	}
	hist, _ := b.env.App.Store.History(ctx, c.ID)
	for i, e := range hist {
		if e.LogIndex == nil || (i > 0 && *e.LogIndex <= *hist[i-1].LogIndex) {
			t.Errorf("entry %d has log index %v, want increasing indices in seq order", e.Seq, e.LogIndex)
		}
	}
}

// Changes to different claims at once get gapless log indices.
func TestConcurrentChangesShareOneLog(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	claims := make([]*models.Claim, 4)
	for i := range claims {
		claims[i] = b.env.Claim(t, b.checker, fmt.Sprintf("Claim number %d is true.", i))
	}
	var wg sync.WaitGroup
	for _, c := range claims {
		wg.Add(1)
		go func() {
			defer wg.Done()
			version := c.Version
			for j := range 5 {
				got, err := b.env.App.Engine.UpdateClaim(ctx, b.checker.User, c.ID, workflow.ClaimPatch{Version: version,
					Claimant: models.Optional[string]{Set: true, Value: fmt.Sprint("speaker ", j)}})
				if err != nil {
					t.Error(err)
					return
				}
				version = got.Version
			}
		}()
	}
	wg.Wait()
	r := verify(t, b)
	if !r.OK() || r.Entries != int64(len(claims)*6) {
		t.Fatalf("Verify after concurrent changes = %+v, want OK over %d entries", r, len(claims)*6)
	}
}

// The publication hook asks for a checkpoint in the transaction of each
// change the public sees, and of no other.
func TestPublicationHookAsksForACheckpoint(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	engine := workflow.NewEngine(b.env.App.Store)
	var asked atomic.Int32
	engine.OnChange(audit.PublicationHook(func(_ context.Context, tx *store.Tx, args river.JobArgs) error {
		if tx == nil || args.Kind() != "audit_checkpoint" {
			t.Errorf("enqueue(%v, %s): want a transaction and the checkpoint job", tx, args.Kind())
		}
		asked.Add(1)
		return nil
	}))
	c := b.env.ClaimIn(t, models.StateVerified, b.checker, b.editor, "The river is 300 km long.")
	c, err := engine.UpdateClaim(ctx, b.editor.User, c.ID, workflow.ClaimPatch{Version: c.Version, Priority: models.Optional[models.Priority]{Set: true, Value: models.PriorityHigh}})
	if err != nil {
		t.Fatal(err)
	}
	if n := asked.Load(); n != 0 {
		t.Fatalf("checkpoints asked before publication: %d", n)
	}
	if c, err = engine.Apply(ctx, b.editor.User, c.ID, workflow.Request{Action: models.ActionConfirm, Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	if n := asked.Load(); n != 1 {
		t.Fatalf("checkpoints asked after a confirm = %d, want 1", n)
	}
	if _, err = engine.Apply(ctx, b.editor.User, c.ID, workflow.Request{Action: models.ActionReopen, Version: c.Version, Comment: "the length is disputed"}); err != nil {
		t.Fatal(err)
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("checkpoints asked after a reopen = %d, want 2", n)
	}
}
