package sources

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/factdesk/factdesk/archive/anchor"
	"github.com/factdesk/factdesk/archive/tsa"
	"github.com/factdesk/factdesk/archive/wacz"
	"github.com/factdesk/factdesk/archive/warc"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// PacketContentType is the media type of an evidence packet.
const PacketContentType = "application/wacz+zip"

// TimestampView is one verified timestamp token of a capture.
type TimestampView struct {
	Authority     string    `json:"authority"`
	Time          time.Time `json:"time"`
	Serial        string    `json:"serial"`
	Signer        string    `json:"signer"`
	ChainVerified bool      `json:"chain_verified"`
}

// CaptureView is a capture as the API and the snapshot viewer show it.
type CaptureView struct {
	ID               int64           `json:"id"`
	EvidenceID       int64           `json:"evidence_id"`
	FetchedAt        time.Time       `json:"fetched_at"`
	URL              string          `json:"url"`
	HTTPStatus       int             `json:"http_status"`
	Title            string          `json:"title"`
	Revisit          bool            `json:"revisit"`
	ResponseRecordID string          `json:"response_record_id"`
	RefersTo         string          `json:"refers_to,omitempty"`
	PayloadDigest    string          `json:"payload_digest"`
	CaptureSHA256    string          `json:"capture_sha256"`
	WARCBytes        int64           `json:"warc_bytes"`
	Storage          string          `json:"storage"`
	TimestampStatus  string          `json:"timestamp_status"`
	Timestamps       []TimestampView `json:"timestamps"`
	Anchor           *anchor.Anchor  `json:"anchor"`
	Reanchor         *anchor.Result  `json:"reanchor"`
}

func viewOf(c *store.Capture) CaptureView {
	v := CaptureView{ID: c.ID, EvidenceID: c.EvidenceID, FetchedAt: c.FetchedAt, URL: c.URL, HTTPStatus: c.HTTPStatus,
		Title: c.Title, Revisit: c.Revisit, ResponseRecordID: c.ResponseRecordID, RefersTo: c.RefersTo,
		PayloadDigest: c.PayloadDigest, CaptureSHA256: c.CaptureSHA256, WARCBytes: c.WARCBytes, Storage: c.Storage,
		TimestampStatus: c.TimestampStatus, Timestamps: []TimestampView{}, Anchor: AnchorOf(c), Reanchor: ReanchorOf(c)}
	for _, t := range c.Timestamps {
		v.Timestamps = append(v.Timestamps, TimestampView{Authority: t.Authority, Time: t.IssuedAt, Serial: t.Serial,
			Signer: t.Signer, ChainVerified: t.ChainVerified})
	}
	return v
}

// Captures lists an evidence item's captures, newest first.
func (s *Service) Captures(ctx context.Context, claimID, evidenceID int64) ([]CaptureView, error) {
	if _, err := s.Evidence(ctx, claimID, evidenceID); err != nil {
		return nil, err
	}
	rows, err := s.store.EvidenceCaptures(ctx, evidenceID)
	if err != nil {
		return nil, err
	}
	out := make([]CaptureView, len(rows))
	for i := range rows {
		out[i] = viewOf(&rows[i])
	}
	return out, nil
}

// CaptureText is one capture with its readable text (a revisit's is the
// text of the capture it stands for).
type CaptureText struct {
	Capture CaptureView
	Text    string
}

// Capture loads one capture of an evidence item with its readable text.
func (s *Service) Capture(ctx context.Context, claimID, evidenceID, captureID int64) (*CaptureText, error) {
	if _, err := s.Evidence(ctx, claimID, evidenceID); err != nil {
		return nil, err
	}
	c, err := s.store.Capture(ctx, evidenceID, captureID)
	if err != nil {
		return nil, err
	}
	gz, err := s.store.CaptureText(ctx, c.ResponseRecordID)
	if err != nil {
		return nil, err
	}
	text, err := gunzipText(gz)
	if err != nil {
		return nil, err
	}
	return &CaptureText{Capture: viewOf(c), Text: text}, nil
}

// CaptureRecords returns one capture's .warc.gz bytes.
func (s *Service) CaptureRecords(ctx context.Context, claimID, evidenceID, captureID int64) ([]byte, error) {
	if _, err := s.Evidence(ctx, claimID, evidenceID); err != nil {
		return nil, err
	}
	c, err := s.store.Capture(ctx, evidenceID, captureID)
	if err != nil {
		return nil, err
	}
	return s.CaptureWARC(ctx, c)
}

// EvidencePacket writes a claim's evidence packet (WACZ with
// provenance.json) to w: every capture of every evidence item, each item's
// newest quote anchor with the text it counts in, and the timestamp
// tokens. Internal notes stay out: a packet is made to be handed out.
func (s *Service) EvidencePacket(ctx context.Context, claimID int64, w io.Writer) error {
	claim, err := s.store.ClaimWithEvidence(ctx, claimID)
	if err != nil {
		return err
	}
	rows, err := s.store.ClaimCaptures(ctx, claimID)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return models.Errorf(models.EConflict, "claim %d has no captured sources yet: a packet needs at least one page read successfully", claimID)
	}
	byEvidence := map[int64][]*store.Capture{}
	var caps []wacz.Capture
	for i := range rows {
		c := &rows[i]
		data, err := s.CaptureWARC(ctx, c)
		if err != nil {
			return err
		}
		wc, err := WARCCapture(c)
		if err != nil {
			return err
		}
		caps = append(caps, wacz.Capture{WARC: data, Capture: wc, Title: c.Title, Timestamp: stampOf(c)})
		byEvidence[c.EvidenceID] = append(byEvidence[c.EvidenceID], c)
	}
	prov := wacz.Provenance{Claim: wacz.Claim{ID: strconv.FormatInt(claim.ID, 10), Text: claim.Text, URL: claim.SourceURL}}
	if claim.State == models.StateConfirmed {
		prov.Claim.Verdict = string(claim.Verdict)
	}
	for _, ev := range claim.Evidence {
		cs := byEvidence[ev.ID]
		if len(cs) == 0 {
			continue
		}
		pe := wacz.Evidence{ID: strconv.FormatInt(ev.ID, 10), URL: ev.URL}
		if !ev.Internal {
			pe.Note = ev.Note
		}
		var anchored *store.Capture
		for _, c := range cs {
			pe.Captures = append(pe.Captures, wacz.CaptureRef{ResponseRecordID: c.ResponseRecordID})
			if c.Anchor != nil {
				anchored = c // oldest first: the last one seen is the newest
			}
		}
		if a := AnchorOf(anchored); a != nil {
			gz, err := s.store.CaptureText(ctx, anchored.ResponseRecordID)
			if err != nil {
				return err
			}
			text, err := gunzipText(gz)
			if err != nil {
				return err
			}
			pe.Excerpt, pe.AnchorCapture, pe.AnchorText = a, anchored.ResponseRecordID, text
		}
		prov.Evidence = append(prov.Evidence, pe)
	}
	_, err = wacz.Build(w, wacz.Packet{
		Title:       fmt.Sprintf("Claim %d: evidence packet", claim.ID),
		Description: claim.Text,
		Created:     s.now(),
		Software:    "factdesk (" + warc.Software + ")",
		Captures:    caps,
		Provenance:  prov,
	})
	if err != nil {
		return fmt.Errorf("sources: packet of claim %d: %w", claimID, err)
	}
	return nil
}

func stampOf(c *store.Capture) tsa.Result {
	res := tsa.Result{Status: tsa.Status(c.TimestampStatus)}
	for _, t := range c.Timestamps {
		res.Tokens = append(res.Tokens, tsa.Token{Authority: t.Authority, DER: t.Token, Time: t.IssuedAt, Serial: t.Serial,
			Policy: t.Policy, Signer: t.Signer, SignerSHA256: t.SignerSHA256, ChainVerified: t.ChainVerified})
	}
	return res
}
