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

// NewEvidence is the input of AddEvidence.
type NewEvidence struct {
	URL     string        `json:"url"`
	Title   string        `json:"title"`
	Stance  models.Stance `json:"stance"`
	Excerpt string        `json:"excerpt"`
	Note    string        `json:"note"`
	// Internal keeps the note off public pages.
	Internal bool `json:"internal"`
}

// AddEvidence attaches a source to a claim still being worked. Evidence of a
// confirmed claim is published, so it changes only after a reopen.
func (e *Engine) AddEvidence(ctx context.Context, actor *models.User, claimID int64, in NewEvidence) (*models.Evidence, error) {
	if err := CanDo(actor, nil, AddEvidence); err != nil {
		return nil, err
	}
	ev := &models.Evidence{
		ClaimID: claimID, URL: strings.TrimSpace(in.URL), Title: strings.TrimSpace(in.Title), Stance: in.Stance,
		Excerpt: strings.TrimSpace(in.Excerpt), Note: strings.TrimSpace(in.Note), Internal: in.Internal, AddedBy: actor.ID, Version: 1,
	}
	var fields []models.FieldError
	if ev.URL == "" {
		fields = append(fields, models.FieldError{Field: "url", Message: "the source URL is required"})
	} else if msg := checkURL(ev.URL); msg != "" {
		fields = append(fields, models.FieldError{Field: "url", Message: msg})
	}
	if !ev.Stance.Valid() {
		fields = append(fields, models.FieldError{Field: "stance", Message: models.MustBeOneOf(models.Stances)})
	}
	if utf8.RuneCountInString(ev.Title) > maxShortText {
		fields = append(fields, models.FieldError{Field: "title", Message: fmt.Sprintf("at most %d characters", maxShortText)})
	}
	for name, v := range map[string]string{"excerpt": ev.Excerpt, "note": ev.Note} {
		if utf8.RuneCountInString(v) > maxLongText {
			fields = append(fields, models.FieldError{Field: name, Message: fmt.Sprintf("at most %d characters", maxLongText)})
		}
	}
	if len(fields) > 0 {
		return nil, models.Invalid("the evidence is not valid", fields...)
	}
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		c, err := tx.LockClaim(ctx, claimID)
		if err != nil {
			return err
		}
		if err := CanDo(actor, c, AddEvidence); err != nil {
			return err
		}
		ev.CreatedAt = e.now()
		if err := tx.AddEvidence(ctx, ev); err != nil {
			return err
		}
		return e.record(ctx, tx, Change{Actor: actor, Claim: c, Evidence: ev, Entry: &models.HistoryEntry{
			Kind: models.HistoryEvidenceAdded, ActorID: &actor.ID,
			Details: mustJSON(map[string]any{"evidence_id": ev.ID, "stance": ev.Stance, "url": ev.URL}),
		}})
	})
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// AddComment posts a comment on a claim. Comments are internal to the desk.
func (e *Engine) AddComment(ctx context.Context, actor *models.User, claimID int64, body string) (*models.Comment, error) {
	if err := CanDo(actor, nil, Comment); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return nil, models.Invalid("the comment is empty", models.FieldError{Field: "body", Message: "write something"})
	case n > maxLongText:
		return nil, models.Invalid("the comment is too long", models.FieldError{Field: "body", Message: fmt.Sprintf("at most %d characters", maxLongText)})
	}
	cm := &models.Comment{ClaimID: claimID, AuthorID: actor.ID, Body: body}
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		c, err := tx.LockClaim(ctx, claimID)
		if err != nil {
			return err
		}
		cm.CreatedAt = e.now()
		if err := tx.AddComment(ctx, cm); err != nil {
			return err
		}
		return e.record(ctx, tx, Change{Actor: actor, Claim: c, Comment: cm, Entry: &models.HistoryEntry{
			Kind: models.HistoryCommentAdded, ActorID: &actor.ID, Comment: body,
			Details: mustJSON(map[string]any{"comment_id": cm.ID}),
		}})
	})
	if err != nil {
		return nil, err
	}
	return cm, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("workflow: marshal details: %v", err))
	}
	return b
}
