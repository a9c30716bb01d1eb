package public_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

var recordLine = regexp.MustCompile(`Recorded in the desk's tamper-evident log: checkpoint (\d+), root <code>([^<]+)</code>`)

// coveredPage polls a published page until it states a checkpoint that
// covers it: the checkpoint job its publication queued runs after commit.
func coveredPage(t *testing.T, env *apptest.Env, path string, minSize int) (string, int, string) {
	t.Helper()
	var body, root string
	var size int
	apptest.Eventually(t, 15*time.Second, "GET "+path+" to state a covering checkpoint of at least "+strconv.Itoa(minSize)+" entries", func() bool {
		res := env.Do(t, "GET", path, "", nil)
		wantStatus(t, res, http.StatusOK, "GET "+path)
		body = string(res.Body)
		m := recordLine.FindStringSubmatch(body)
		if m == nil {
			return false
		}
		size, _ = strconv.Atoi(m[1])
		root = html.UnescapeString(m[2])
		return size >= minSize
	})
	return body, size, root
}

func TestLogRoutes(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ctx := context.Background()
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The canal carries 12% of world trade.")
	page, err := env.App.Site.Load(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := "/factchecks/" + page.Slug

	body, size, root := coveredPage(t, env, path, 1)
	proofURL := path + "/proof.json"
	if !strings.Contains(body, `<link rel="factdesk-proof" href="`+proofURL+`">`) {
		t.Errorf("page does not link its proof %s:\n%s", proofURL, body)
	}

	res := env.Do(t, "GET", "/.well-known/factdesk/checkpoint-key", "", nil)
	wantStatus(t, res, http.StatusOK, "GET checkpoint-key")
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("checkpoint-key Content-Type = %q", ct)
	}
	v, err := audit.ParseVerifier(string(res.Body))
	if err != nil {
		t.Fatalf("checkpoint-key served %q: %v", res.Body, err)
	}
	if v.String() != env.App.Audit.Verifier().String() {
		t.Errorf("checkpoint-key = %s, want the desk's key %s", v, env.App.Audit.Verifier())
	}

	res = env.Do(t, "GET", "/.well-known/factdesk/checkpoint", "", nil)
	wantStatus(t, res, http.StatusOK, "GET checkpoint")
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("checkpoint Content-Type = %q", ct)
	}
	cp, err := v.Verify(res.Body)
	if err != nil {
		t.Fatalf("the served checkpoint does not verify: %v\n%s", err, res.Body)
	}
	if cp.Size < size || (cp.Size == size && base64.StdEncoding.EncodeToString(cp.Root[:]) != root) {
		t.Errorf("checkpoint size %d root %x; the page stated %d, %s", cp.Size, cp.Root[:], size, root)
	}

	res = env.Do(t, "GET", proofURL, "", nil)
	wantStatus(t, res, http.StatusOK, "GET proof")
	var proof audit.Proof
	res.Decode(t, &proof)
	got, entries, err := audit.VerifyProof(&proof, v)
	if err != nil {
		t.Fatalf("the served proof does not verify: %v", err)
	}
	if proof.ClaimID != c.ID || len(entries) != 1 || entries[0].Entry.Action != models.ActionConfirm || got.Size < size {
		t.Errorf("proof of claim %d: claim %d, checkpoint size %d, entries %+v; want its confirm entry", c.ID, proof.ClaimID, got.Size, entries)
	}

	// A second publication: a newer checkpoint that extends the first.
	c2 := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The dam was finished in 1936.")
	page2, err := env.App.Site.Load(ctx, c2.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, size2, _ := coveredPage(t, env, "/factchecks/"+page2.Slug, got.Size+1)
	res = env.Do(t, "GET", fmt.Sprintf("/.well-known/factdesk/consistency?from=%d&to=%d", got.Size, size2), "", nil)
	wantStatus(t, res, http.StatusOK, "GET consistency")
	var cons audit.Consistency
	res.Decode(t, &cons)
	res = env.Do(t, "GET", "/.well-known/factdesk/checkpoint", "", nil)
	newer, err := v.Verify(res.Body)
	if err != nil || newer.Size != size2 {
		t.Fatalf("newest checkpoint = %+v, %v; want size %d", newer, err, size2)
	}
	if err := cons.Check(got, newer); err != nil {
		t.Errorf("consistency proof from %d to %d: %v", got.Size, size2, err)
	}

	for _, q := range []string{"from=0&to=1", fmt.Sprintf("from=1&to=%d", size2+100), "from=two&to=3", "to=3"} {
		wantStatus(t, env.Do(t, "GET", "/.well-known/factdesk/consistency?"+q, "", nil), http.StatusUnprocessableEntity, "GET consistency?"+q)
	}
	unpublished := env.ClaimIn(t, models.StateVerified, checker, editor, "Rents rose 40%.")
	wantStatus(t, env.Do(t, "GET", "/factchecks/"+itoa(unpublished.ID)+"/proof.json", "", nil), http.StatusNotFound, "proof of an unpublished claim")
	wantStatus(t, env.Do(t, "GET", "/factchecks/nothing/proof.json", "", nil), http.StatusNotFound, "proof of no claim")
}
