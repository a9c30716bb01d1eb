package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// reviewReader is the part of the store the review facts come from; the
// pool and a transaction both have it.
type reviewReader interface {
	ChangersSinceProposal(ctx context.Context, claimID int64) ([]int64, error)
	ActiveEvidence(ctx context.Context, claimID int64) ([]models.Evidence, error)
	DeskSettings(ctx context.Context) (*models.DeskSettings, error)
}

// reviewFacts loads, for a claim awaiting confirmation, who changed it
// since the proposal and the pre-publish checks; for other claims nothing,
// since nobody can confirm them.
func reviewFacts(ctx context.Context, q reviewReader, c *models.Claim) ([]int64, []CheckResult, error) {
	if c.State != models.StateVerified && c.State != models.StateDisputed {
		return nil, nil, nil
	}
	changers, err := q.ChangersSinceProposal(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	evs, err := q.ActiveEvidence(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	settings, err := q.DeskSettings(ctx)
	if err != nil {
		return nil, nil, err
	}
	checks := PrePublish(PrePublishFacts{Verdict: c.Verdict, Summary: c.Summary, Evidence: evs}, PolicyFrom(settings.PrePublish))
	return changers, checks, nil
}

// confirmChecks decides a confirm against its pre-publish checks: a
// blocking failure refuses it unless reason is written, in which case the
// override is recorded. It returns the confirm entry's details.
func confirmChecks(checks []CheckResult, reason string) (json.RawMessage, error) {
	reason = strings.TrimSpace(reason)
	blocked := blocking(checks)
	details := map[string]any{"prepublish": checks}
	if len(blocked) > 0 {
		if reason == "" {
			fields := make([]models.FieldError, 0, len(blocked)+1)
			for _, b := range blocked {
				fields = append(fields, models.FieldError{Field: "prepublish." + string(b.Check), Message: b.Message})
			}
			fields = append(fields, models.FieldError{Field: "override_reason", Message: "fix the sources, or write why the check is published anyway"})
			return nil, models.Invalid(fmt.Sprintf("cannot confirm: %d pre-publish check(s) block it", len(blocked)), fields...)
		}
		if n := utf8.RuneCountInString(reason); n > maxLongText {
			return nil, models.Invalid("the override reason is too long", models.FieldError{Field: "override_reason", Message: fmt.Sprintf("at most %d characters", maxLongText)})
		}
		names := make([]CheckName, len(blocked))
		for i, b := range blocked {
			names[i] = b.Check
		}
		details["override"] = map[string]any{"reason": reason, "checks": names}
	}
	return mustJSON(details), nil
}

// reopenProposal sends a claim whose verdict is proposed back to research,
// clearing the proposal, because what was judged changed. It reports what
// it cleared for the history entry, or nil when the claim was not waiting
// for review. A confirmed claim never gets here: its published wording and
// evidence change only after a reopen with a public reason.
func reopenProposal(c *models.Claim, entry *models.HistoryEntry) map[string]any {
	if c.State != models.StateVerified && c.State != models.StateDisputed {
		return nil
	}
	cleared := map[string]any{"from": c.State, "verdict": c.Verdict, "summary": c.Summary}
	entry.FromState, entry.ToState = c.State, models.StateVerifying
	c.State, c.Verdict, c.Summary = models.StateVerifying, "", ""
	return cleared
}

// EvidencePatch corrects an evidence item. Absent fields are left alone.
type EvidencePatch struct {
	// Version is the item's version the client read; If-Match carries it
	// too.
	Version  int                            `json:"version"`
	Stance   models.Optional[models.Stance] `json:"stance"`
	Excerpt  models.Optional[string]        `json:"excerpt"`
	Note     models.Optional[string]        `json:"note"`
	Title    models.Optional[string]        `json:"title"`
	Internal models.Optional[bool]          `json:"internal"`
}

// UpdateEvidence corrects one evidence item of a claim in one transaction,
// with a history entry holding the old and the new values. A new excerpt
// has not been looked for on the page yet, so the item's check state goes
// back to pending. Changing the evidence of a claim awaiting review sends
// it back to research (see reopenProposal).
func (e *Engine) UpdateEvidence(ctx context.Context, actor *models.User, claimID, evidenceID int64, p EvidencePatch) (*models.Evidence, *models.Claim, error) {
	if err := CanDo(actor, nil, AddEvidence); err != nil {
		return nil, nil, err
	}
	if p.Version <= 0 {
		return nil, nil, models.Invalid("version is required", models.FieldError{Field: "version", Message: "send the evidence version you last read (or If-Match)"})
	}
	var ev *models.Evidence
	var c *models.Claim
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if c, ev, err = e.lockEvidence(ctx, tx, actor, claimID, evidenceID, p.Version); err != nil {
			return err
		}
		prev, next := map[string]any{}, map[string]any{}
		set := func(name string, old, new any) {
			if old != new {
				prev[name], next[name] = old, new
			}
		}
		var fields []models.FieldError
		if p.Stance.Set {
			if !p.Stance.Value.Valid() {
				fields = append(fields, models.FieldError{Field: "stance", Message: models.MustBeOneOf(models.Stances)})
			} else {
				set("stance", ev.Stance, p.Stance.Value)
				ev.Stance = p.Stance.Value
			}
		}
		text := func(name string, o models.Optional[string], limit int, dst *string) {
			if !o.Set {
				return
			}
			v := strings.TrimSpace(o.Value)
			if utf8.RuneCountInString(v) > limit {
				fields = append(fields, models.FieldError{Field: name, Message: fmt.Sprintf("at most %d characters", limit)})
				return
			}
			set(name, *dst, v)
			*dst = v
		}
		oldExcerpt := ev.Excerpt
		text("title", p.Title, maxShortText, &ev.Title)
		text("excerpt", p.Excerpt, maxLongText, &ev.Excerpt)
		text("note", p.Note, maxLongText, &ev.Note)
		if p.Internal.Set {
			set("internal", ev.Internal, p.Internal.Value)
			ev.Internal = p.Internal.Value
		}
		if len(fields) > 0 {
			return models.Invalid("the evidence is not valid", fields...)
		}
		if len(next) == 0 {
			return models.Invalid("nothing to change", models.FieldError{Field: "body", Message: "send at least one of stance, excerpt, note, title, internal with a new value"})
		}
		if ev.Excerpt != oldExcerpt {
			now := e.now()
			ev.Status, ev.StatusChangedAt, ev.ExcerptStatus, ev.ExcerptStart, ev.ExcerptEnd = statusPending, &now, "", nil, nil
		}
		if err := tx.SaveEvidenceEdit(ctx, ev); err != nil {
			return err
		}
		entry := &models.HistoryEntry{Kind: models.HistoryEvidenceEdited, ActorID: &actor.ID}
		details := map[string]any{"evidence_id": ev.ID, "url": ev.URL, "changed": next, "previous": prev}
		return e.recordEvidenceChange(ctx, tx, c, ev, entry, details)
	})
	if err != nil {
		return nil, nil, err
	}
	return ev, c, nil
}

// RetractEvidence withdraws one evidence item with a reason. The row stays,
// marked retracted, and stops counting for any requirement or public page.
// version, when positive, must be the item's current one.
func (e *Engine) RetractEvidence(ctx context.Context, actor *models.User, claimID, evidenceID int64, version int, reason string) (*models.Evidence, *models.Claim, error) {
	if err := CanDo(actor, nil, AddEvidence); err != nil {
		return nil, nil, err
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return nil, nil, models.Invalid("a reason is required", models.FieldError{Field: "reason", Message: "say why the evidence is withdrawn"})
	case n > maxLongText:
		return nil, nil, models.Invalid("the reason is too long", models.FieldError{Field: "reason", Message: fmt.Sprintf("at most %d characters", maxLongText)})
	}
	var ev *models.Evidence
	var c *models.Claim
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if c, ev, err = e.lockEvidence(ctx, tx, actor, claimID, evidenceID, version); err != nil {
			return err
		}
		now := e.now()
		ev.RetractedAt, ev.RetractedBy, ev.RetractionReason = &now, &actor.ID, reason
		if err := tx.RetractEvidence(ctx, ev); err != nil {
			return err
		}
		entry := &models.HistoryEntry{Kind: models.HistoryEvidenceRetracted, ActorID: &actor.ID, Comment: reason}
		details := map[string]any{"evidence_id": ev.ID, "url": ev.URL, "stance": ev.Stance}
		return e.recordEvidenceChange(ctx, tx, c, ev, entry, details)
	})
	if err != nil {
		return nil, nil, err
	}
	return ev, c, nil
}

// lockEvidence locks the claim, checks actor may change its evidence, then
// locks the item and checks it is live and at version (when positive).
func (e *Engine) lockEvidence(ctx context.Context, tx *store.Tx, actor *models.User, claimID, evidenceID int64, version int) (*models.Claim, *models.Evidence, error) {
	c, err := tx.LockClaim(ctx, claimID)
	if err != nil {
		return nil, nil, err
	}
	if err := CanDo(actor, c, AddEvidence); err != nil {
		return nil, nil, err
	}
	ev, err := tx.LockClaimEvidence(ctx, claimID, evidenceID)
	if err != nil {
		return nil, nil, err
	}
	if ev.Retracted() {
		return nil, nil, models.Errorf(models.EConflict, "evidence %d was retracted on %s; add the source again to cite it", ev.ID, ev.RetractedAt.Format("2 January 2006"))
	}
	if version > 0 && ev.Version != version {
		return nil, nil, models.Errorf(models.EConflict, "evidence %d changed since you read it: you sent version %d, the current version is %d", ev.ID, version, ev.Version)
	}
	return c, ev, nil
}

// recordEvidenceChange writes the history entry of an evidence change, and
// when the claim was awaiting review, sends it back to research in the
// same write.
func (e *Engine) recordEvidenceChange(ctx context.Context, tx *store.Tx, c *models.Claim, ev *models.Evidence, entry *models.HistoryEntry, details map[string]any) error {
	if cleared := reopenProposal(c, entry); cleared != nil {
		details["reopened"] = cleared
		entry.Details = mustJSON(details)
		return e.save(ctx, tx, Change{Claim: c, Entry: entry, Evidence: ev})
	}
	entry.Details = mustJSON(details)
	return e.record(ctx, tx, Change{Claim: c, Entry: entry, Evidence: ev})
}

// SettingsPatch changes the desk's settings. Absent fields are left alone.
type SettingsPatch struct {
	Bylines    models.Optional[bool]  `json:"bylines"`
	PrePublish map[CheckName]Severity `json:"prepublish"`
	// The branding's name and colours, as in BrandingPatch (the logo is
	// uploaded on the dashboard); validated the same way and saved in the
	// same transaction.
	BrandName       models.Optional[string] `json:"brand_name"`
	HeaderColor     models.Optional[string] `json:"header_color"`
	HeaderTextColor models.Optional[string] `json:"header_text_color"`
	LinkColor       models.Optional[string] `json:"link_color"`
}

func (p SettingsPatch) branding() BrandingPatch {
	return BrandingPatch{Name: p.BrandName, HeaderColor: p.HeaderColor, HeaderTextColor: p.HeaderTextColor, LinkColor: p.LinkColor}
}

// DeskSettings is the desk's settings with the pre-publish policy resolved
// over its defaults.
type DeskSettings struct {
	Bylines    bool   `json:"bylines"`
	PrePublish Policy `json:"prepublish"`
}

// Settings returns the desk's settings.
func (e *Engine) Settings(ctx context.Context) (*DeskSettings, error) {
	s, err := e.store.DeskSettings(ctx)
	if err != nil {
		return nil, err
	}
	return &DeskSettings{Bylines: s.Bylines, PrePublish: PolicyFrom(s.PrePublish)}, nil
}

// UpdateSettings changes the desk's settings: admins.
func (e *Engine) UpdateSettings(ctx context.Context, actor *models.User, p SettingsPatch) (*DeskSettings, error) {
	if err := CanDo(actor, nil, ManageSettings); err != nil {
		return nil, err
	}
	var fields []models.FieldError
	for name, sev := range p.PrePublish {
		if _, known := DefaultPolicy()[name]; !known {
			fields = append(fields, models.FieldError{Field: "prepublish." + string(name), Message: "unknown check: use one of " + models.Join(CheckNames)})
		} else if sev != SeverityWarn && sev != SeverityBlock {
			fields = append(fields, models.FieldError{Field: "prepublish." + string(name), Message: "must be warn or block"})
		}
	}
	brand, brandFields := p.branding().check()
	fields = append(fields, brandFields...)
	if len(fields) > 0 {
		return nil, models.Invalid("the settings are not valid", fields...)
	}
	var out *DeskSettings
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		s, err := tx.LockDeskSettings(ctx)
		if err != nil {
			return err
		}
		if brand.changes() {
			if err := e.applyBranding(ctx, tx, s, brand); err != nil {
				return err
			}
		}
		if p.Bylines.Set {
			s.Bylines = p.Bylines.Value
		}
		policy := PolicyFrom(s.PrePublish)
		for name, sev := range p.PrePublish {
			policy[name] = sev
		}
		s.PrePublish, s.UpdatedAt = mustJSON(policy), e.now()
		if err := tx.SaveDeskSettings(ctx, s); err != nil {
			return err
		}
		out = &DeskSettings{Bylines: s.Bylines, PrePublish: policy}
		return e.runSettingsHooks(ctx, tx, s)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
