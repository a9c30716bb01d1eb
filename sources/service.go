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

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// DefaultRecheckInterval is how often evidence of confirmed claims is
// fetched again.
const DefaultRecheckInterval = 24 * time.Hour

// Emitter publishes the evidence.changed event inside the transaction that
// records the change, so the event and the change commit together.
type Emitter func(ctx context.Context, tx *store.Tx, ch Change) error

// Change describes one alerting status change, for the event payload.
type Change struct {
	Claim    *models.Claim
	Evidence *models.Evidence
	From, To Status
	Entry    *models.HistoryEntry
}

// Config configures a Service.
type Config struct {
	// Client fetches the pages; build it with NewClient.
	Client *safehttp.Client
	// RecheckInterval is how old a confirmed claim's check may grow before
	// the watcher fetches it again. Zero means DefaultRecheckInterval.
	RecheckInterval time.Duration
	// Emit sends evidence.changed; nil means through events.ClaimChanged,
	// the same envelope as every claim event.
	Emit Emitter
	Log  *slog.Logger
}

// Service checks cited pages, watches them, and keeps the source registry.
type Service struct {
	store    *store.Store
	client   *safehttp.Client
	emit     Emitter
	log      *slog.Logger
	interval time.Duration
	queue    Queue
	now      func() time.Time
	// onAlert run in the transaction of each alert, after the event.
	onAlert []workflow.Hook
}

// OnAlert adds a hook run inside the transaction of every alert (a move
// into changed or gone), with the evidence_changed history entry as the
// Change. The dashboard's live refresh hangs here, since alerts are not
// written through workflow.Engine and so skip its hooks. Call it during
// wiring.
func (s *Service) OnAlert(h workflow.Hook) { s.onAlert = append(s.onAlert, h) }

// NewService returns a Service over st. It checks nothing in the background
// until a queue is attached with UseQueue and started.
func NewService(st *store.Store, cfg Config) *Service {
	s := &Service{store: st, client: cfg.Client, emit: cfg.Emit, log: cfg.Log, interval: cfg.RecheckInterval,
		now: func() time.Time { return time.Now().UTC() }}
	if s.client == nil {
		s.client = NewClient(nil, 0)
	}
	if s.interval <= 0 {
		s.interval = DefaultRecheckInterval
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.emit == nil {
		s.emit = emitEvent
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
	var ev models.Evidence
	err := s.store.DB(ctx).Where("claim_id = ?", claimID).First(&ev, evidenceID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, models.Errorf(models.ENotFound, "evidence %d of claim %d not found", evidenceID, claimID)
	}
	if err != nil {
		return nil, fmt.Errorf("sources: evidence %d: %w", evidenceID, err)
	}
	return &ev, nil
}

// CheckNow re-checks one evidence item of a claim for actor and returns it
// updated. It runs the same code as the background job.
func (s *Service) CheckNow(ctx context.Context, actor *models.User, claimID, evidenceID int64) (*models.Evidence, error) {
	if actor == nil || !actor.Active || !actor.Role.AtLeast(models.RoleChecker) {
		return nil, models.Errorf(models.EForbidden, "viewers may not check sources")
	}
	if _, err := s.Evidence(ctx, claimID, evidenceID); err != nil {
		return nil, err
	}
	return s.Check(ctx, evidenceID)
}

// Check fetches the evidence's page and records the result. The fetch runs
// outside any transaction, so a slow site holds no locks; the recording
// then takes the claim's lock and judges against the row as it is by then,
// which keeps two concurrent checks from both raising one alert.
func (s *Service) Check(ctx context.Context, evidenceID int64) (*models.Evidence, error) {
	var ev models.Evidence
	if err := s.store.DB(ctx).First(&ev, evidenceID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.Errorf(models.ENotFound, "evidence %d not found", evidenceID)
		}
		return nil, fmt.Errorf("sources: load evidence %d: %w", evidenceID, err)
	}
	f := FetchPage(ctx, s.client, ev.URL, s.now())
	if f.ErrClass == string(safehttp.ClassCanceled) {
		// We gave up, not the site: record nothing against it.
		return nil, fmt.Errorf("sources: check of evidence %d canceled: %w", evidenceID, ctx.Err())
	}
	var out *models.Evidence
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		claim, err := tx.LockClaim(ctx, ev.ClaimID)
		if err != nil {
			return err
		}
		var prev models.Evidence
		if err := tx.DB(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).First(&prev, evidenceID).Error; err != nil {
			return fmt.Errorf("sources: lock evidence %d: %w", evidenceID, err)
		}
		v := Judge(&prev, f)
		next := prev
		if err := s.record(ctx, tx, &next, f, v); err != nil {
			return err
		}
		if Alerts(Status(prev.Status), v.Status) {
			if err := s.alert(ctx, tx, claim, &next, Status(prev.Status), f); err != nil {
				return err
			}
		}
		out = &next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// record writes a check's result onto ev and its row. A failed fetch keeps
// what the last successful one found (title, hash, excerpt position), so
// the desk still sees what the page used to say.
func (s *Service) record(ctx context.Context, tx *store.Tx, ev *models.Evidence, f Fetch, v Verdict) error {
	at := f.At
	cols := map[string]any{
		"fetched_at":           at,
		"fetch_error":          f.ErrClass,
		"fetch_detail":         f.Detail,
		"consecutive_failures": v.Failures,
		"status":               string(v.Status),
	}
	ev.FetchedAt, ev.FetchError, ev.FetchDetail, ev.ConsecutiveFailures = &at, f.ErrClass, f.Detail, v.Failures
	if f.HTTPStatus != 0 {
		code := f.HTTPStatus
		cols["http_status"], ev.HTTPStatus = code, &code
	} else {
		cols["http_status"], ev.HTTPStatus = nil, nil
	}
	if string(v.Status) != ev.Status {
		cols["status_changed_at"], ev.StatusChangedAt = at, &at
	}
	ev.Status = string(v.Status)
	if f.OK() {
		ev.FinalURL, ev.ContentType, ev.BodySHA256, ev.PageTitle = f.FinalURL, f.ContentType, f.SHA256, f.Title
		ev.ExcerptStatus, ev.ExcerptStart, ev.ExcerptEnd = string(v.Excerpt.Status), nil, nil
		if v.Excerpt.Status == ExcerptFound {
			start, end := v.Excerpt.Start, v.Excerpt.End
			ev.ExcerptStart, ev.ExcerptEnd = &start, &end
		}
		cols["final_url"], cols["content_type"], cols["body_sha256"], cols["page_title"] = ev.FinalURL, ev.ContentType, ev.BodySHA256, ev.PageTitle
		cols["excerpt_status"], cols["excerpt_start"], cols["excerpt_end"] = ev.ExcerptStatus, ev.ExcerptStart, ev.ExcerptEnd
	}
	if err := tx.DB(ctx).Model(&models.Evidence{}).Where("id = ?", ev.ID).Updates(cols).Error; err != nil {
		return fmt.Errorf("sources: record check of evidence %d: %w", ev.ID, err)
	}
	if f.OK() {
		return saveSnapshot(ctx, tx, ev.ID, f)
	}
	return nil
}

// alert tells the desk that cited evidence changed or disappeared: a
// history entry on the claim (whose lock the caller holds) and the
// evidence.changed event. The review flag is derived from the status and
// status_changed_at the caller has just written.
func (s *Service) alert(ctx context.Context, tx *store.Tx, claim *models.Claim, ev *models.Evidence, from Status, f Fetch) error {
	details := map[string]any{
		"evidence_id": ev.ID, "url": ev.URL, "from": from, "to": ev.Status,
		"http_status": ev.HTTPStatus, "excerpt_status": ev.ExcerptStatus, "fetch_error": f.ErrClass,
	}
	entry := &models.HistoryEntry{Kind: models.HistoryEvidenceChanged, Details: mustJSON(details), At: f.At,
		Comment: fmt.Sprintf("source %s is now %s (was %s)", ev.URL, ev.Status, from)}
	if err := tx.AppendHistory(ctx, claim, entry); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "source changed", slog.Int64("claim_id", claim.ID), slog.Int64("evidence_id", ev.ID),
		slog.String("from", string(from)), slog.String("to", ev.Status))
	if err := s.emit(ctx, tx, Change{Claim: claim, Evidence: ev, From: from, To: Status(ev.Status), Entry: entry}); err != nil {
		return err
	}
	for _, h := range s.onAlert {
		if err := h(ctx, tx, workflow.Change{Claim: claim, Entry: entry, Evidence: ev}); err != nil {
			return fmt.Errorf("sources: alert hook: %w", err)
		}
	}
	return nil
}

func saveSnapshot(ctx context.Context, tx *store.Tx, evidenceID int64, f Fetch) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := io.WriteString(zw, f.Text); err != nil {
		return fmt.Errorf("sources: compress snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("sources: compress snapshot: %w", err)
	}
	err := tx.Exec(ctx, `
		INSERT INTO evidence_snapshots (evidence_id, fetched_at, body_sha256, text_gz, text_bytes)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (evidence_id) DO UPDATE SET fetched_at = EXCLUDED.fetched_at,
			body_sha256 = EXCLUDED.body_sha256, text_gz = EXCLUDED.text_gz, text_bytes = EXCLUDED.text_bytes`,
		evidenceID, f.At, f.SHA256, buf.Bytes(), len(f.Text))
	if err != nil {
		return fmt.Errorf("sources: save snapshot of evidence %d: %w", evidenceID, err)
	}
	return nil
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
	var row struct {
		FetchedAt  time.Time
		BodySHA256 string `gorm:"column:body_sha256"`
		TextGz     []byte
	}
	res := s.store.DB(ctx).Raw("SELECT fetched_at, body_sha256, text_gz FROM evidence_snapshots WHERE evidence_id = ?", evidenceID).Scan(&row)
	if res.Error != nil {
		return nil, fmt.Errorf("sources: snapshot of %d: %w", evidenceID, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, models.Errorf(models.ENotFound, "evidence %d has no snapshot yet: its page has not been read successfully", evidenceID)
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
	var ids []int64
	err := s.store.DB(ctx).Raw(`
		SELECT e.id FROM evidence e JOIN claims c ON c.id = e.claim_id
		WHERE c.state = 'confirmed' AND (e.fetched_at IS NULL OR e.fetched_at < ?)
		ORDER BY e.fetched_at NULLS FIRST, e.id
		LIMIT ?`, s.now().Add(-s.interval), limit).Scan(&ids).Error
	if err != nil {
		return 0, fmt.Errorf("sources: find evidence due for a check: %w", err)
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

// emitEvent sends evidence.changed through the events package: the event
// row, its webhook deliveries and their jobs join the caller's transaction.
func emitEvent(ctx context.Context, tx *store.Tx, ch Change) error {
	return events.ClaimChanged(ctx, tx, ch.Claim, ch.Entry, ch.Evidence)
}
