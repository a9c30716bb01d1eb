package wacz_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/archive/anchor"
	"github.com/factdesk/factdesk/archive/tsa"
	"github.com/factdesk/factdesk/archive/wacz"
	"github.com/factdesk/factdesk/archive/warc"
	"github.com/factdesk/factdesk/internal/testtools"
	"github.com/factdesk/factdesk/internal/tsatest"
)

const (
	pageV1 = "Minister's statement. We will build 400 homes by 2027, the minister said on Monday. More text follows."
	pageV2 = "Minister's statement. We will build 200 homes by 2030, the minister said on Monday. More text follows."
	quote  = "We will build 400 homes by 2027"
)

type bundle struct {
	site     *httptest.Server
	page     atomic.Value
	auth     *tsatest.Authority
	tsa      *tsa.Client
	captures []wacz.Capture
	packet   []byte
	prov     wacz.Provenance
	anchor   anchor.Anchor
}

// capture fetches the loopback page, writes it as its own .warc.gz (as the
// store will keep it) and timestamps it.
func (b *bundle) capture(t *testing.T, prior *warc.Prior, at time.Time) wacz.Capture {
	t.Helper()
	ctx, remote := warc.TraceRemoteIP(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.site.URL+"/statement?lang=en&a=1", nil)
	req.Header.Set("User-Agent", "factdesk-test/1")
	resp, err := b.site.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	f := warc.FromResponse(resp, body, remote(), at, warc.Settings{UserAgent: "factdesk-test/1", MaxBodyBytes: 5 << 20, MaxRedirects: 5})
	var buf bytes.Buffer
	c, err := warc.NewWriter(&buf, 0).WriteCapture(f, prior)
	if err != nil {
		t.Fatal(err)
	}
	wc := wacz.Capture{WARC: buf.Bytes(), Capture: c, Title: "Statement"}
	digest, err := wacz.CaptureDigest(wc)
	if err != nil {
		t.Fatal(err)
	}
	wc.Timestamp = b.tsa.Stamp(t.Context(), digest)
	if wc.Timestamp.Status != tsa.StatusTimestamped {
		t.Fatalf("timestamp: %s %v", wc.Timestamp.Status, wc.Timestamp.Errors)
	}
	return wc
}

func priorOf(c wacz.Capture) *warc.Prior {
	return &warc.Prior{RecordID: c.Capture.Response.ID, TargetURI: c.Capture.URL, Date: c.Capture.Time, PayloadDigest: c.Capture.PayloadDigest}
}

// setup captures a page three times (first, unchanged recheck, changed
// recheck), anchors the quote, and builds a packet.
func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{}
	b.page.Store(pageV1)
	b.site = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, b.page.Load().(string))
	}))
	t.Cleanup(b.site.Close)
	b.auth = tsatest.Start(t, tsatest.Options{})
	b.tsa = &tsa.Client{HTTP: http.DefaultClient, URLs: []string{b.auth.URL}, Roots: b.auth.Roots}

	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	first := b.capture(t, nil, t0)
	same := b.capture(t, priorOf(first), t0.Add(24*time.Hour))
	b.page.Store(pageV2)
	changed := b.capture(t, priorOf(first), t0.Add(48*time.Hour))
	if first.Capture.Revisit || !same.Capture.Revisit || changed.Capture.Revisit {
		t.Fatalf("revisit flags = %v %v %v, want false true false", first.Capture.Revisit, same.Capture.Revisit, changed.Capture.Revisit)
	}
	b.captures = []wacz.Capture{first, same, changed}

	i := strings.Index(pageV1, quote)
	a, err := anchor.New(pageV1, i, i+len(quote))
	if err != nil {
		t.Fatal(err)
	}
	b.anchor = a

	ids := func(cs ...wacz.Capture) []wacz.CaptureRef {
		var out []wacz.CaptureRef
		for _, c := range cs {
			out = append(out, wacz.CaptureRef{ResponseRecordID: c.Capture.Response.ID})
		}
		return out
	}
	var out bytes.Buffer
	b.prov, err = wacz.Build(&out, wacz.Packet{
		Title:    "Claim 7: 400 homes",
		Created:  t0.Add(72 * time.Hour),
		Software: "factdesk test",
		Captures: b.captures,
		Provenance: wacz.Provenance{
			Claim: wacz.Claim{ID: "7", Text: "The minister promised 400 homes by 2027.", Verdict: "true"},
			Evidence: []wacz.Evidence{{
				ID: "11", URL: first.Capture.URL, Excerpt: &a, AnchorCapture: first.Capture.Response.ID, AnchorText: pageV1,
				Captures: ids(first, same, changed),
			}},
		},
	})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	b.packet = out.Bytes()
	return b
}

func TestPacketVerifies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rep, err := wacz.Verify(b.packet, b.auth.Roots)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// warcinfo + 3 captures of 3 records; 4 files + 3 tokens.
	if rep.Records != 10 || rep.Captures != 3 || rep.Tokens != 3 || rep.Files != 8 {
		t.Errorf("report = %+v", rep)
	}
	ev := rep.Provenance.Evidence[0]
	if rep.Provenance.Claim.ID != "7" || ev.Excerpt == nil || ev.Excerpt.Quote.Exact != quote || ev.AnchorCapture != b.captures[0].Capture.Response.ID {
		t.Errorf("provenance = %+v", rep.Provenance)
	}
	if ev.Captures[1].RefersTo != b.captures[0].Capture.Response.ID || !ev.Captures[1].Revisit || ev.Captures[1].Records[1].Type != "revisit" {
		t.Errorf("recheck capture = %+v", ev.Captures[1])
	}
	if ev.Captures[0].TimestampStatus != tsa.StatusTimestamped || ev.Captures[0].Timestamps[0].TokenBase64 == "" {
		t.Errorf("timestamps = %+v", ev.Captures[0])
	}
	if ev.AnchorTextFile != "texts/1.txt" {
		t.Errorf("anchor text file = %q", ev.AnchorTextFile)
	}
	// The quote re-anchored in the changed capture's text says what changed.
	re := anchor.Reanchor(*ev.Excerpt, pageV2)
	if re.Status != anchor.QuoteChanged || !strings.Contains(re.New, "200 homes by 2030") {
		t.Errorf("Reanchor in changed page = %+v", re)
	}
}

func TestPacketLayout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	zr, err := zip.NewReader(bytes.NewReader(b.packet), int64(len(b.packet)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	var names []string
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(data)
		names = append(names, f.Name)
	}
	want := []string{"archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl", "provenance.json",
		"timestamps/1.tst", "timestamps/2.tst", "timestamps/3.tst", "texts/1.txt", "datapackage.json", "datapackage-digest.json"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("zip entries = %v, want %v", names, want)
	}

	var dp wacz.DataPackage
	if err := json.Unmarshal([]byte(files["datapackage.json"]), &dp); err != nil {
		t.Fatal(err)
	}
	if dp.WACZVersion != "1.1.1" || dp.Profile != "data-package" || dp.MainPageURL != b.captures[0].Capture.URL || dp.Created != "2026-05-04T10:00:00Z" {
		t.Errorf("datapackage = %+v", dp)
	}
	for _, r := range dp.Resources {
		sum := sha256.Sum256([]byte(files[r.Path]))
		if r.Hash != "sha256:"+hex.EncodeToString(sum[:]) || r.Bytes != int64(len(files[r.Path])) {
			t.Errorf("resource %s: listed %s %d bytes", r.Path, r.Hash, r.Bytes)
		}
	}
	var dd wacz.DigestFile
	json.Unmarshal([]byte(files["datapackage-digest.json"]), &dd)
	sum := sha256.Sum256([]byte(files["datapackage.json"]))
	if dd.Path != "datapackage.json" || dd.Hash != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Errorf("datapackage-digest = %+v", dd)
	}

	// pages.jsonl: a header, then one page per capture.
	lines := strings.Split(strings.TrimSpace(files["pages/pages.jsonl"]), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], `"format":"json-pages-1.0"`) {
		t.Fatalf("pages.jsonl = %q", files["pages/pages.jsonl"])
	}
	for _, l := range lines[1:] {
		var p map[string]string
		if err := json.Unmarshal([]byte(l), &p); err != nil || p["url"] != b.captures[0].Capture.URL || p["ts"] == "" || p["id"] == "" {
			t.Errorf("page line %q: %v", l, err)
		}
	}

	// index.cdx: one CDXJ line per response or revisit, sorted, pointing at
	// the record's bytes in data.warc.gz.
	cdx := strings.Split(strings.TrimSpace(files["indexes/index.cdx"]), "\n")
	if len(cdx) != 3 || !sort.StringsAreSorted(cdx) {
		t.Fatalf("index.cdx = %q", files["indexes/index.cdx"])
	}
	host := strings.TrimPrefix(b.site.URL, "https://127.0.0.1:")
	for i, l := range cdx {
		parts := strings.SplitN(l, " ", 3)
		if parts[0] != "1,0,0,127:"+host+")/statement?a=1&lang=en" {
			t.Errorf("cdx key = %q", parts[0])
		}
		var f map[string]string
		if err := json.Unmarshal([]byte(parts[2]), &f); err != nil {
			t.Fatal(err)
		}
		off, _ := strconv.Atoi(f["offset"])
		n, _ := strconv.Atoi(f["length"])
		recs, err := warc.ReadAll(bytes.NewReader([]byte(files["archive/data.warc.gz"][off : off+n])))
		if err != nil || len(recs) != 1 || recs[0].ID != f["recordId"] {
			t.Errorf("cdx line %d does not point at one record: %v %v", i, recs, err)
		}
		if f["digest"] != b.captures[0].Capture.PayloadDigest && f["digest"] != b.captures[2].Capture.PayloadDigest {
			t.Errorf("cdx digest %s", f["digest"])
		}
		if i == 1 && f["mime"] != "warc/revisit" {
			t.Errorf("second line (the unchanged recheck) mime = %q, want warc/revisit", f["mime"])
		}
	}
}

// TestOutsiderVerifies checks the packet only with the tools the docs name:
// unzip, sha256sum, tail/head and openssl ts -verify.
func TestOutsiderVerifies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	testtools.Need(t, "unzip")
	testtools.Need(t, "sha256sum")
	dir := t.TempDir()
	pkt := filepath.Join(dir, "packet.wacz")
	if err := os.WriteFile(pkt, b.packet, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x")
	run := func(script string) string {
		t.Helper()
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Dir = out
		o, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", script, err, o)
		}
		return string(o)
	}
	os.Mkdir(out, 0o700)
	run("unzip -q " + pkt)
	got := strings.Fields(run("sha256sum datapackage.json"))[0]
	if !strings.Contains(run("cat datapackage-digest.json"), "sha256:"+got) {
		t.Errorf("sha256sum datapackage.json = %s, not the digest file's", got)
	}
	var dp wacz.DataPackage
	json.Unmarshal([]byte(run("cat datapackage.json")), &dp)
	for _, r := range dp.Resources {
		sum := strings.Fields(run("sha256sum " + r.Path))[0]
		if "sha256:"+sum != r.Hash {
			t.Errorf("sha256sum %s = %s, listed %s", r.Path, sum, r.Hash)
		}
	}
	for _, c := range b.prov.Evidence[0].Captures {
		span := run("tail -c +" + strconv.FormatInt(c.SpanOffset+1, 10) + " archive/data.warc.gz | head -c " +
			strconv.FormatInt(c.SpanLength, 10) + " > capture.warc.gz && sha256sum capture.warc.gz")
		if strings.Fields(span)[0] != c.SpanSHA256 {
			t.Errorf("capture %s span digest %s, provenance %s", c.ResponseRecordID, span, c.SpanSHA256)
		}
		v := run("openssl ts -verify -token_in -in " + c.Timestamps[0].TokenFile + " -data capture.warc.gz -CAfile " + b.auth.CAFile)
		if !strings.Contains(v, "Verification: OK") {
			t.Errorf("openssl ts -verify: %s", v)
		}
		if z := run("zcat capture.warc.gz | grep -c '^WARC-Type: '"); strings.TrimSpace(z) != "3" {
			t.Errorf("capture holds %s records, want 3", z)
		}
	}
	// A token does not verify another capture's bytes.
	cmd := exec.Command("bash", "-c", "openssl ts -verify -token_in -in timestamps/1.tst -data timestamps/2.tst -CAfile "+b.auth.CAFile)
	cmd.Dir = out
	if o, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("openssl verified a token against the wrong data: %s", o)
	}
}

type warcioRecord struct {
	Type, ID, Target, PayloadDigest, BlockDigest, RefersTo, Profile, ComputedSha256 string
	Status, PayloadBytes                                                            int
	Offset, Length                                                                  int64
}

// TestWarcioReadsThePacket parses data.warc.gz with warcio.js, an
// independent implementation, and checks every record's place and digest.
func TestWarcioReadsThePacket(t *testing.T) {
	t.Parallel()
	nodePath := testtools.WarcioNodePath(t)
	b := setup(t)
	zr, _ := zip.NewReader(bytes.NewReader(b.packet), int64(len(b.packet)))
	f, err := zr.Open(wacz.WARCPath)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	file := filepath.Join(t.TempDir(), "data.warc.gz")
	os.WriteFile(file, data, 0o600)

	script, _ := filepath.Abs("testdata/warcio-check.cjs")
	cmd := exec.Command("node", script, file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio: %v\n%s", err, stderr.String())
	}
	var recs []warcioRecord
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r warcioRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 10 || recs[0].Type != "warcinfo" {
		t.Fatalf("warcio read %d records: %s", len(recs), out)
	}
	want := map[string]wacz.RecordRef{}
	for _, c := range b.prov.Evidence[0].Captures {
		for _, r := range c.Records {
			want[r.ID] = r
		}
	}
	bodies := map[string]string{b.captures[0].Capture.Response.ID: pageV1, b.captures[2].Capture.Response.ID: pageV2}
	for _, r := range recs[1:] {
		w, ok := want[r.ID]
		if !ok || w.Type != r.Type || w.Offset != r.Offset || w.Length != r.Length || w.BlockDigest != r.BlockDigest {
			t.Errorf("warcio record %+v, provenance says %+v", r, w)
		}
		switch r.Type {
		case "response":
			sum := sha256.Sum256([]byte(bodies[r.ID]))
			if r.ComputedSha256 != r.PayloadDigest || r.PayloadDigest != "sha256:"+hex.EncodeToString(sum[:]) || r.Status != 200 {
				t.Errorf("response %s: warcio computed %s, header %s, status %d", r.ID, r.ComputedSha256, r.PayloadDigest, r.Status)
			}
		case "revisit":
			if r.RefersTo != b.captures[0].Capture.Response.ID || r.Profile != "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest" ||
				r.PayloadDigest != b.captures[0].Capture.PayloadDigest || r.PayloadBytes != 0 {
				t.Errorf("revisit as warcio reads it: %+v", r)
			}
		case "metadata":
			if r.ComputedSha256 != r.BlockDigest {
				t.Errorf("metadata %s: warcio computed %s, block digest %s", r.ID, r.ComputedSha256, r.BlockDigest)
			}
		}
	}

	// warcio's own CDXJ indexer keys the records as our index does.
	cdxCmd := exec.Command("warcio", "cdx-index", file)
	cdxOut, err := cdxCmd.Output()
	if err != nil {
		t.Fatalf("warcio cdx-index: %v", err)
	}
	zf, _ := zr.Open(wacz.IndexPath)
	ours, _ := io.ReadAll(zf)
	if keys(string(cdxOut)) != keys(string(ours)) {
		t.Errorf("warcio cdx keys:\n%s\nours:\n%s", cdxOut, ours)
	}
}

// keys is the SURT and timestamp of each CDXJ line, sorted.
func keys(cdx string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(cdx), "\n") {
		p := strings.SplitN(l, " ", 3)
		if len(p) == 3 {
			out = append(out, p[0]+" "+p[1])
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func TestTamperingIsCaught(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Change one byte of the stored WARC inside the zip (rewriting the zip so
	// only our digests, not the zip's CRC, can notice).
	zr, _ := zip.NewReader(bytes.NewReader(b.packet), int64(len(b.packet)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == wacz.PagesPath {
			data = bytes.Replace(data, []byte("Statement"), []byte("Statemenu"), 1)
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method})
		w.Write(data)
	}
	zw.Close()
	if _, err := wacz.Verify(out.Bytes(), nil); err == nil || !strings.Contains(err.Error(), "pages/pages.jsonl") {
		t.Errorf("Verify(tampered pages) = %v", err)
	}

	// A stranger's CA does not vouch for the tokens.
	stranger := tsatest.Start(t, tsatest.Options{Name: "stranger"})
	if _, err := wacz.Verify(b.packet, stranger.Roots); err == nil || !strings.Contains(err.Error(), "chain") {
		t.Errorf("Verify(other roots) = %v", err)
	}
}

func TestBuildRefusesInconsistentInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var sink bytes.Buffer
	unknown := wacz.Packet{Captures: b.captures[:1], Provenance: wacz.Provenance{Evidence: []wacz.Evidence{{
		ID: "1", Captures: []wacz.CaptureRef{{ResponseRecordID: "<urn:uuid:00000000-0000-0000-0000-000000000000>"}},
	}}}}
	if _, err := wacz.Build(&sink, unknown); err == nil || !strings.Contains(err.Error(), "not in the packet") {
		t.Errorf("Build(unknown capture) = %v", err)
	}
	swapped := b.captures[2]
	swapped.Timestamp = b.captures[0].Timestamp
	if _, err := wacz.Build(&sink, wacz.Packet{Captures: []wacz.Capture{swapped}}); err == nil || !strings.Contains(err.Error(), "imprint") {
		t.Errorf("Build(token of another capture) = %v", err)
	}
	bad := b.anchor
	bad.Position.Start++
	mislaid := wacz.Packet{Captures: b.captures[:1], Provenance: wacz.Provenance{Evidence: []wacz.Evidence{{
		ID: "1", Excerpt: &bad, AnchorText: pageV1, Captures: []wacz.CaptureRef{{ResponseRecordID: b.captures[0].Capture.Response.ID}},
	}}}}
	if _, err := wacz.Build(&sink, mislaid); err == nil || !strings.Contains(err.Error(), "not its quote") {
		t.Errorf("Build(anchor off by one) = %v", err)
	}
	if _, err := wacz.Build(&sink, wacz.Packet{}); err == nil {
		t.Error("Build(no captures) succeeded")
	}
	// Without an authority the packet says so per capture.
	plain := b.captures[0]
	plain.Timestamp = tsa.Result{}
	var out bytes.Buffer
	prov, err := wacz.Build(&out, wacz.Packet{Captures: []wacz.Capture{plain}, Provenance: wacz.Provenance{Evidence: []wacz.Evidence{{
		ID: "1", Captures: []wacz.CaptureRef{{ResponseRecordID: plain.Capture.Response.ID}},
	}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := prov.Evidence[0].Captures[0].TimestampStatus; got != "untimestamped: no timestamp authority configured" {
		t.Errorf("status without authority = %q", got)
	}
	if _, err := wacz.Verify(out.Bytes(), nil); err != nil {
		t.Errorf("Verify(untimestamped packet) = %v", err)
	}
}

func TestSURT(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://www.Example.com/Path?b=2&a=1#frag": "com,example)/path?a=1&b=2",
		"http://example.com":                        "com,example)/",
		"http://example.com:80/x":                   "com,example)/x",
		"https://sub.example.co.uk:8443/":           "uk,co,example,sub:8443)/",
		"mailto:someone@example.com":                "mailto:someone@example.com",
	} {
		if got := wacz.SURT(in); got != want {
			t.Errorf("SURT(%q) = %q, want %q", in, got, want)
		}
	}
}
