package workflow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Change is one committed-together change to a claim: the claim as it now
// is and the history entry that records it.
type Change struct {
	Claim *models.Claim
	Entry *models.HistoryEntry
	// Actor is the user who made the change, when the engine has them at
	// hand (nil for a source check's alert): hooks use it rather than
	// loading Entry.ActorID again.
	Actor *models.User
	// Evidence or Comment is set for the entries that add one.
	Evidence *models.Evidence
	Comment  *models.Comment
	// eventsSaved: the change's events were stored with the claim's save
	// (Engine.OnEvents), so the events hook has nothing left to do.
	eventsSaved bool
}

// Hook runs inside the transaction of every change, after its history entry
// is written. Outbound events and live-update notifications hang here, so
// they commit or roll back with the change itself.
type Hook func(ctx context.Context, tx *store.Tx, ch Change) error

// Engine performs every change to claims. Each method is one transaction.
type Engine struct {
	store *store.Store
	hooks []Hook
	// seen are the OnSeen hooks.
	seen []SeenHook
	// settingsHooks run in every settings change (OnSettingsChange).
	settingsHooks []SettingsHook
	// events builds and queues the changes' outbound events (OnEvents).
	events *EventWriter
	now    func() time.Time
	// model finds an article's candidates (see activeModel).
	model atomic.Pointer[loadedModel]
}

// NewEngine returns an engine writing through s.
func NewEngine(s *store.Store) *Engine {
	return &Engine{store: s, now: func() time.Time { return time.Now().UTC() }}
}

// OnChange adds a hook. Call it during wiring, before serving.
func (e *Engine) OnChange(h Hook) { e.hooks = append(e.hooks, h) }

// EventWriter is how the changes' outbound events are written: Rows
// renders a change's events, Queue queues the jobs of the deliveries the
// store created for them, and Emit does both, storing the events itself.
type EventWriter struct {
	Rows  func(ctx context.Context, tx *store.Tx, ch Change) ([]store.EventRow, error)
	Queue func(ctx context.Context, tx *store.Tx, deliveries []int64) error
	Emit  Hook
}

// OnEvents makes w write the events of every change. A claim save stores
// them in its own statement (store.Tx.SaveClaimWithEvents), a round trip
// less on the write path; any other change emits them as a hook, in this
// call's place among OnChange's hooks. Call it during wiring, before
// serving.
func (e *Engine) OnEvents(w EventWriter) {
	e.events = &w
	e.OnChange(func(ctx context.Context, tx *store.Tx, ch Change) error {
		if ch.eventsSaved {
			return nil
		}
		return w.Emit(ctx, tx, ch)
	})
}

// SeenHook runs inside a transaction that changed what a claim's page shows
// without changing the claim or its history: a routine source check's
// result. Only hooks that tell open pages to refresh belong here; events,
// notifications and the public record follow history entries (Hook).
type SeenHook func(ctx context.Context, tx *store.Tx, claim *models.Claim) error

// OnSeen adds a SeenHook. Call it during wiring, before serving.
func (e *Engine) OnSeen(h SeenHook) { e.seen = append(e.seen, h) }

// runSeen runs the SeenHooks for claim.
func (e *Engine) runSeen(ctx context.Context, tx *store.Tx, claim *models.Claim) error {
	for _, h := range e.seen {
		if err := h(ctx, tx, claim); err != nil {
			return fmt.Errorf("workflow: seen hook: %w", err)
		}
	}
	return nil
}

// record appends the history entry and runs the hooks.
func (e *Engine) record(ctx context.Context, tx *store.Tx, ch Change) error {
	ch.Entry.At = e.now()
	if err := tx.AppendHistory(ctx, ch.Claim, ch.Entry); err != nil {
		return err
	}
	return e.runHooks(ctx, tx, ch)
}

// save writes the claim's changed fields together with the entry that
// records them, then runs the hooks.
func (e *Engine) save(ctx context.Context, tx *store.Tx, ch Change) error {
	ch.Entry.At = e.now()
	if e.events == nil {
		if err := tx.SaveClaim(ctx, ch.Claim, ch.Entry); err != nil {
			return err
		}
		return e.runHooks(ctx, tx, ch)
	}
	// The events are rendered once the store has numbered the entry and
	// versioned the claim, and stored by the same statement.
	deliveries, err := tx.SaveClaimWithEvents(ctx, ch.Claim, ch.Entry, func() ([]store.EventRow, error) {
		return e.events.Rows(ctx, tx, ch)
	})
	if err != nil {
		return err
	}
	if err := e.events.Queue(ctx, tx, deliveries); err != nil {
		return err
	}
	ch.eventsSaved = true
	return e.runHooks(ctx, tx, ch)
}

func (e *Engine) runHooks(ctx context.Context, tx *store.Tx, ch Change) error {
	for _, h := range e.hooks {
		if err := h(ctx, tx, ch); err != nil {
			return fmt.Errorf("workflow: change hook: %w", err)
		}
	}
	return nil
}

// Limits on free text, so one paste cannot bloat every listing.
const (
	maxClaimText = 5000
	maxShortText = 500
	maxLongText  = 20000
	maxTags      = 20
)

// defaultLanguage is the language of a claim that names none.
const defaultLanguage = "en"

// NewClaim is the input of CreateClaim.
type NewClaim struct {
	Text      string          `json:"text"`
	Claimant  string          `json:"claimant"`
	SourceURL string          `json:"source_url"`
	Priority  models.Priority `json:"priority"`
	DueAt     *time.Time      `json:"due_at"`
	Language  string          `json:"language"`
	Tags      []string        `json:"tags"`
	// Provenance, set by the server when a claim is taken from an article
	// (never from a client's JSON): the article and the sentence's byte
	// range in its text.
	ArticleID    *int64 `json:"-"`
	ArticleStart *int   `json:"-"`
	ArticleEnd   *int   `json:"-"`
	// SentenceStart and SentenceEnd are the candidate sentence the claim
	// was filed from; the claim's own span lies inside it.
	SentenceStart *int `json:"-"`
	SentenceEnd   *int `json:"-"`
	// InputErrors are fields the caller could not read (a date that does
	// not parse), reported with the claim's other field errors.
	InputErrors []models.FieldError `json:"-"`
}

// CreateClaim adds a claim in state new.
func (e *Engine) CreateClaim(ctx context.Context, actor *models.User, in NewClaim) (*models.Claim, error) {
	cs, err := e.CreateClaims(ctx, actor, []NewClaim{in})
	if err != nil {
		return nil, err
	}
	return cs[0], nil
}

// CreateClaims adds several claims in state new in one transaction, each
// with its own created entry: either all of them exist afterwards or none
// does. With more than one input, field errors are named claims[i].field.
func (e *Engine) CreateClaims(ctx context.Context, actor *models.User, ins []NewClaim) ([]*models.Claim, error) {
	cs, err := newClaims(actor, ins)
	if err != nil {
		return nil, err
	}
	err = e.store.WithTx(ctx, func(tx *store.Tx) error { return e.insertClaims(ctx, tx, actor, cs) })
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// newClaims checks that actor may file claims and builds them from ins,
// validated and not yet stored.
func newClaims(actor *models.User, ins []NewClaim) ([]*models.Claim, error) {
	if err := CanDo(actor, nil, FileClaims); err != nil {
		return nil, err
	}
	cs := make([]*models.Claim, len(ins))
	// Every claim of a batch is checked, so one answer names all the
	// fields at fault rather than the first claim's only.
	var bad []error
	for i, in := range ins {
		c := &models.Claim{
			Text:                 strings.TrimSpace(in.Text),
			Claimant:             strings.TrimSpace(in.Claimant),
			SourceURL:            strings.TrimSpace(in.SourceURL),
			State:                models.StateNew,
			Priority:             in.Priority,
			DueAt:                in.DueAt,
			Language:             strings.TrimSpace(in.Language),
			Tags:                 cleanTags(in.Tags),
			Version:              1,
			ArticleID:            in.ArticleID,
			ArticleStart:         in.ArticleStart,
			ArticleEnd:           in.ArticleEnd,
			ArticleSentenceStart: in.SentenceStart,
			ArticleSentenceEnd:   in.SentenceEnd,
			CreatedBy:            actor.ID,
		}
		if c.Priority == "" {
			c.Priority = models.PriorityNormal
		}
		if c.Language == "" {
			c.Language = defaultLanguage
		}
		c.PriorityRank = c.Priority.Rank()
		if err := validateClaim(c, true, in.InputErrors...); err != nil {
			if len(ins) == 1 {
				return nil, err
			}
			bad = append(bad, indexFields(err, i))
		}
		cs[i] = c
	}
	switch len(bad) {
	case 0:
		return cs, nil
	case 1:
		return nil, bad[0]
	}
	all := &models.Error{Code: models.EInvalid, Message: fmt.Sprintf("%d of the %d claims are not valid", len(bad), len(ins))}
	for _, err := range bad {
		var de *models.Error
		if errors.As(err, &de) {
			all.Fields = append(all.Fields, de.Fields...)
		}
	}
	return nil, all
}

// insertClaims stores cs in tx, each with its created entry.
func (e *Engine) insertClaims(ctx context.Context, tx *store.Tx, actor *models.User, cs []*models.Claim) error {
	for _, c := range cs {
		if err := e.insertClaim(ctx, tx, actor, c, nil); err != nil {
			return err
		}
	}
	return nil
}

// insertClaim stores c in tx with its created entry; edited, when set, is
// kept in the entry's details as "edited" (a candidate changed before it
// was filed, see FileCandidates).
func (e *Engine) insertClaim(ctx context.Context, tx *store.Tx, actor *models.User, c *models.Claim, edited map[string]any) error {
	now := e.now()
	c.CreatedAt, c.UpdatedAt = now, now
	if err := tx.CreateClaim(ctx, c); err != nil {
		return err
	}
	c.Assignees = []models.Assignment{}
	entry := &models.HistoryEntry{Kind: models.HistoryCreated, ActorID: &actor.ID, ToState: models.StateNew}
	if edited != nil {
		entry.Details = mustJSON(map[string]any{"edited": edited})
	}
	return e.record(ctx, tx, Change{Actor: actor, Claim: c, Entry: entry})
}

// indexFields prefixes the field errors of claim i's validation error with
// claims[i], so a batch names which claim failed.
func indexFields(err error, i int) error {
	var de *models.Error
	if !errors.As(err, &de) {
		return err
	}
	out := &models.Error{Code: de.Code, Message: fmt.Sprintf("claim %d: %s", i, de.Message)}
	for _, f := range de.Fields {
		out.Fields = append(out.Fields, models.FieldError{Field: fmt.Sprintf("claims[%d].%s", i, f.Field), Message: f.Message})
	}
	return out
}

// ClaimPatch is a partial edit. Absent fields are left alone.
type ClaimPatch struct {
	Version   int                              `json:"version"`
	Text      models.Optional[string]          `json:"text"`
	Claimant  models.Optional[string]          `json:"claimant"`
	SourceURL models.Optional[string]          `json:"source_url"`
	Priority  models.Optional[models.Priority] `json:"priority"`
	DueAt     models.Optional[time.Time]       `json:"due_at"`
	Language  models.Optional[string]          `json:"language"`
	Tags      models.Optional[[]string]        `json:"tags"`
	// InputErrors are fields the caller could not read (a date that does
	// not parse), reported with the patch's other field errors.
	InputErrors []models.FieldError `json:"-"`
}

// UpdateClaim edits a claim under optimistic locking: the caller's version
// must be the current one.
func (e *Engine) UpdateClaim(ctx context.Context, actor *models.User, id int64, p ClaimPatch) (*models.Claim, error) {
	if err := CanDo(actor, nil, EditClaim); err != nil {
		return nil, err
	}
	if p.Version <= 0 {
		return nil, models.Invalid("version is required", append(p.InputErrors, models.FieldError{Field: "version", Message: "send the version you last read"})...)
	}
	var c *models.Claim
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = tx.LockClaim(ctx, id); err != nil {
			return err
		}
		if err := CanDo(actor, c, EditClaim); err != nil {
			return err
		}
		if c.Version != p.Version {
			return staleVersion(c, p.Version)
		}
		before := *c
		judged := p.Text.Set && strings.TrimSpace(p.Text.Value) != c.Text || p.Claimant.Set && strings.TrimSpace(p.Claimant.Value) != c.Claimant
		if judged && c.State == models.StateConfirmed {
			return models.Errorf(models.EConflict, "a confirmed claim's wording is published: reopen it, with the reason readers will see, before changing the text or claimant")
		}
		changed := map[string]any{}
		if p.Text.Set {
			changed["text"], c.Text = strings.TrimSpace(p.Text.Value), strings.TrimSpace(p.Text.Value)
		}
		if p.Claimant.Set {
			changed["claimant"], c.Claimant = strings.TrimSpace(p.Claimant.Value), strings.TrimSpace(p.Claimant.Value)
		}
		if p.SourceURL.Set {
			changed["source_url"], c.SourceURL = strings.TrimSpace(p.SourceURL.Value), strings.TrimSpace(p.SourceURL.Value)
		}
		if p.Priority.Set {
			if p.Priority.Null {
				p.Priority.Value = models.PriorityNormal
			}
			changed["priority"], c.Priority = p.Priority.Value, p.Priority.Value
		}
		if p.DueAt.Set {
			if p.DueAt.Null {
				c.DueAt = nil
			} else {
				due := p.DueAt.Value
				c.DueAt = &due
			}
			changed["due_at"] = c.DueAt
		}
		if p.Language.Set {
			// null or blank means the default, as on create.
			c.Language = strings.TrimSpace(p.Language.Value)
			if c.Language == "" {
				c.Language = defaultLanguage
			}
			changed["language"] = c.Language
		}
		if p.Tags.Set {
			c.Tags = cleanTags(p.Tags.Value)
			changed["tags"] = c.Tags
		}
		if len(changed) == 0 && len(p.InputErrors) == 0 {
			return models.Invalid("nothing to change", models.FieldError{Field: "body", Message: "send at least one of text, claimant, source_url, priority, due_at, language, tags"})
		}
		// Only a new due date is checked, so a claim stored before the
		// check existed can still be edited.
		if err := validateClaim(c, p.DueAt.Set, p.InputErrors...); err != nil {
			return err
		}
		entry := &models.HistoryEntry{Kind: models.HistoryUpdated, ActorID: &actor.ID}
		details := map[string]any{"changed": changed, "previous": previousValues(&before, changed)}
		// A verdict proposed for other words is no verdict on these: the
		// claim goes back to research and needs a fresh verify and review.
		if judged {
			if cleared := reopenProposal(c, entry); cleared != nil {
				details["reopened"] = cleared
			}
		}
		entry.Details = mustJSON(details)
		return e.save(ctx, tx, Change{Actor: actor, Claim: c, Entry: entry})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// previousValues is the value before the edit of every field in changed.
func previousValues(c *models.Claim, changed map[string]any) map[string]any {
	old := map[string]any{"text": c.Text, "claimant": c.Claimant, "source_url": c.SourceURL, "priority": c.Priority,
		"due_at": c.DueAt, "language": c.Language, "tags": c.Tags}
	out := make(map[string]any, len(changed))
	for k := range changed {
		out[k] = old[k]
	}
	return out
}

// validateClaim checks c before it is written; the due date only when
// checkDueAt is set. unread are the input's fields that could not be read
// at all, reported first.
func validateClaim(c *models.Claim, checkDueAt bool, unread ...models.FieldError) error {
	fields := append([]models.FieldError(nil), unread...)
	if checkDueAt {
		if msg := checkDue(c.DueAt); msg != "" {
			fields = append(fields, models.FieldError{Field: "due_at", Message: msg})
		}
	}
	switch n := utf8.RuneCountInString(c.Text); {
	case n == 0:
		fields = append(fields, models.FieldError{Field: "text", Message: "the claim text is required"})
	case n > maxClaimText:
		fields = append(fields, models.FieldError{Field: "text", Message: fmt.Sprintf("the claim text is %d characters; the limit is %d", n, maxClaimText)})
	}
	if utf8.RuneCountInString(c.Claimant) > maxShortText {
		fields = append(fields, models.FieldError{Field: "claimant", Message: fmt.Sprintf("at most %d characters", maxShortText)})
	}
	if c.SourceURL != "" {
		if msg := checkURL(c.SourceURL); msg != "" {
			fields = append(fields, models.FieldError{Field: "source_url", Message: msg})
		}
	}
	if !c.Priority.Valid() {
		fields = append(fields, models.FieldError{Field: "priority", Message: "must be one of low, normal, high, urgent"})
	}
	if len(c.Language) > 35 {
		fields = append(fields, models.FieldError{Field: "language", Message: "use a language tag such as en or pt-BR"})
	}
	// Counted after cleanTags: 25 copies of one tag are one tag.
	if len(c.Tags) > maxTags {
		fields = append(fields, models.FieldError{Field: "tags", Message: fmt.Sprintf("at most %d tags", maxTags)})
	}
	for _, t := range c.Tags {
		if utf8.RuneCountInString(t) > 50 {
			fields = append(fields, models.FieldError{Field: "tags", Message: fmt.Sprintf("tag %q is longer than 50 characters", t)})
		}
	}
	if len(fields) > 0 {
		return models.Invalid("the claim is not valid", fields...)
	}
	return nil
}

// checkURL returns why raw is not an http(s) URL, or "".
func checkURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an absolute http:// or https:// URL"
	}
	if len(raw) > 2048 {
		return "URLs are limited to 2048 characters"
	}
	// url.Parse only checks that the port is digits.
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "the port must be between 1 and 65535"
		}
	}
	return ""
}

// Due dates outside these years are typing slips (0000-01-01 would make a
// claim overdue forever), not deadlines.
var (
	earliestDue = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	latestDue   = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkDue returns why due is not a plausible due date, or "".
func checkDue(due *time.Time) string {
	if due != nil && (due.Before(earliestDue) || !due.Before(latestDue)) {
		return "use a date between 1900 and 2999, such as 2026-05-01T17:00:00Z"
	}
	return ""
}

// cleanTags normalizes and de-duplicates tags.
func cleanTags(in []string) models.Tags {
	out := models.Tags{}
	seen := map[string]bool{}
	for _, t := range in {
		t = models.NormalizeTag(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// staleVersion is the conflict for an optimistic-lock miss. It names the
// current version so a client can refetch and retry knowingly.
func staleVersion(c *models.Claim, sent int) error {
	return models.Errorf(models.EConflict, "claim %d changed since you read it: you sent version %d, the current version is %d (state %s)", c.ID, sent, c.Version, c.State)
}
