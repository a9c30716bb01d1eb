package store

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/models"
)

// CaptureChunkBytes is the size of one capture_chunks row. PostgreSQL
// moves a bytea value in one piece; 1 MiB rows keep a 5 MiB page's capture
// from needing one huge allocation per statement on either side.
const CaptureChunkBytes = 1 << 20

// Capture storage kinds.
const (
	CaptureInDatabase  = "database"
	CaptureInDirectory = "directory"
)

// Capture is one stored fetch of an evidence item's page. The store keeps
// the JSON columns as text and leaves their meaning to sources.
type Capture struct {
	ID               int64
	EvidenceID       int64
	FetchedAt        time.Time
	URL              string `gorm:"column:url"`
	HTTPStatus       int    `gorm:"column:http_status"`
	MIME             string `gorm:"column:mime"`
	Title            string
	Revisit          bool
	RequestRecordID  string
	ResponseRecordID string
	MetadataRecordID string
	RefersTo         string
	PayloadDigest    string
	CaptureSHA256    string `gorm:"column:capture_sha256"`
	Records          string `gorm:"type:jsonb"`
	WARCBytes        int64  `gorm:"column:warc_bytes"`
	Storage          string
	Path             string
	TimestampStatus  string
	TimestampErrors  string
	TextGz           []byte
	TextBytes        int64
	Anchor           *string `gorm:"type:jsonb"`
	Reanchor         *string `gorm:"type:jsonb"`

	// WARC is the capture's bytes, written to capture_chunks when Storage
	// is CaptureInDatabase; never loaded with the row.
	WARC []byte `gorm:"-"`
	// Timestamps are the verified tokens, saved with the capture.
	Timestamps []CaptureTimestamp `gorm:"-"`
}

// CaptureTimestamp is one RFC 3161 token over a capture's CaptureSHA256.
type CaptureTimestamp struct {
	ID            int64
	CaptureID     int64
	Authority     string
	IssuedAt      time.Time
	Serial        string
	Policy        string
	Signer        string
	SignerSHA256  string `gorm:"column:signer_sha256"`
	ChainVerified bool
	Token         []byte
}

// captureColumns are read for listings: everything but the text.
const captureColumns = `id, evidence_id, fetched_at, url, http_status, mime, title, revisit, request_record_id,
	response_record_id, metadata_record_id, refers_to, payload_digest, capture_sha256, records, warc_bytes, storage,
	path, timestamp_status, timestamp_errors, text_bytes, anchor, reanchor`

// SaveCapture inserts c, its WARC bytes (in chunks, when kept in the
// database) and its timestamps, and sets c.ID.
func (tx *Tx) SaveCapture(ctx context.Context, c *Capture) error {
	db := tx.db.WithContext(ctx)
	if err := db.Table("captures").Omit("id").Create(c).Error; err != nil {
		return fmt.Errorf("store: save capture of evidence %d: %w", c.EvidenceID, err)
	}
	if c.Storage == CaptureInDatabase {
		for n, off := 0, 0; off < len(c.WARC); n, off = n+1, off+CaptureChunkBytes {
			end := min(off+CaptureChunkBytes, len(c.WARC))
			if err := db.Exec(`INSERT INTO capture_chunks (capture_id, n, data) VALUES (?, ?, ?)`, c.ID, n, c.WARC[off:end]).Error; err != nil {
				return fmt.Errorf("store: save capture %d chunk %d: %w", c.ID, n, err)
			}
		}
	}
	for i := range c.Timestamps {
		ts := &c.Timestamps[i]
		ts.CaptureID = c.ID
		if err := db.Table("capture_timestamps").Omit("id").Create(ts).Error; err != nil {
			return fmt.Errorf("store: save timestamp of capture %d: %w", c.ID, err)
		}
	}
	return nil
}

// EvidenceCaptures lists an evidence item's captures, newest first, with
// their timestamps and without text or WARC bytes.
func (q queries) EvidenceCaptures(ctx context.Context, evidenceID int64) ([]Capture, error) {
	var out []Capture
	err := q.db.WithContext(ctx).Raw(`SELECT `+captureColumns+` FROM captures WHERE evidence_id = ?
		ORDER BY fetched_at DESC, id DESC`, evidenceID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: captures of evidence %d: %w", evidenceID, err)
	}
	return out, q.withTimestamps(ctx, out)
}

// ClaimCaptures lists the captures of every evidence item of a claim,
// oldest first, with their timestamps.
func (q queries) ClaimCaptures(ctx context.Context, claimID int64) ([]Capture, error) {
	var out []Capture
	err := q.db.WithContext(ctx).Raw(`SELECT `+captureColumns+` FROM captures
		WHERE evidence_id IN (SELECT id FROM evidence WHERE claim_id = ?)
		ORDER BY evidence_id, fetched_at, id`, claimID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: captures of claim %d: %w", claimID, err)
	}
	return out, q.withTimestamps(ctx, out)
}

// LatestCapture is an evidence item's newest capture; not found before the
// first successful fetch.
func (q queries) LatestCapture(ctx context.Context, evidenceID int64) (*Capture, error) {
	var out []Capture
	err := q.db.WithContext(ctx).Raw(`SELECT `+captureColumns+` FROM captures WHERE evidence_id = ?
		ORDER BY fetched_at DESC, id DESC LIMIT 1`, evidenceID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: latest capture of evidence %d: %w", evidenceID, err)
	}
	if len(out) == 0 {
		return nil, models.Errorf(models.ENotFound, "evidence %d has no capture yet", evidenceID)
	}
	return &out[0], nil
}

// Capture loads one capture of an evidence item, with its timestamps.
func (q queries) Capture(ctx context.Context, evidenceID, captureID int64) (*Capture, error) {
	var out []Capture
	err := q.db.WithContext(ctx).Raw(`SELECT `+captureColumns+` FROM captures WHERE evidence_id = ? AND id = ?`,
		evidenceID, captureID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: capture %d: %w", captureID, err)
	}
	if len(out) == 0 {
		return nil, models.Errorf(models.ENotFound, "capture %d of evidence %d not found", captureID, evidenceID)
	}
	return &out[0], q.withTimestamps(ctx, out)
}

// CaptureText is the gzip of the readable text of the capture with the
// given response record id, following a revisit to the capture it refers
// to; not found when neither has text.
func (q queries) CaptureText(ctx context.Context, responseRecordID string) ([]byte, error) {
	var gz []struct{ Gz []byte }
	err := q.db.WithContext(ctx).Raw(`SELECT coalesce(c.text_gz, r.text_gz) AS gz FROM captures c
		LEFT JOIN captures r ON r.response_record_id = c.refers_to AND c.refers_to <> ''
		WHERE c.response_record_id = ?`, responseRecordID).Scan(&gz).Error
	if err != nil {
		return nil, fmt.Errorf("store: text of capture %s: %w", responseRecordID, err)
	}
	if len(gz) == 0 || gz[0].Gz == nil {
		return nil, models.Errorf(models.ENotFound, "capture %s has no readable text", responseRecordID)
	}
	return gz[0].Gz, nil
}

// CaptureWARC reassembles a capture's WARC bytes from its chunks.
func (q queries) CaptureWARC(ctx context.Context, captureID int64) ([]byte, error) {
	var chunks []struct{ Data []byte }
	err := q.db.WithContext(ctx).Raw(`SELECT data FROM capture_chunks WHERE capture_id = ? ORDER BY n`, captureID).Scan(&chunks).Error
	if err != nil {
		return nil, fmt.Errorf("store: WARC of capture %d: %w", captureID, err)
	}
	var out []byte
	for _, c := range chunks {
		out = append(out, c.Data...)
	}
	if len(out) == 0 {
		return nil, models.Errorf(models.ENotFound, "capture %d has no WARC bytes in the database", captureID)
	}
	return out, nil
}

func (q queries) withTimestamps(ctx context.Context, cs []Capture) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	at := make(map[int64]int, len(cs))
	for i, c := range cs {
		ids[i], at[c.ID] = c.ID, i
	}
	var ts []CaptureTimestamp
	if err := q.db.WithContext(ctx).Table("capture_timestamps").Where("capture_id IN ?", ids).Order("id").Find(&ts).Error; err != nil {
		return fmt.Errorf("store: capture timestamps: %w", err)
	}
	for _, t := range ts {
		i := at[t.CaptureID]
		cs[i].Timestamps = append(cs[i].Timestamps, t)
	}
	return nil
}

// LatestAnchoredCapture is an evidence item's newest capture with a quote
// anchor; not found when the quote was never found.
func (q queries) LatestAnchoredCapture(ctx context.Context, evidenceID int64) (*Capture, error) {
	var out []Capture
	err := q.db.WithContext(ctx).Raw(`SELECT `+captureColumns+` FROM captures WHERE evidence_id = ? AND anchor IS NOT NULL
		ORDER BY fetched_at DESC, id DESC LIMIT 1`, evidenceID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: anchored capture of evidence %d: %w", evidenceID, err)
	}
	if len(out) == 0 {
		return nil, models.Errorf(models.ENotFound, "evidence %d has no anchored capture", evidenceID)
	}
	return &out[0], nil
}

// CapturedEvidence maps each evidence item of a claim that has at least
// one capture to the time of its newest; the public page links those
// items to their archived copy.
func (q queries) CapturedEvidence(ctx context.Context, claimID int64) (map[int64]time.Time, error) {
	var rows []struct {
		EvidenceID int64
		Newest     time.Time
	}
	err := q.db.WithContext(ctx).Raw(`SELECT evidence_id, max(fetched_at) AS newest FROM captures
		WHERE evidence_id IN (SELECT id FROM evidence WHERE claim_id = ?) GROUP BY evidence_id`, claimID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: captured evidence of claim %d: %w", claimID, err)
	}
	out := make(map[int64]time.Time, len(rows))
	for _, r := range rows {
		out[r.EvidenceID] = r.Newest
	}
	return out, nil
}
