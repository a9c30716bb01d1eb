package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/internal/tsatest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/transfer"
	"github.com/factdesk/factdesk/workflow"
)

// moveDesk is a desk with a row of nearly every kind the archive carries,
// made through the API and the engine as people would.
type moveDesk struct {
	env                     *apptest.Env
	admin, editor, checker  apptest.User
	claims                  []int64
	captureEvidence, claimC int64
}

func do(t *testing.T, env *apptest.Env, who apptest.User, method, path string, body any, want int) map[string]any {
	t.Helper()
	res := env.Do(t, method, path, who.Token, body)
	if res.Status != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, res.Status, want, res.Body)
	}
	if len(res.Body) == 0 || res.Body[0] != '{' {
		return nil
	}
	return res.JSON(t)
}

func idOf(m map[string]any) int64 { return int64(m["id"].(float64)) }

func buildMoveDesk(t *testing.T) *moveDesk {
	t.Helper()
	tsa := tsatest.Start(t, tsatest.Options{})
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(sink.Close)
	captureDir := t.TempDir()
	env := apptest.SourceDesk(t, func(c *app.Config) {
		c.CaptureDir = captureDir
		c.TSAURLs, c.TSARoots = []string{tsa.URL}, tsa.Roots
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	d := &moveDesk{env: env, admin: env.User(t, models.RoleAdmin), editor: env.User(t, models.RoleEditor), checker: env.User(t, models.RoleChecker)}
	viewer := env.User(t, models.RoleViewer)
	env.Integration(t, d.admin, models.RoleChecker, 10, models.ScopeClaimsRead)

	do(t, env, d.admin, "PATCH", "/api/v1/settings", map[string]any{"bylines": true}, 200)
	do(t, env, d.editor, "POST", "/api/v1/sources", map[string]any{"domain": "stats.example.org", "name": "Statistics office", "rating": "reliable"}, 201)
	do(t, env, d.admin, "POST", "/api/v1/webhooks", map[string]any{"url": sink.URL, "events": []string{"*"}, "description": "CMS"}, 201)
	do(t, env, viewer, "PUT", "/api/v1/notifications/preferences", map[string]any{"preferences": map[string]string{"confirmed": "hourly"}}, 200)

	// An article whose sentences are filed as claims.
	art := do(t, env, d.checker, "POST", "/api/v1/articles", map[string]any{"text": "The minister said unemployment fell to 3.1 percent in 2025. " +
		"Exports rose by 12 percent last year, the ministry claimed. It was a sunny day.", "title": "Economy", "url": "https://news.example.org/economy"}, 201)
	if len(art["candidates"].([]any)) == 0 {
		t.Fatalf("article without candidates: %v", art)
	}
	filed := do(t, env, d.checker, "POST", fmt.Sprintf("/api/v1/articles/%d/claims", idOf(art)), map[string]any{"candidates": []int{0}}, 201)
	_ = filed

	// A confirmed claim with a captured, timestamped source, a correction
	// and followers; a disputed one; one rejected as a duplicate of a
	// later claim (duplicate_of points forward).
	page := apptest.NewSourcePage(t, apptest.SourceArticle("Labour survey", "Unemployment was 3.0 percent in 2025, the survey found."))
	c := env.ClaimIn(t, models.StateVerifying, d.checker, d.editor, "Unemployment was 3.0 percent in 2025.")
	do(t, env, viewer, "PUT", fmt.Sprintf("/api/v1/claims/%d/follow", c.ID), nil, 200)
	ev := do(t, env, d.checker, "POST", fmt.Sprintf("/api/v1/claims/%d/evidence", c.ID), map[string]any{"url": page.URL() + "/survey", "stance": "supports", "excerpt": "Unemployment was 3.0 percent"}, 201)
	d.captureEvidence, d.claimC = idOf(ev), c.ID
	apptest.Eventually(t, 20*time.Second, "the source check and its capture", func() bool {
		res := env.Do(t, "GET", fmt.Sprintf("/api/v1/claims/%d/evidence/%d/captures", c.ID, idOf(ev)), d.checker.Token, nil)
		var list struct{ Items []map[string]any }
		return res.Status == 200 && json.Unmarshal(res.Body, &list) == nil && len(list.Items) > 0 && list.Items[0]["timestamp_status"] != "pending"
	})
	do(t, env, d.checker, "POST", fmt.Sprintf("/api/v1/claims/%d/comments", c.ID), map[string]any{"body": "Checked against the survey, @" + strings.Split(d.editor.Email, "@")[0]}, 201)
	transition := func(by apptest.User, id int64, body map[string]any) {
		t.Helper()
		cur := do(t, env, by, "GET", fmt.Sprintf("/api/v1/claims/%d", id), nil, 200)
		body["version"] = cur["version"]
		do(t, env, by, "POST", fmt.Sprintf("/api/v1/claims/%d/transitions", id), body, 200)
	}
	transition(d.checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "The survey says so."})
	transition(d.editor, c.ID, map[string]any{"action": "confirm"})
	transition(d.editor, c.ID, map[string]any{"action": "reopen", "comment": "The survey was revised."})
	transition(d.checker, c.ID, map[string]any{"action": "verify", "verdict": "mostly_true", "summary": "Revised to 3.1 percent."})
	transition(d.editor, c.ID, map[string]any{"action": "confirm"})
	env.ClaimIn(t, models.StateDisputed, d.checker, d.editor, "Exports doubled last year.")
	dup := env.Claim(t, d.checker, "Crime fell by half.")
	later := env.Claim(t, d.checker, "Crime fell by 50 percent.")
	transition(d.editor, dup.ID, map[string]any{"action": "reject", "duplicate_of": later.ID, "comment": "Same claim."})

	// Other outlets' fact-checks in the archive.
	csv := "claim,claimant,rating,outlet,url,date\n\"The city planted 10,000 trees in 2023.\",Mayor Smith,False,Green Facts,https://greenfacts.example.org/trees,2024-01-20\n"
	req, _ := http.NewRequest("POST", env.URL+"/api/v1/factchecks/import", strings.NewReader(csv))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+d.editor.Token)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("import fact-checks: %v %v", err, res)
	}
	// A stored model version (inactive: the shipped model keeps scoring).
	err := env.App.Store.WithTx(context.Background(), func(tx *store.Tx) error {
		return tx.SaveModelVersion(context.Background(), store.NewModelVersion{Version: "test-1", Model: []byte(`{"weights":[0.25,-1.5e-7],"bias":3}`), Report: "P=0.5 R=0.5"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// A model switch, on and back to the shipped model, recorded with who
	// switched.
	for _, v := range []string{"test-1", ""} {
		err := env.App.Store.WithTx(context.Background(), func(tx *store.Tx) error {
			return tx.ActivateModelVersion(context.Background(), v, &d.admin.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A saved view and the desk's logo.
	do(t, env, d.editor, "POST", "/api/v1/views", map[string]any{"name": "Urgent economy claims", "page": "list", "query": "priority=urgent&tag=economy", "shared": true}, 201)
	if _, err := env.App.Engine.UpdateBranding(context.Background(), d.admin.User, workflow.BrandingPatch{Logo: testLogo(t)}); err != nil {
		t.Fatal(err)
	}
	env.WaitForJobs(t, "audit_checkpoint")
	if _, err := env.App.Audit.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows, err := env.App.Store.SQL().Query(`SELECT id FROM claims ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		d.claims = append(d.claims, id)
	}
	return d
}

// TestExportImportRoundTrip moves a desk with every kind of record to a
// fresh database through the two commands and compares the API's views
// of both; `factdesk audit verify` passes on the new desk.
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	d := buildMoveDesk(t)
	ctx := context.Background()
	src := d.env.App.Config
	archive := filepath.Join(t.TempDir(), "desk.jsonl")
	var report bytes.Buffer
	if err := runExport(ctx, src, []string{"--all", "--with-password-hashes", archive}, io.Discard, &report); err != nil {
		t.Fatalf("export: %v", err)
	}
	exported := readArchive(t, archive)
	if exported.header.Format != transfer.Format || !exported.header.PasswordHashes || exported.header.Schema == 0 {
		t.Errorf("header = %+v", exported.header)
	}
	for _, typ := range []string{"user", "outlet", "article", "claim", "assignment", "history", "comment", "evidence", "evidence_snapshot",
		"capture", "capture_chunk", "capture_timestamp", "publication", "correction", "follow", "notification", "notification_pref",
		"candidate_decision", "factcheck", "model_version", "webhook", "settings", "checkpoint", "log_head",
		"saved_view", "model_activation", "logo"} {
		if exported.counts[typ] == 0 {
			t.Errorf("the archive has no %s record: the test desk should have one of each", typ)
		}
	}
	if bytes.Contains(exported.raw, []byte("secret_sealed")) || bytes.Contains(exported.raw, []byte("whsec_")) || bytes.Contains(exported.raw, []byte("token_hash")) {
		t.Error("the archive carries a secret")
	}

	// Into a fresh database, with a checkpoint key of its own.
	dst := app.Config{DatabaseURL: pgtest.URL(t), Audit: apptest.AuditConfig(t), Addr: src.Addr, PublicURL: src.PublicURL}
	var out bytes.Buffer
	if err := runImport(ctx, dst, []string{archive}, nil, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "signed a checkpoint") || !strings.Contains(out.String(), "1 webhook endpoint(s) are disabled") {
		t.Errorf("import said:\n%s", out.String())
	}
	// Importing again is refused: the database is not empty.
	if err := runImport(ctx, dst, []string{archive}, nil, io.Discard); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second import = %v, want a refusal naming the non-empty database", err)
	}

	var vout bytes.Buffer
	if err := runAudit(ctx, dst, dst.Audit, []string{"verify"}, &vout); err != nil || !strings.HasPrefix(vout.String(), "OK: ") {
		t.Fatalf("audit verify on the new desk: %v\n%s", err, vout.String())
	}

	moved := serveDesk(t, dst)
	token, _, err := moved.App.Auth.IssueToken(ctx, d.editor.Email, d.editor.Password, "test")
	if err != nil {
		t.Fatalf("the editor signs in on the new desk with the old password: %v", err)
	}
	// Counts: exporting the new desk gives the same rows.
	again := filepath.Join(t.TempDir(), "again.jsonl")
	if err := runExport(ctx, dst, []string{"--all", "--with-password-hashes", again}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	// The import added one checkpoint: the new desk's key signing the
	// imported log.
	want := maps.Clone(exported.counts)
	want["checkpoint"]++
	if got := readArchive(t, again).counts; !reflect.DeepEqual(got, want) {
		t.Errorf("counts after the move = %v, want %v", got, want)
	}

	// The API's views agree, claim by claim.
	paths := []string{"/api/v1/users", "/api/v1/sources", "/api/v1/settings", "/api/v1/views"}
	for _, id := range d.claims {
		for _, p := range []string{"", "/history", "/evidence", "/comments", "/options", "/source-warnings"} {
			paths = append(paths, fmt.Sprintf("/api/v1/claims/%d%s", id, p))
		}
	}
	paths = append(paths, fmt.Sprintf("/api/v1/claims/%d/evidence/%d/captures", d.claimC, d.captureEvidence), fmt.Sprintf("/api/v1/claims/%d/claimreview", d.claimC))
	for _, p := range paths {
		a, b := d.env.Do(t, "GET", p, d.editor.Token, nil), moved.Do(t, "GET", p, token, nil)
		// A capture kept as a file arrives in the database.
		a.Body = bytes.ReplaceAll(a.Body, []byte(`"storage":"directory"`), []byte(`"storage":"database"`))
		if a.Status != b.Status || !jsonEqual(t, a.Body, b.Body, p) {
			t.Errorf("GET %s differs after the move:\nbefore %d %s\nafter  %d %s", p, a.Status, a.Body, b.Status, b.Body)
		}
	}
	if a, b := modelVersions(t, d.env), modelVersions(t, moved); !reflect.DeepEqual(a, b) {
		t.Errorf("model versions after the move = %+v, want %+v", b, a)
	}
	if a, b := modelActivations(t, d.env), modelActivations(t, moved); len(a) != 2 || !reflect.DeepEqual(a, b) {
		t.Errorf("model switches after the move = %+v, want %+v", b, a)
	}
	if a, b := deskLogo(t, d.env), deskLogo(t, moved); !bytes.Equal(a.Data, b.Data) || a.ContentType != b.ContentType || a.SHA256 != b.SHA256 {
		t.Errorf("the logo after the move = %s %s (%d bytes), want %s %s (%d bytes)", b.ContentType, b.SHA256, len(b.Data), a.ContentType, a.SHA256, len(a.Data))
	}
	// The capture's bytes (a file before, chunks in the database now).
	caps := d.env.Do(t, "GET", fmt.Sprintf("/api/v1/claims/%d/evidence/%d/captures", d.claimC, d.captureEvidence), d.editor.Token, nil)
	var list struct{ Items []struct{ ID int64 } }
	caps.Decode(t, &list)
	warc := fmt.Sprintf("/api/v1/claims/%d/evidence/%d/captures/%d/warc", d.claimC, d.captureEvidence, list.Items[0].ID)
	if a, b := d.env.Do(t, "GET", warc, d.editor.Token, nil), moved.Do(t, "GET", warc, token, nil); a.Status != 200 || !bytes.Equal(a.Body, b.Body) {
		t.Errorf("the capture's WARC differs after the move (%d, %d bytes vs %d)", a.Status, len(a.Body), len(b.Body))
	}
	// Webhooks arrive disabled, with a secret nobody knows; new rows get
	// new ids past the imported ones.
	hooks := moved.Do(t, "GET", "/api/v1/webhooks", mustAdminToken(t, moved, d.admin), nil)
	if !bytes.Contains(hooks.Body, []byte(`"active":false`)) || !bytes.Contains(hooks.Body, []byte("imported from another desk")) {
		t.Errorf("imported webhooks = %s", hooks.Body)
	}
	fresh := moved.Claim(t, apptest.User{User: mustUser(t, moved, d.checker.ID)}, "A claim filed after the move.")
	if fresh.ID <= d.claims[len(d.claims)-1] {
		t.Errorf("new claim id %d, want past the imported %d", fresh.ID, d.claims[len(d.claims)-1])
	}
}

// TestImportWithoutPasswordHashes: users arrive without passwords, and
// `factdesk users password` gives one back.
func TestImportWithoutPasswordHashes(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := runExport(ctx, env.App.Config, []string{"--all", "-"}, &buf, io.Discard); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(`"password_hash":`)) || bytes.Contains(buf.Bytes(), []byte("$2a$")) {
		t.Fatalf("the archive carries password hashes without --with-password-hashes:\n%s", buf.String())
	}
	dst := app.Config{DatabaseURL: pgtest.URL(t), Audit: apptest.AuditConfig(t)}
	var out bytes.Buffer
	if err := runImport(ctx, dst, []string{"-"}, &buf, &out); err != nil || !strings.Contains(out.String(), "users came without passwords") {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	moved := serveDesk(t, dst)
	if _, _, err := moved.App.Auth.IssueToken(ctx, editor.Email, editor.Password, "test"); !models.IsCode(err, models.EUnauthorized) {
		t.Fatalf("sign-in with the old password after an import without hashes = %v, want refused", err)
	}
	out.Reset()
	if err := runUsersPassword(ctx, dst, []string{"--email", editor.Email}, &out); err != nil {
		t.Fatal(err)
	}
	_, pw, _ := strings.Cut(out.String(), "password: ")
	if _, _, err := moved.App.Auth.IssueToken(ctx, editor.Email, strings.TrimSpace(pw), "test"); err != nil {
		t.Fatalf("sign-in with the password set by factdesk users password: %v\n%s", err, out.String())
	}
}

// TestImportRefusesDamagedArchives: a truncated archive, one from another
// schema or of another format imports nothing.
func TestImportRefusesDamagedArchives(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	env.Claim(t, admin, "A claim to move.")
	ctx := context.Background()
	var buf bytes.Buffer
	if err := runExport(ctx, env.App.Config, []string{"--all", "-"}, &buf, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSpace(buf.String()), "\n")
	header := lines[0]
	cases := map[string]string{
		"truncated":     strings.Join(lines[:len(lines)-1], ""),
		"other schema":  strings.Replace(header, `"schema":`, `"schema":1`, 1) + strings.Join(lines[1:], ""),
		"not a desk":    `{"format":"something-else","version":1}` + "\n",
		"miscounted":    strings.Join(lines[:len(lines)-1], "") + `{"type":"end","counts":{"user":99}}` + "\n",
		"out of order":  header + lines[len(lines)-2] + strings.Join(lines[1:], ""),
		"unknown type":  header + `{"type":"secret","data":{}}` + "\n" + strings.Join(lines[1:], ""),
		"not JSON rows": header + "garbage\n",
	}
	for name, text := range cases {
		dst := app.Config{DatabaseURL: pgtest.URL(t), Audit: apptest.AuditConfig(t)}
		err := runImport(ctx, dst, []string{"-"}, strings.NewReader(text), io.Discard)
		if err == nil {
			t.Errorf("%s: import succeeded", name)
			continue
		}
		t.Logf("%s: %v", name, err)
		st, err := store.Open(ctx, dst.DatabaseURL, store.Options{MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := st.CountUsers(ctx); n != 0 {
			t.Errorf("%s: %d users were imported", name, n)
		}
		st.Close()
	}
}

type archiveFile struct {
	header transfer.Header
	counts map[string]int64
	raw    []byte
}

func readArchive(t *testing.T, path string) archiveFile {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a := archiveFile{raw: raw, counts: map[string]int64{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 16<<20)
	sc.Scan()
	if err := json.Unmarshal(sc.Bytes(), &a.header); err != nil {
		t.Fatalf("header: %v", err)
	}
	var end map[string]int64
	for sc.Scan() {
		var r struct {
			Type   string
			Counts map[string]int64
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("record: %v", err)
		}
		if r.Type == "end" {
			end = r.Counts
			continue
		}
		a.counts[r.Type]++
	}
	if !reflect.DeepEqual(end, a.counts) {
		t.Errorf("end record counts %v, records %v", end, a.counts)
	}
	return a
}

// serveDesk runs a desk over an existing database, without its workers.
func serveDesk(t *testing.T, cfg app.Config) *apptest.Env {
	t.Helper()
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &apptest.Env{App: a, Server: srv, URL: srv.URL, DBURL: cfg.DatabaseURL}
}

func modelVersions(t *testing.T, env *apptest.Env) []store.ModelVersion {
	t.Helper()
	vs, err := env.App.Store.ModelVersions(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func modelActivations(t *testing.T, env *apptest.Env) []store.ModelActivation {
	t.Helper()
	as, err := env.App.Store.ModelActivations(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := range as {
		as[i].ActivatedAt = as[i].ActivatedAt.UTC()
	}
	return as
}

func deskLogo(t *testing.T, env *apptest.Env) *models.Logo {
	t.Helper()
	l, err := env.App.Store.Logo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// testLogo is a small PNG.
func testLogo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for x := range 8 {
		img.Set(x, x%4, color.RGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustUser(t *testing.T, env *apptest.Env, id int64) *models.User {
	t.Helper()
	u, err := env.App.Store.User(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustAdminToken(t *testing.T, env *apptest.Env, admin apptest.User) string {
	t.Helper()
	tok, _, err := env.App.Auth.IssueToken(context.Background(), admin.Email, admin.Password, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// jsonEqual compares two JSON bodies as values, so key order and number
// formatting do not count.
func jsonEqual(t *testing.T, a, b []byte, what string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return bytes.Equal(a, b)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
