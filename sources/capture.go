package sources

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/factdesk/factdesk/archive/anchor"
	"github.com/factdesk/factdesk/archive/tsa"
	"github.com/factdesk/factdesk/archive/warc"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/store"
)

// Stamper asks timestamp authorities to sign a digest; *tsa.Client is one.
type Stamper interface {
	Stamp(ctx context.Context, digest []byte) tsa.Result
}

// captured is a fetch written as WARC records, before the check is judged:
// what goes into the capture row except the anchors, which depend on the
// evidence row as locked.
type captured struct {
	row  *store.Capture
	text string
}

// priorOf is the response record a recheck may revisit: the newest
// capture's, or for a revisit the response it stands for.
func priorOf(c *store.Capture) *warc.Prior {
	if c == nil {
		return nil
	}
	id := c.ResponseRecordID
	if c.Revisit {
		id = c.RefersTo
	}
	return &warc.Prior{RecordID: id, TargetURI: c.URL, Date: c.FetchedAt, PayloadDigest: c.PayloadDigest}
}

// capture writes the WARC records of a successful fetch (a revisit when
// the payload equals prior's), stores the bytes in the capture directory
// when one is configured, and asks the timestamp authorities for the
// capture's digest. It does I/O and runs outside any transaction.
func (s *Service) capture(ctx context.Context, evidenceID int64, f Fetch, prior *store.Capture) (*captured, error) {
	var buf bytes.Buffer
	c, err := warc.NewWriter(&buf, 0).WriteCapture(f.Exchange, priorOf(prior))
	if err != nil {
		return nil, fmt.Errorf("sources: capture evidence %d: %w", evidenceID, err)
	}
	records, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	row := &store.Capture{
		EvidenceID: evidenceID, FetchedAt: c.Time, URL: c.URL, HTTPStatus: c.StatusCode, MIME: c.MIME, Title: f.Title,
		Revisit: c.Revisit, RequestRecordID: c.Request.ID, ResponseRecordID: c.Response.ID, MetadataRecordID: c.Metadata.ID,
		RefersTo: c.Response.RefersTo, PayloadDigest: c.PayloadDigest, CaptureSHA256: hex.EncodeToString(sum[:]),
		Records: string(records), WARCBytes: int64(buf.Len()), Storage: store.CaptureInDatabase, WARC: buf.Bytes(),
		TextBytes: int64(len(f.Text)),
	}
	if !c.Revisit {
		// A revisit's body is its prior's, and so is its readable text.
		if row.TextGz, err = gzipText(f.Text); err != nil {
			return nil, err
		}
	}
	if s.captureDir != "" {
		if row.Path, err = s.writeCaptureFile(evidenceID, c.Response.ID, buf.Bytes()); err != nil {
			return nil, err
		}
		row.Storage, row.WARC = store.CaptureInDirectory, nil
	}
	stampCtx, cancel := context.WithTimeout(ctx, TSABudget)
	res := s.stamper.Stamp(stampCtx, sum[:])
	cancel()
	row.TimestampStatus = string(res.Status)
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Error())
	}
	row.TimestampErrors = truncate(strings.Join(errs, "; "), 2000)
	for _, t := range res.Tokens {
		row.Timestamps = append(row.Timestamps, store.CaptureTimestamp{
			Authority: t.Authority, IssuedAt: t.Time.UTC(), Serial: t.Serial, Policy: t.Policy, Signer: t.Signer,
			SignerSHA256: t.SignerSHA256, ChainVerified: t.ChainVerified, Token: t.DER,
		})
	}
	return &captured{row: row, text: f.Text}, nil
}

// anchorCapture fills the capture's quote anchor (when the excerpt was
// found) and what re-finding the previous anchor in this text showed.
func anchorCapture(c *captured, ex ExcerptResult, prev *anchor.Anchor) {
	if ex.Status == ExcerptFound {
		if a, err := anchor.New(c.text, ex.Start, ex.End); err == nil {
			c.row.Anchor = jsonText(a)
		}
	}
	if prev != nil {
		r := anchor.Reanchor(*prev, c.text)
		c.row.Reanchor = jsonText(r)
	}
}

func jsonText(v any) *string {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	s := string(b)
	return &s
}

// noStamper is the Stamper without authorities: every capture says so.
type noStamper struct{}

func (noStamper) Stamp(_ context.Context, digest []byte) tsa.Result {
	return tsa.Result{Status: tsa.StatusUnconfigured, Digest: digest}
}

func gzipText(text string) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := io.WriteString(zw, text); err != nil {
		return nil, fmt.Errorf("sources: compress text: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("sources: compress text: %w", err)
	}
	return buf.Bytes(), nil
}

func gunzipText(gz []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return "", fmt.Errorf("sources: open text: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, MaxReadableBytes+1))
	if err != nil {
		return "", fmt.Errorf("sources: read text: %w", err)
	}
	return string(b), nil
}

// writeCaptureFile stores a capture as <dir>/<evidence id>/<record uuid>.warc.gz
// and returns the path relative to the directory. It writes a temporary
// file and renames it, so a reader never sees half a capture. A file whose
// transaction then fails stays behind unreferenced; it is harmless.
func (s *Service) writeCaptureFile(evidenceID int64, recordID string, data []byte) (string, error) {
	id := strings.TrimSuffix(strings.TrimPrefix(recordID, "<urn:uuid:"), ">")
	rel := filepath.Join(strconv.FormatInt(evidenceID, 10), id+".warc.gz")
	full := filepath.Join(s.captureDir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return "", fmt.Errorf("sources: capture directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(full), ".capture-*")
	if err != nil {
		return "", fmt.Errorf("sources: capture file: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), full)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("sources: write capture file: %w", err)
	}
	return filepath.ToSlash(rel), nil
}

// CaptureWARC returns a capture's .warc.gz bytes from wherever they are
// stored.
func (s *Service) CaptureWARC(ctx context.Context, c *store.Capture) ([]byte, error) {
	if c.Storage != store.CaptureInDirectory {
		return s.store.CaptureWARC(ctx, c.ID)
	}
	if s.captureDir == "" {
		return nil, fmt.Errorf("sources: capture %d is in a directory, but FACTDESK_CAPTURE_DIR is not set", c.ID)
	}
	rel := filepath.FromSlash(c.Path)
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("sources: capture %d has path %q outside the capture directory", c.ID, c.Path)
	}
	b, err := os.ReadFile(filepath.Join(s.captureDir, rel))
	if errors.Is(err, os.ErrNotExist) {
		return nil, models.Errorf(models.ENotFound, "the file of capture %d is missing from the capture directory", c.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("sources: read capture %d: %w", c.ID, err)
	}
	return b, nil
}

// WARCCapture decodes the records column of a stored capture.
func WARCCapture(c *store.Capture) (warc.Capture, error) {
	var out warc.Capture
	if err := json.Unmarshal([]byte(c.Records), &out); err != nil {
		return out, fmt.Errorf("sources: records of capture %d: %w", c.ID, err)
	}
	return out, nil
}

// AnchorOf decodes a capture's anchor; nil when it has none.
func AnchorOf(c *store.Capture) *anchor.Anchor {
	if c == nil || c.Anchor == nil {
		return nil
	}
	var a anchor.Anchor
	if json.Unmarshal([]byte(*c.Anchor), &a) != nil {
		return nil
	}
	return &a
}

// ReanchorOf decodes what re-finding the previous anchor in a capture
// showed; nil when there was no previous anchor.
func ReanchorOf(c *store.Capture) *anchor.Result {
	if c == nil || c.Reanchor == nil {
		return nil
	}
	var r anchor.Result
	if json.Unmarshal([]byte(*c.Reanchor), &r) != nil {
		return nil
	}
	return &r
}

// TSATimeout bounds one authority's answer, and TSABudget all of them
// together, so the fetch (at most 45 s) and the timestamps fit in the check
// job's CheckTimeout. An authority not asked in time shows in the
// capture's timestamp errors.
const (
	TSATimeout = 10 * time.Second
	TSABudget  = 12 * time.Second
)

// NewStamper returns the Stamper for the configured authorities (none:
// captures say "untimestamped: no timestamp authority configured"). The
// authorities are reached through safehttp under the same address rules
// as sources, with allow for internal ones, and no redirects.
func NewStamper(urls []string, roots *x509.CertPool, allow []netip.Prefix) Stamper {
	if len(urls) == 0 {
		return noStamper{}
	}
	hc := safehttp.New(safehttp.Config{AllowCIDRs: allow, Timeout: TSATimeout, MaxBodyBytes: tsa.MaxResponseBytes, UserAgent: fetchUserAgent})
	return &tsa.Client{HTTP: hc, URLs: urls, Roots: roots}
}
