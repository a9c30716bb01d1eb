package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Apply performs a workflow action on a claim: look the action up in the
// table, lock, check who may take it, the version and the state, then what
// it requires, then
// write the new state and its history entry. Errors are conflict (stale
// version, action not allowed from this state), forbidden (role, not
// assigned, four eyes) or invalid (each unmet requirement).
func (e *Engine) Apply(ctx context.Context, actor *models.User, claimID int64, r Request) (*models.Claim, error) {
	t, ok := Lookup(r.Action)
	if !ok {
		return nil, models.Invalid("unknown action", models.FieldError{Field: "action", Message: "must be one of " + joinActions()})
	}
	if r.Verdict != "" && !r.Verdict.Valid() {
		return nil, models.Invalid("unknown verdict", models.FieldError{Field: "verdict", Message: models.MustBeOneOf(models.Verdicts)})
	}
	if r.Version <= 0 {
		return nil, models.Invalid("version is required", models.FieldError{Field: "version", Message: "send the version you last read"})
	}
	var c *models.Claim
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		var rf store.RuleFactsRow
		// The lock statement reads the rule facts too: one round trip.
		if c, rf, err = tx.LockClaimFacts(ctx, claimID); err != nil {
			return err
		}
		f, err := e.facts(ctx, tx, c, rf, t, r)
		if err != nil {
			return err
		}
		// Permission comes before the version and the state, so someone
		// who may not act learns nothing from the refusal.
		if err := t.Permit(actor, f); err != nil {
			return err
		}
		if c.Version != r.Version {
			return staleVersion(c, r.Version)
		}
		if !t.AllowedFrom(c.State) {
			return models.Errorf(models.EConflict, "cannot %s a claim that is %s", t.Action.Verb(), c.State)
		}
		if unmet := t.Unmet(f, r); len(unmet) > 0 {
			return models.Invalid(fmt.Sprintf("cannot %s yet: %d requirement(s) missing", t.Action.Verb(), len(unmet)), unmet...)
		}
		entry := &models.HistoryEntry{
			Kind: models.HistoryTransitioned, Action: t.Action, FromState: c.State, ToState: t.To,
			ActorID: &actor.ID, Comment: strings.TrimSpace(r.Comment),
		}
		if t.Action == models.ActionConfirm {
			details, err := confirmChecks(f.Checks, r.OverrideReason)
			if err != nil {
				return err
			}
			entry.Details = details
		}
		applyEffects(c, t, r)
		// Every transition entry carries the verdict standing after it; a
		// reopen therefore records the verdict being corrected.
		entry.Verdict = c.Verdict
		return e.save(ctx, tx, Change{Actor: actor, Claim: c, Entry: entry})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// applyEffects changes the claim's fields for a transition.
func applyEffects(c *models.Claim, t Transition, r Request) {
	c.State = t.To
	switch t.Action {
	case models.ActionVerify, models.ActionDispute:
		c.Verdict = r.Verdict
		c.Summary = strings.TrimSpace(r.Summary)
	case models.ActionReject:
		c.DuplicateOf = r.DuplicateOf
	case models.ActionRestore:
		c.DuplicateOf = nil
	}
	// On reopen the old verdict stays on the claim (and in history) until a
	// new verify or dispute replaces it; the public page shows it as under
	// review rather than withdrawing it silently.
}

// facts completes what the rules of t need, under the claim's lock, from
// the rule facts read with the lock. The review facts are read only for a
// transition that uses them: a send-back of a verified claim needs no
// pre-publish checks.
func (e *Engine) facts(ctx context.Context, tx *store.Tx, c *models.Claim, rf store.RuleFactsRow, t Transition, r Request) (Facts, error) {
	f := Facts{Claim: c, Evidence: rf.Evidence, Proposer: rf.Proposer}
	var err error
	if t.readsReview() {
		if f.Changers, f.Checks, err = reviewFacts(ctx, tx, c); err != nil {
			return f, err
		}
	}
	if r.DuplicateOf != nil && *r.DuplicateOf != c.ID {
		_, err := tx.Claim(ctx, *r.DuplicateOf)
		switch {
		case err == nil:
			f.DuplicateExists = true
		case !models.IsCode(err, models.ENotFound):
			return f, err
		}
	}
	return f, nil
}

// Option is an action as offered to one user on one claim right now.
type Option struct {
	Action models.Action `json:"action"`
	// Allowed is false when the state allows the action but the user may
	// not take it (four eyes, not assigned); Reason says why.
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
	// Requires lists what the action will ask for, for forms to show.
	Requires []string     `json:"requires,omitempty"`
	To       models.State `json:"to"`
	// Checks are the pre-publish checks, on the confirm option: a failed
	// blocking check needs override_reason.
	Checks []CheckResult `json:"checks,omitempty"`
}

// Options lists the actions the claim's state allows, each marked with
// whether actor may take it. The dashboard's buttons come from here.
func (e *Engine) Options(ctx context.Context, actor *models.User, claimID int64) ([]Option, error) {
	c, err := e.store.Claim(ctx, claimID)
	if err != nil {
		return nil, err
	}
	return e.OptionsFor(ctx, actor, c)
}

// OptionsFor is Options for a claim the caller has already loaded with its
// assignees, so pages that show the claim do not load it twice.
func (e *Engine) OptionsFor(ctx context.Context, actor *models.User, c *models.Claim) ([]Option, error) {
	var err error
	var out []Option
	var f *Facts
	for _, t := range Table {
		if !t.AllowedFrom(c.State) {
			continue
		}
		if f == nil {
			loaded := Facts{Claim: c}
			if loaded.Evidence, loaded.Proposer, err = e.store.RuleFacts(ctx, c.ID); err != nil {
				return nil, err
			}
			if loaded.Changers, loaded.Checks, err = reviewFacts(ctx, e.store, c); err != nil {
				return nil, err
			}
			f = &loaded
		}
		o := Option{Action: t.Action, Allowed: true, To: t.To}
		if t.Action == models.ActionConfirm {
			o.Checks = f.Checks
		}
		for _, r := range t.Requires {
			o.Requires = append(o.Requires, r.Name)
		}
		if err := t.Permit(actor, *f); err != nil {
			var de *models.Error
			if !errors.As(err, &de) {
				return nil, err
			}
			o.Allowed, o.Reason = false, de.Message
		}
		out = append(out, o)
	}
	return out, nil
}

func joinActions() string {
	actions := make([]models.Action, len(Table))
	for i, t := range Table {
		actions[i] = t.Action
	}
	return models.Join(actions)
}
