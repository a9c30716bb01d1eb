package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// TestCaptureChunks stores a capture bigger than two chunks, with a
// timestamp, and reads it back whole; a revisit's text is its prior's.
func TestCaptureChunks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	warcBytes := make([]byte, 2*store.CaptureChunkBytes+12345)
	rand.Read(warcBytes)
	at := time.Now().UTC().Truncate(time.Microsecond)
	first := &store.Capture{FetchedAt: at, URL: "https://example.org/a", HTTPStatus: 200, ResponseRecordID: "<urn:uuid:1>",
		RequestRecordID: "<urn:uuid:2>", MetadataRecordID: "<urn:uuid:3>", PayloadDigest: "sha256:aa", CaptureSHA256: "bb",
		Records: `{}`, WARCBytes: int64(len(warcBytes)), Storage: store.CaptureInDatabase, WARC: warcBytes,
		TimestampStatus: "timestamped", TextGz: []byte("gz"), TextBytes: 2,
		Timestamps: []store.CaptureTimestamp{{Authority: "https://tsa.example", IssuedAt: at, Token: []byte{1, 2, 3}}}}
	revisit := &store.Capture{FetchedAt: at.Add(time.Hour), URL: first.URL, HTTPStatus: 200, Revisit: true, RefersTo: "<urn:uuid:1>",
		ResponseRecordID: "<urn:uuid:4>", RequestRecordID: "<urn:uuid:5>", MetadataRecordID: "<urn:uuid:6>", PayloadDigest: "sha256:aa",
		CaptureSHA256: "cc", Records: `{}`, WARCBytes: 3, Storage: store.CaptureInDatabase, WARC: []byte("abc"),
		TimestampStatus: "untimestamped: no timestamp authority configured"}
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		u := &models.User{Email: "captures@test.factdesk.test", Name: "C", Role: models.RoleChecker, Active: true}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		c := &models.Claim{Text: "x", State: models.StateNew, Priority: models.PriorityNormal, Language: "en", Version: 1, CreatedBy: u.ID}
		if err := tx.CreateClaim(ctx, c); err != nil {
			return err
		}
		ev := &models.Evidence{ClaimID: c.ID, URL: first.URL, Stance: models.StanceSupports, AddedBy: u.ID, Status: "pending"}
		if err := tx.AddEvidence(ctx, ev); err != nil {
			return err
		}
		first.EvidenceID, revisit.EvidenceID = ev.ID, ev.ID
		if err := tx.SaveCapture(ctx, first); err != nil {
			return err
		}
		return tx.SaveCapture(ctx, revisit)
	})
	if err != nil {
		t.Fatal(err)
	}
	var chunks int
	if err := st.SQL().QueryRow(`SELECT count(*) FROM capture_chunks WHERE capture_id = $1`, first.ID).Scan(&chunks); err != nil || chunks != 3 {
		t.Errorf("chunks = %d (%v), want 3", chunks, err)
	}
	got, err := st.CaptureWARC(ctx, first.ID)
	if err != nil || !bytes.Equal(got, warcBytes) {
		t.Fatalf("CaptureWARC = %d bytes, %v; want the %d stored", len(got), err, len(warcBytes))
	}
	text, err := st.CaptureText(ctx, "<urn:uuid:4>")
	if err != nil || string(text) != "gz" {
		t.Errorf("revisit text = %q, %v; want its prior's", text, err)
	}
	list, err := st.EvidenceCaptures(ctx, first.EvidenceID)
	if err != nil || len(list) != 2 || list[0].ID != revisit.ID || len(list[1].Timestamps) != 1 || !bytes.Equal(list[1].Timestamps[0].Token, []byte{1, 2, 3}) {
		t.Errorf("EvidenceCaptures = %+v, %v", list, err)
	}
	if latest, err := st.LatestCapture(ctx, first.EvidenceID); err != nil || latest.ID != revisit.ID {
		t.Errorf("LatestCapture = %v, %v", latest, err)
	}
	if _, err := st.LatestAnchoredCapture(ctx, first.EvidenceID); !models.IsCode(err, models.ENotFound) {
		t.Errorf("LatestAnchoredCapture without anchors = %v, want not found", err)
	}
}
