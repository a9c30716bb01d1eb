package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/archive/anchor"
	"github.com/factdesk/factdesk/archive/tsa"
	"github.com/factdesk/factdesk/archive/wacz"
	"github.com/factdesk/factdesk/archive/warc"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/testtools"
	"github.com/factdesk/factdesk/internal/tsatest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

type captureJSON struct {
	ID               int64                   `json:"id"`
	Revisit          bool                    `json:"revisit"`
	ResponseRecordID string                  `json:"response_record_id"`
	RefersTo         string                  `json:"refers_to"`
	PayloadDigest    string                  `json:"payload_digest"`
	CaptureSHA256    string                  `json:"capture_sha256"`
	Storage          string                  `json:"storage"`
	TimestampStatus  string                  `json:"timestamp_status"`
	Timestamps       []sources.TimestampView `json:"timestamps"`
	Anchor           *anchor.Anchor          `json:"anchor"`
	Reanchor         *anchor.Result          `json:"reanchor"`
}

// longFiller puts the quote past the old 200 KiB cut of the readable text.
var longFiller = strings.Repeat("Background paragraph about the council budget and its many lines. ", 4000)

const (
	capQuote = "We will build 400 homes by 2027"
	capV1    = "Minister's statement. We will build 400 homes by 2027, the minister said on Monday. More text follows."
	capV2    = "Minister's statement. We will build 200 homes by 2030, the minister said on Monday. More text follows."
)

func TestCapturesTimestampsAnchorsAndPacket(t *testing.T) {
	t.Parallel()
	auth := tsatest.Start(t, tsatest.Options{})
	env := apptest.SourceDesk(t, func(c *app.Config) {
		c.TSAURLs = []string{auth.URL}
		c.TSARoots = auth.Roots
	})
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	page := apptest.NewSourcePage(t, apptest.SourceArticle("Statement", longFiller+capV1))
	claimID, evID := env.ConfirmedWith(t, checker, editor, "The minister promised 400 homes by 2027.", page.URL()+"/statement", capQuote)
	if ev := env.WaitChecked(t, checker.Token, claimID, evID); ev.Status != "verified" || ev.ExcerptStatus != "found" {
		t.Fatalf("first check = %+v, want verified with the quote found past 200 KiB", ev)
	}
	// An unchanged recheck is a revisit; a changed page is a new response.
	srcCheckNow(t, env, checker.Token, claimID, evID)
	page.Set(http.StatusOK, apptest.SourceArticle("Statement", longFiller+capV2))
	if ev := srcCheckNow(t, env, checker.Token, claimID, evID); ev.Status != "changed" {
		t.Fatalf("changed page: status %q, want changed", ev.Status)
	}

	base := "/api/v1/claims/" + itoa(claimID) + "/evidence/" + itoa(evID) + "/captures"
	res := env.Do(t, "GET", base, checker.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET captures")
	var list struct{ Items []captureJSON }
	res.Decode(t, &list)
	if len(list.Items) != 3 {
		t.Fatalf("captures = %d, want 3", len(list.Items))
	}
	changed, same, first := list.Items[0], list.Items[1], list.Items[2]
	if first.Revisit || !same.Revisit || changed.Revisit || same.RefersTo != first.ResponseRecordID {
		t.Errorf("revisit flags first/same/changed = %v/%v/%v refers_to %q, want false/true/false to %q",
			first.Revisit, same.Revisit, changed.Revisit, same.RefersTo, first.ResponseRecordID)
	}
	if same.PayloadDigest != first.PayloadDigest || changed.PayloadDigest == first.PayloadDigest {
		t.Errorf("payload digests %s %s %s", first.PayloadDigest, same.PayloadDigest, changed.PayloadDigest)
	}
	for i, c := range list.Items {
		if c.Storage != "database" || c.TimestampStatus != string(tsa.StatusTimestamped) || len(c.Timestamps) != 1 ||
			c.Timestamps[0].Authority != auth.URL || !c.Timestamps[0].ChainVerified {
			t.Errorf("capture %d = %+v, want in the database with one chain-verified token", i, c)
		}
	}
	if first.Anchor == nil || first.Anchor.Quote.Exact != capQuote || first.Anchor.Position.Start < 200<<10 {
		t.Errorf("first anchor = %+v, want the quote past 200 KiB", first.Anchor)
	}
	if changed.Anchor != nil || changed.Reanchor == nil || changed.Reanchor.Status != anchor.QuoteChanged ||
		!strings.Contains(changed.Reanchor.New, "200 homes by 2030") || len(changed.Reanchor.Diff) == 0 {
		t.Errorf("changed capture anchor %+v reanchor %+v, want no anchor and a quote_changed diff", changed.Anchor, changed.Reanchor)
	}
	alerts := srcHistory(t, env, claimID, models.HistoryEvidenceChanged)
	if len(alerts) != 1 || srcDetail(t, alerts[0], "quote") == nil {
		t.Errorf("evidence_changed entries = %+v, want one with the quote's diff", alerts)
	}

	// One capture's text and records, read back by the WARC reader; the
	// token verifies with openssl against the stored bytes.
	res = env.Do(t, "GET", base+"/"+itoa(first.ID), checker.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET capture")
	var one struct{ Text string }
	res.Decode(t, &one)
	if s, e, err := first.Anchor.ByteRange(one.Text); err != nil || one.Text[s:e] != capQuote {
		t.Errorf("anchor in the capture's text: %v", err)
	}
	res = env.Do(t, "GET", base+"/"+itoa(first.ID)+"/warc", checker.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET capture WARC")
	recs, err := warc.ReadAll(bytes.NewReader(res.Body))
	if err != nil || len(recs) != 3 || recs[1].ID != first.ResponseRecordID || !strings.Contains(string(recs[1].Payload), "400 homes") {
		t.Fatalf("WARC records = %d, %v", len(recs), err)
	}
	if recs[2].Type != warc.TypeMetadata || !strings.Contains(string(recs[2].Payload), "ip-address: 127.0.0.1") {
		t.Errorf("metadata record = %q", recs[2].Payload)
	}
	wf := filepath.Join(t.TempDir(), "capture.warc.gz")
	if err := os.WriteFile(wf, res.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	caps, err := env.App.Store.EvidenceCaptures(t.Context(), evID)
	if err != nil {
		t.Fatal(err)
	}
	auth.VerifyWithOpenSSL(t, caps[2].Timestamps[0].Token, wf, "")

	// The packet: download, verify, and follow claim → evidence → anchor → record.
	res = env.Do(t, "GET", "/api/v1/claims/"+itoa(claimID)+"/evidence-packet", checker.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET evidence-packet")
	if ct := res.Header.Get("Content-Type"); ct != sources.PacketContentType {
		t.Errorf("packet Content-Type = %q", ct)
	}
	rep, err := wacz.Verify(res.Body, auth.Roots)
	if err != nil {
		t.Fatalf("wacz.Verify: %v", err)
	}
	if rep.Captures != 3 || rep.Tokens != 3 || rep.Records != 10 {
		t.Errorf("packet report = %+v", rep)
	}
	prov := rep.Provenance
	if prov.Claim.ID != itoa(claimID) || prov.Claim.Verdict != "true" || len(prov.Evidence) != 1 {
		t.Fatalf("provenance claim = %+v, %d evidence", prov.Claim, len(prov.Evidence))
	}
	pe := prov.Evidence[0]
	// The anchor is the newest capture the quote was found in: the revisit.
	if pe.ID != itoa(evID) || pe.Excerpt == nil || pe.Excerpt.Quote.Exact != capQuote || pe.AnchorCapture != same.ResponseRecordID ||
		pe.AnchorTextFile == "" || len(pe.Captures) != 3 {
		t.Errorf("provenance evidence %s: excerpt %+v, anchor capture %s (want %s), text %q, %d captures",
			pe.ID, pe.Excerpt, pe.AnchorCapture, same.ResponseRecordID, pe.AnchorTextFile, len(pe.Captures))
	}
	var anchored *wacz.CaptureRef
	for i := range pe.Captures {
		if pe.Captures[i].ResponseRecordID == pe.AnchorCapture {
			anchored = &pe.Captures[i]
		}
	}
	if anchored == nil || anchored.SpanSHA256 != same.CaptureSHA256 || len(anchored.Timestamps) != 1 ||
		anchored.Records[1].ID != same.ResponseRecordID || anchored.Records[1].Type != "revisit" || anchored.RefersTo != first.ResponseRecordID {
		t.Fatalf("anchored capture in provenance is not the revisit of the first capture with its token")
	}
	if _, err := hex.DecodeString(first.CaptureSHA256); err != nil {
		t.Error(err)
	}
	warcioReads(t, res.Body, first.ResponseRecordID, first.PayloadDigest)
}

// warcioReads parses the packet's WARC file with warcio.js, a reader
// independent of the Go library that wrote it, and checks the response
// record's payload digest as warcio computes it.
func warcioReads(t *testing.T, packet []byte, responseID, digest string) {
	t.Helper()
	nodePath := testtools.WarcioNodePath(t)
	zr, err := zip.NewReader(bytes.NewReader(packet), int64(len(packet)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(wacz.WARCPath)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	file := filepath.Join(t.TempDir(), "data.warc.gz")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("../../archive/wacz/testdata/warcio-check.cjs")
	cmd := exec.Command("node", script, file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio: %v", err)
	}
	var types []string
	found := false
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r struct{ Type, ID, PayloadDigest, ComputedSha256 string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		types = append(types, r.Type)
		if r.ID == responseID {
			found = r.Type == "response" && r.PayloadDigest == digest && r.ComputedSha256 == digest
		}
	}
	if len(types) != 10 || !found {
		t.Errorf("warcio read %v; response %s with digest %s found: %v", types, responseID, digest, found)
	}
}

func TestCapturesInDirectoryUntimestamped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := apptest.SourceDesk(t, func(c *app.Config) { c.CaptureDir = dir })
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	page := apptest.NewSourcePage(t, apptest.SourceArticle("Statement", capV1))
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "The minister promised 400 homes.")
	ev := env.AddEvidence(t, checker, c.ID, map[string]any{"url": page.URL(), "excerpt": capQuote})
	env.WaitChecked(t, checker.Token, c.ID, ev.ID)

	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/evidence/"+itoa(ev.ID)+"/captures", checker.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET captures")
	var list struct{ Items []captureJSON }
	res.Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Storage != "directory" || list.Items[0].TimestampStatus != string(tsa.StatusUnconfigured) {
		t.Fatalf("captures = %+v, want one in the directory, untimestamped", list.Items)
	}
	files, _ := filepath.Glob(filepath.Join(dir, itoa(ev.ID), "*.warc.gz"))
	if len(files) != 1 {
		t.Fatalf("capture files = %v", files)
	}
	var n int
	if err := env.App.Store.SQL().QueryRow("SELECT count(*) FROM capture_chunks").Scan(&n); err != nil || n != 0 {
		t.Errorf("capture_chunks rows = %d (%v), want none", n, err)
	}
	res = env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/evidence-packet", checker.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET evidence-packet")
	rep, err := wacz.Verify(res.Body, nil)
	if err != nil || rep.Captures != 1 || rep.Provenance.Evidence[0].Captures[0].TimestampStatus != tsa.StatusUnconfigured {
		t.Errorf("packet = %+v, %v", rep, err)
	}
	// A claim with nothing captured has no packet.
	empty := env.Claim(t, checker, "Nothing cited yet.")
	res = env.Do(t, "GET", "/api/v1/claims/"+itoa(empty.ID)+"/evidence-packet", checker.Token, nil)
	wantStatus(t, res, http.StatusConflict, "GET evidence-packet without captures")
}
