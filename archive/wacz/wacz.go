// Package wacz builds an evidence packet: a WACZ 1.1.1 file (Web Archive
// Collection Zipped, the format ReplayWeb.page opens) holding the captures
// behind one fact-check, with a provenance.json that ties the claim to each
// piece of evidence, its quote anchor, the WARC records and their trusted
// timestamps.
//
// Layout:
//
//	archive/data.warc.gz        every capture's records, gzip per record
//	indexes/index.cdx           CDXJ, one line per response or revisit, sorted by SURT
//	pages/pages.jsonl           a header line, then one line per capture
//	provenance.json             claim -> evidence -> anchor -> records -> timestamps
//	timestamps/<n>.tst          each RFC 3161 token (DER), for openssl ts -verify -token_in
//	texts/<n>.txt               the readable text an evidence item's quote anchor counts in
//	datapackage.json            every file above with its size and "sha256:<hex>"
//	datapackage-digest.json     the digest of datapackage.json
package wacz

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/factdesk/factdesk/archive/anchor"
	"github.com/factdesk/factdesk/archive/tsa"
	"github.com/factdesk/factdesk/archive/warc"
)

// Version is the WACZ specification version written.
const Version = "1.1.1"

// Paths inside the packet.
const (
	WARCPath           = "archive/data.warc.gz"
	IndexPath          = "indexes/index.cdx"
	PagesPath          = "pages/pages.jsonl"
	ProvenancePath     = "provenance.json"
	DataPackagePath    = "datapackage.json"
	DigestPath         = "datapackage-digest.json"
	warcFilename       = "data.warc.gz"
	provenanceFormatID = "factdesk-provenance-1"
)

// Capture is one stored capture: the bytes warc.Writer wrote for it (a
// standalone .warc.gz, starting at offset 0) and what it reported.
type Capture struct {
	WARC    []byte
	Capture warc.Capture
	// Title is the page title shown in ReplayWeb.page's page list.
	Title string
	// Timestamp is what the timestamp authorities said about the capture's
	// digest (see CaptureDigest); the zero value reads as "no authority
	// configured".
	Timestamp tsa.Result
}

// CaptureDigest is the SHA-256 a capture's timestamp is asked for: the
// capture's request, response (or revisit) and metadata records exactly as
// stored, gzip framing included. Those bytes are contiguous in the packet's
// WARC file, so an outsider can cut them out and check the token against
// them.
func CaptureDigest(c Capture) ([]byte, error) {
	span, err := captureSpan(c)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(span)
	return sum[:], nil
}

func captureSpan(c Capture) ([]byte, error) {
	s, n := c.Capture.Offset, c.Capture.Length
	if s < 0 || n <= 0 || s+n > int64(len(c.WARC)) {
		return nil, fmt.Errorf("wacz: capture span [%d,+%d) outside its %d WARC bytes", s, n, len(c.WARC))
	}
	return c.WARC[s : s+n], nil
}

// Packet is everything Build needs.
type Packet struct {
	Title       string
	Description string
	Created     time.Time
	Software    string
	Captures    []Capture
	// Provenance is filled by the caller with the claim, its evidence and
	// each evidence item's anchor and captures (by response record id);
	// Build fills in where each record ended up and its timestamps.
	Provenance Provenance
}

// Provenance is provenance.json.
type Provenance struct {
	Format   string     `json:"format"`
	Claim    Claim      `json:"claim"`
	Evidence []Evidence `json:"evidence"`
	// Verify tells a reader, in words, how to check the packet.
	Verify []string `json:"verify"`
}

// Claim is the fact-check the packet supports.
type Claim struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	URL     string `json:"url,omitempty"`
	Verdict string `json:"verdict,omitempty"`
}

// Evidence is one source cited for the claim.
type Evidence struct {
	ID   string `json:"id"`
	URL  string `json:"url"`
	Note string `json:"note,omitempty"`
	// Excerpt anchors the quote in the readable text of the capture named
	// by AnchorCapture (a response record id).
	Excerpt       *anchor.Anchor `json:"excerpt,omitempty"`
	AnchorCapture string         `json:"anchor_capture,omitempty"`
	// AnchorText is that capture's readable text, the text the anchor's
	// positions count in. Build stores it as texts/<n>.txt (AnchorTextFile)
	// so a reader can check the quote without factdesk's text extractor.
	AnchorText     string       `json:"-"`
	AnchorTextFile string       `json:"anchor_text_file,omitempty"`
	Captures       []CaptureRef `json:"captures"`
}

// CaptureRef locates one capture in the packet. The caller sets
// ResponseRecordID; Build fills the rest.
type CaptureRef struct {
	ResponseRecordID string    `json:"response_record_id"`
	URL              string    `json:"url"`
	Time             time.Time `json:"time"`
	Revisit          bool      `json:"revisit"`
	RefersTo         string    `json:"refers_to,omitempty"`
	HTTPStatus       int       `json:"http_status"`
	PayloadDigest    string    `json:"payload_digest"`
	File             string    `json:"file"`
	// Records are the capture's WARC records with their byte ranges in
	// File (the compressed member: cut with offset and length, gunzip).
	Records []RecordRef `json:"records"`
	// Span is the whole capture's byte range in File, and SHA256 its
	// digest: the value timestamped.
	SpanOffset      int64          `json:"span_offset"`
	SpanLength      int64          `json:"span_length"`
	SpanSHA256      string         `json:"span_sha256"`
	TimestampStatus tsa.Status     `json:"timestamp_status"`
	Timestamps      []TimestampRef `json:"timestamps,omitempty"`
}

// RecordRef is one WARC record's place in the packet.
type RecordRef struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	Offset        int64  `json:"offset"`
	Length        int64  `json:"length"`
	BlockDigest   string `json:"block_digest"`
	PayloadDigest string `json:"payload_digest,omitempty"`
}

// TimestampRef is one RFC 3161 token over a capture's SpanSHA256.
type TimestampRef struct {
	Authority    string    `json:"authority"`
	Time         time.Time `json:"time"`
	Serial       string    `json:"serial"`
	Signer       string    `json:"signer"`
	SignerSHA256 string    `json:"signer_sha256"`
	TokenFile    string    `json:"token_file"`
	TokenBase64  string    `json:"token_base64"`
}

// Resource is one entry of datapackage.json.
type Resource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"`
	Bytes int64  `json:"bytes"`
}

// DataPackage is datapackage.json.
type DataPackage struct {
	Profile      string     `json:"profile"`
	WACZVersion  string     `json:"wacz_version"`
	Title        string     `json:"title,omitempty"`
	Description  string     `json:"description,omitempty"`
	Created      string     `json:"created"`
	Software     string     `json:"software,omitempty"`
	MainPageURL  string     `json:"mainPageUrl,omitempty"`
	MainPageDate string     `json:"mainPageDate,omitempty"`
	Resources    []Resource `json:"resources"`
}

// DigestFile is datapackage-digest.json.
type DigestFile struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
}

type file struct {
	path  string
	data  []byte
	store bool // already compressed: stored, so replay can read ranges
}

// Build writes the packet as a WACZ file to w and returns the provenance it
// wrote. Every capture referenced by the provenance must be in
// p.Captures, and each capture's timestamp tokens must verify against its
// digest (the signatures are checked; trust in the authority is the
// reader's to decide).
func Build(w io.Writer, p Packet) (Provenance, error) {
	if len(p.Captures) == 0 {
		return Provenance{}, errors.New("wacz: packet has no captures")
	}
	created := p.Created.UTC()
	if created.IsZero() {
		created = time.Now().UTC()
	}

	var data bytes.Buffer
	ww := warc.NewWriter(&data, 0)
	if _, err := ww.WriteWarcinfo(warcFilename, created, map[string]string{
		"description": "factdesk evidence packet: " + p.Title,
	}); err != nil {
		return Provenance{}, err
	}

	refs := map[string]CaptureRef{}
	var files []file
	var cdx []string
	pages := [][]byte{mustJSON(map[string]string{"format": "json-pages-1.0", "id": "pages", "title": "All captures"})}
	tokenN := 0
	for i, c := range p.Captures {
		span, err := captureSpan(c)
		if err != nil {
			return Provenance{}, fmt.Errorf("wacz: capture %d: %w", i, err)
		}
		sum := sha256.Sum256(span)
		base := data.Len() // where the span starts in data.warc.gz
		data.Write(span)
		shift := int64(base) - c.Capture.Offset

		cc := c.Capture
		ref := CaptureRef{
			ResponseRecordID: cc.Response.ID,
			URL:              cc.URL,
			Time:             cc.Time,
			Revisit:          cc.Revisit,
			RefersTo:         cc.Response.RefersTo,
			HTTPStatus:       cc.StatusCode,
			PayloadDigest:    cc.PayloadDigest,
			File:             WARCPath,
			SpanOffset:       int64(base),
			SpanLength:       cc.Length,
			SpanSHA256:       hex.EncodeToString(sum[:]),
			TimestampStatus:  c.Timestamp.Status,
		}
		if ref.TimestampStatus == "" {
			ref.TimestampStatus = tsa.StatusUnconfigured
		}
		for _, r := range cc.Records() {
			ref.Records = append(ref.Records, RecordRef{
				ID: r.ID, Type: string(r.Type), Offset: r.Offset + shift, Length: r.Length,
				BlockDigest: r.BlockDigest, PayloadDigest: r.PayloadDigest,
			})
		}
		for _, tok := range c.Timestamp.Tokens {
			if _, err := tsa.VerifyToken(tok.DER, sum[:], nil); err != nil {
				return Provenance{}, fmt.Errorf("wacz: capture %d: token from %s: %w", i, tok.Authority, err)
			}
			tokenN++
			name := "timestamps/" + strconv.Itoa(tokenN) + ".tst"
			files = append(files, file{path: name, data: tok.DER})
			ref.Timestamps = append(ref.Timestamps, TimestampRef{
				Authority: tok.Authority, Time: tok.Time.UTC(), Serial: tok.Serial, Signer: tok.Signer,
				SignerSHA256: tok.SignerSHA256, TokenFile: name, TokenBase64: base64.StdEncoding.EncodeToString(tok.DER),
			})
		}
		if _, dup := refs[ref.ResponseRecordID]; dup {
			return Provenance{}, fmt.Errorf("wacz: capture %s given twice", ref.ResponseRecordID)
		}
		refs[ref.ResponseRecordID] = ref

		resp := ref.Records[1]
		mime := cc.MIME
		if cc.Revisit {
			mime = "warc/revisit"
		}
		fields := map[string]any{
			"url": cc.URL, "mime": mime, "status": strconv.Itoa(cc.StatusCode), "digest": cc.PayloadDigest,
			"length": strconv.FormatInt(resp.Length, 10), "offset": strconv.FormatInt(resp.Offset, 10),
			"filename": warcFilename, "recordId": resp.ID,
		}
		cdx = append(cdx, SURT(cc.URL)+" "+cc.Time.UTC().Format("20060102150405")+" "+string(mustJSON(fields)))
		pages = append(pages, mustJSON(map[string]string{
			"id": pageID(resp.ID), "url": cc.URL, "ts": cc.Time.UTC().Format(time.RFC3339Nano), "title": c.Title,
		}))
	}
	sort.Strings(cdx)

	prov := p.Provenance
	prov.Format = provenanceFormatID
	prov.Verify = verifySteps
	prov.Evidence = append([]Evidence(nil), prov.Evidence...)
	for i := range prov.Evidence {
		ev := &prov.Evidence[i]
		caps := make([]CaptureRef, len(ev.Captures))
		for j, want := range ev.Captures {
			got, ok := refs[want.ResponseRecordID]
			if !ok {
				return Provenance{}, fmt.Errorf("wacz: evidence %s cites capture %s, which is not in the packet", ev.ID, want.ResponseRecordID)
			}
			caps[j] = got
		}
		ev.Captures = caps
		if ev.AnchorCapture != "" {
			if _, ok := refs[ev.AnchorCapture]; !ok {
				return Provenance{}, fmt.Errorf("wacz: evidence %s anchors in capture %s, which is not in the packet", ev.ID, ev.AnchorCapture)
			}
		}
		if ev.AnchorText != "" {
			if ev.Excerpt == nil {
				return Provenance{}, fmt.Errorf("wacz: evidence %s has anchor text but no excerpt", ev.ID)
			}
			if err := checkAnchor(*ev.Excerpt, ev.AnchorText); err != nil {
				return Provenance{}, fmt.Errorf("wacz: evidence %s: %w", ev.ID, err)
			}
			ev.AnchorTextFile = "texts/" + strconv.Itoa(i+1) + ".txt"
			files = append(files, file{path: ev.AnchorTextFile, data: []byte(ev.AnchorText)})
		}
	}
	var provBuf bytes.Buffer
	enc := json.NewEncoder(&provBuf)
	enc.SetEscapeHTML(false) // keep "<urn:uuid:…>" and URLs readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(prov); err != nil {
		return Provenance{}, err
	}

	var cdxBuf, pagesBuf bytes.Buffer
	for _, l := range cdx {
		cdxBuf.WriteString(l + "\n")
	}
	for _, l := range pages {
		pagesBuf.Write(l)
		pagesBuf.WriteByte('\n')
	}
	files = append([]file{
		{path: WARCPath, data: data.Bytes(), store: true},
		{path: IndexPath, data: cdxBuf.Bytes()},
		{path: PagesPath, data: pagesBuf.Bytes()},
		{path: ProvenancePath, data: provBuf.Bytes()},
	}, files...)

	first := p.Captures[0].Capture
	dp := DataPackage{
		Profile:      "data-package",
		WACZVersion:  Version,
		Title:        p.Title,
		Description:  p.Description,
		Created:      created.Format(time.RFC3339),
		Software:     p.Software,
		MainPageURL:  first.URL,
		MainPageDate: first.Time.UTC().Format(time.RFC3339Nano),
	}
	for _, f := range files {
		dp.Resources = append(dp.Resources, Resource{Name: baseName(f.path), Path: f.path, Hash: hashOf(f.data), Bytes: int64(len(f.data))})
	}
	dpJSON, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		return Provenance{}, err
	}
	digestJSON, err := json.MarshalIndent(DigestFile{Path: DataPackagePath, Hash: hashOf(dpJSON)}, "", "  ")
	if err != nil {
		return Provenance{}, err
	}
	files = append(files, file{path: DataPackagePath, data: dpJSON}, file{path: DigestPath, data: digestJSON})

	zw := zip.NewWriter(w)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.path, Method: zip.Deflate, Modified: created}
		if f.store {
			h.Method = zip.Store
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return Provenance{}, fmt.Errorf("wacz: %s: %w", f.path, err)
		}
		if _, err := fw.Write(f.data); err != nil {
			return Provenance{}, fmt.Errorf("wacz: %s: %w", f.path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return Provenance{}, fmt.Errorf("wacz: close: %w", err)
	}
	return prov, nil
}

var verifySteps = []string{
	"sha256sum datapackage.json and compare with datapackage-digest.json; sha256sum each file listed in datapackage.json and compare with its hash.",
	"For a capture: tail -c +$((span_offset+1)) archive/data.warc.gz | head -c span_length > capture.warc.gz; sha256sum capture.warc.gz equals span_sha256.",
	"openssl ts -verify -token_in -in <token_file> -data capture.warc.gz -CAfile <the authority's CA certificate>",
	"zcat capture.warc.gz shows the request, the response (or revisit) and the metadata record; the response body's sha256 is payload_digest.",
}

// checkAnchor requires the anchor's position to select its exact quote in
// text.
func checkAnchor(a anchor.Anchor, text string) error {
	s, e, err := a.ByteRange(text)
	if err != nil {
		return err
	}
	if text[s:e] != a.Quote.Exact {
		return fmt.Errorf("anchor [%d,%d) selects %q, not its quote %q", a.Position.Start, a.Position.End, text[s:e], a.Quote.Exact)
	}
	return nil
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

// pageID derives a stable page id from the response record's UUID.
func pageID(recordID string) string {
	sum := sha256.Sum256([]byte(recordID))
	return hex.EncodeToString(sum[:16])
}

// mustJSON encodes one line without HTML escaping, so record ids keep
// their angle brackets as other WARC tools write them.
func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only maps of strings and numbers are passed
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
