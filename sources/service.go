package sources

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/factdesk/factdesk/archive/anchor"
	"github.com/factdesk/factdesk/metrics"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// DefaultRecheckInterval is how often evidence of confirmed claims is
// fetched again.
const DefaultRecheckInterval = 24 * time.Hour

// Config configures a Service.
type Config struct {
	// Client fetches the pages; build it with NewClient.
	Client *safehttp.Client
	// RecheckInterval is how old a confirmed claim's check may grow before
	// the watcher fetches it again. Zero means DefaultRecheckInterval.
	RecheckInterval time.Duration
	// Recorder writes each check's result and is required; the app passes
	// its workflow.Engine, so an alert runs the engine's change hooks.
	Recorder Recorder
	Log      *slog.Logger
	// FetchTimeout is the client's timeout, recorded in each capture's
	// metadata; zero means DefaultTimeout.
	FetchTimeout time.Duration
	// Stamper asks the timestamp authorities for each capture's digest;
	// nil means none is configured, and captures say so.
	Stamper Stamper
	// CaptureDir, when set, keeps captures' WARC bytes as files there
	// instead of in the database.
	CaptureDir string
	// Metrics counts finished checks by status; nil counts nothing.
	Metrics *metrics.Metrics
}

// Recorder records a source check against the claim it belongs to.
// workflow.Engine is the one implementation: every change to a claim,
// alerts included, goes through it.
type Recorder interface {
	RecordEvidenceCheck(ctx context.Context, claimID, evidenceID int64, judge workflow.EvidenceJudge) (*models.Evidence, *models.HistoryEntry, error)
}

// Service checks cited pages, watches them, and keeps the source registry.
type Service struct {
	store    *store.Store
	client   *safehttp.Client
	recorder Recorder
	log      *slog.Logger
	interval time.Duration
	queue    Queue
	now      func() time.Time

	timeout    time.Duration
	stamper    Stamper
	captureDir string
	metrics    *metrics.Metrics
}

// NewService returns a Service over st. It checks nothing in the background
// until a queue is attached with UseQueue and started.
func NewService(st *store.Store, cfg Config) *Service {
	s := &Service{store: st, client: cfg.Client, recorder: cfg.Recorder, log: cfg.Log, interval: cfg.RecheckInterval,
		now:     func() time.Time { return time.Now().UTC() },
		timeout: cfg.FetchTimeout, stamper: cfg.Stamper, captureDir: cfg.CaptureDir, metrics: cfg.Metrics}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.stamper == nil {
		s.stamper = noStamper{}
	}
	if s.client == nil {
		s.client = NewClient(nil, 0)
	}
	if s.interval <= 0 {
		s.interval = DefaultRecheckInterval
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// Queue puts check jobs on the job queue inside a caller's transaction.
type Queue interface {
	EnqueueChecks(ctx context.Context, tx *store.Tx, evidenceIDs []int64) error
}

// UseQueue attaches the job queue new evidence and the watcher use.
func (s *Service) UseQueue(q Queue) { s.queue = q }

// Hook is the workflow hook that, in the transaction adding evidence, rates
// its source and queues its first check, so a committed evidence item
// always has a check coming.
func (s *Service) Hook(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
	if ch.Evidence == nil || ch.Entry == nil || ch.Entry.Kind != models.HistoryEvidenceAdded {
		return nil
	}
	if err := rateEvidence(ctx, tx, ch.Evidence); err != nil {
		return err
	}
	if s.queue == nil {
		return nil
	}
	return s.queue.EnqueueChecks(ctx, tx, []int64{ch.Evidence.ID})
}

// Evidence loads one evidence item of a claim.
func (s *Service) Evidence(ctx context.Context, claimID, evidenceID int64) (*models.Evidence, error) {
	return s.store.ClaimEvidence(ctx, claimID, evidenceID)
}

// CheckNow re-checks one evidence item of a claim for actor and returns it
// updated. It runs the same code as the background job.
func (s *Service) CheckNow(ctx context.Context, actor *models.User, claimID, evidenceID int64) (*models.Evidence, error) {
	if err := workflow.CanDo(actor, nil, workflow.CheckSource); err != nil {
		return nil, err
	}
	if _, err := s.Evidence(ctx, claimID, evidenceID); err != nil {
		return nil, err
	}
	return s.Check(ctx, evidenceID)
}

// Check fetches the evidence's page and records the result. The fetch runs
// outside any transaction, so a slow site holds no locks; the engine then
// takes the claim's lock and the result is judged against the row as it is
// by then, which keeps two concurrent checks from both raising one alert.
func (s *Service) Check(ctx context.Context, evidenceID int64) (*models.Evidence, error) {
	ev, err := s.store.Evidence(ctx, evidenceID)
	if err != nil {
		return nil, err
	}
	prior, prevAnchor, err := s.priorCaptures(ctx, evidenceID)
	if err != nil {
		return nil, err
	}
	f := fetchPage(ctx, s.client, ev.URL, s.now(), s.timeout)
	if f.ErrClass == string(safehttp.ClassCanceled) {
		// We gave up, not the site: record nothing against it.
		return nil, fmt.Errorf("sources: check of evidence %d canceled: %w", evidenceID, ctx.Err())
	}
	var snap *store.Snapshot
	var capt *captured
	if f.OK() {
		if snap, err = snapshot(evidenceID, f); err != nil {
			return nil, err
		}
		if capt, err = s.capture(ctx, evidenceID, f, prior); err != nil {
			// The check's result still counts: a full capture directory
			// must not stop the desk from seeing that a page changed.
			s.log.ErrorContext(ctx, "source capture failed", slog.Int64("evidence_id", evidenceID), slog.Any("error", err))
			capt = nil
		}
	}
	var from Status
	out, alert, err := s.recorder.RecordEvidenceCheck(ctx, ev.ClaimID, evidenceID, func(prev models.Evidence) workflow.EvidenceCheck {
		v := Judge(&prev, f)
		next := prev
		apply(&next, f, v)
		check := workflow.EvidenceCheck{Evidence: next, Snapshot: snap}
		if capt != nil {
			anchorCapture(capt, v.Excerpt, prevAnchor)
			check.Capture = capt.row
		}
		if from = Status(prev.Status); Alerts(from, v.Status) {
			check.Alert = alertEntry(&next, from, f, capt)
		}
		return check
	})
	if err != nil {
		return nil, err
	}
	s.metrics.SourceCheck(out.Status)
	if alert != nil {
		s.log.InfoContext(ctx, "source changed", slog.Int64("claim_id", out.ClaimID), slog.Int64("evidence_id", out.ID),
			slog.String("from", string(from)), slog.String("to", out.Status))
	}
	return out, nil
}

// apply writes a check's result onto ev. A failed fetch keeps what the
// last successful one found (title, hash, excerpt position), so the desk
// still sees what the page used to say.
func apply(ev *models.Evidence, f Fetch, v Verdict) {
	at := f.At
	ev.FetchedAt, ev.FetchError, ev.FetchDetail, ev.ConsecutiveFailures = &at, f.ErrClass, f.Detail, v.Failures
	if f.HTTPStatus != 0 {
		code := f.HTTPStatus
		ev.HTTPStatus = &code
	} else {
		ev.HTTPStatus = nil
	}
	if string(v.Status) != ev.Status {
		ev.StatusChangedAt = &at
	}
	ev.Status = string(v.Status)
	if f.OK() {
		ev.FinalURL, ev.ContentType, ev.BodySHA256, ev.PageTitle = f.FinalURL, f.ContentType, f.SHA256, f.Title
		ev.ExcerptStatus, ev.ExcerptStart, ev.ExcerptEnd = string(v.Excerpt.Status), nil, nil
		if v.Excerpt.Status == ExcerptFound {
			start, end := v.Excerpt.Start, v.Excerpt.End
			ev.ExcerptStart, ev.ExcerptEnd = &start, &end
		}
	}
}

// alertEntry is the history entry telling the desk that cited evidence
// changed or disappeared. The review flag is derived from the status and
// status_changed_at the same check writes.
func alertEntry(ev *models.Evidence, from Status, f Fetch, capt *captured) *models.HistoryEntry {
	details := map[string]any{
		"evidence_id": ev.ID, "url": ev.URL, "from": from, "to": ev.Status,
		"http_status": ev.HTTPStatus, "excerpt_status": ev.ExcerptStatus, "fetch_error": f.ErrClass,
	}
	if capt != nil {
		// What changed around the quote, so the history says more than
		// "changed".
		if r := ReanchorOf(capt.row); r != nil {
			details["quote"] = map[string]any{"status": r.Status, "old": r.Old, "new": r.New, "diff": r.Diff}
		}
	}
	return &models.HistoryEntry{Kind: models.HistoryEvidenceChanged, Details: mustJSON(details), At: f.At,
		Comment: fmt.Sprintf("source %s is now %s (was %s)", ev.URL, ev.Status, from)}
}

// priorCaptures loads, before the fetch, the newest capture (which an
// unchanged page is a revisit of) and the newest quote anchor (which the
// new text is compared with).
func (s *Service) priorCaptures(ctx context.Context, evidenceID int64) (*store.Capture, *anchor.Anchor, error) {
	prior, err := s.store.LatestCapture(ctx, evidenceID)
	if models.IsCode(err, models.ENotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	anchored, err := s.store.LatestAnchoredCapture(ctx, evidenceID)
	if models.IsCode(err, models.ENotFound) {
		return prior, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return prior, AnchorOf(anchored), nil
}

// snapshot compresses a successful fetch's readable text for keeping.
func snapshot(evidenceID int64, f Fetch) (*store.Snapshot, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := io.WriteString(zw, f.Text); err != nil {
		return nil, fmt.Errorf("sources: compress snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("sources: compress snapshot: %w", err)
	}
	return &store.Snapshot{EvidenceID: evidenceID, FetchedAt: f.At, BodySHA256: f.SHA256, TextGz: buf.Bytes(), TextBytes: len(f.Text)}, nil
}

// Snapshot is the readable text of a page as last fetched.
type Snapshot struct {
	EvidenceID int64     `json:"evidence_id"`
	FetchedAt  time.Time `json:"fetched_at"`
	BodySHA256 string    `json:"body_sha256"`
	Text       string    `json:"text"`
}

// Snapshot returns the last readable-text snapshot of an evidence item.
func (s *Service) Snapshot(ctx context.Context, claimID, evidenceID int64) (*Snapshot, error) {
	if _, err := s.Evidence(ctx, claimID, evidenceID); err != nil {
		return nil, err
	}
	row, err := s.store.Snapshot(ctx, evidenceID)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(row.TextGz))
	if err != nil {
		return nil, fmt.Errorf("sources: open snapshot of %d: %w", evidenceID, err)
	}
	text, err := io.ReadAll(io.LimitReader(zr, MaxReadableBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sources: read snapshot of %d: %w", evidenceID, err)
	}
	return &Snapshot{EvidenceID: evidenceID, FetchedAt: row.FetchedAt, BodySHA256: row.BodySHA256, Text: string(text)}, nil
}

// Sweep queues a check for every evidence item of a confirmed claim whose
// last check is older than the recheck interval, at most limit per call.
// It returns how many it queued. Items already queued are not queued twice
// (the queue deduplicates), so overlapping sweeps are harmless.
func (s *Service) Sweep(ctx context.Context, limit int) (int, error) {
	if s.queue == nil {
		return 0, errors.New("sources: sweep without a queue")
	}
	ids, err := s.store.EvidenceDueForCheck(ctx, s.now().Add(-s.interval), limit)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	err = s.store.WithTx(ctx, func(tx *store.Tx) error { return s.queue.EnqueueChecks(ctx, tx, ids) })
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}
