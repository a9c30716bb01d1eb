package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/factdesk/factdesk/models"
)

// BulkAction is one of the changes Bulk applies to many claims.
type BulkAction string

const (
	// BulkAssign assigns user_id in role (checker by default).
	BulkAssign BulkAction = "assign"
	// BulkUnassign removes user_id from each claim.
	BulkUnassign BulkAction = "unassign"
	// BulkTag adds tag.
	BulkTag BulkAction = "tag"
	// BulkUntag removes tag.
	BulkUntag BulkAction = "untag"
	// BulkPriority sets priority.
	BulkPriority BulkAction = "priority"
	// BulkDue sets due_at, or clears it when due_at is null.
	BulkDue BulkAction = "due"
	// BulkReject rejects each claim with one comment.
	BulkReject BulkAction = "reject"
	// BulkRestore brings rejected claims back to new.
	BulkRestore BulkAction = "restore"
)

// BulkActions lists every bulk action, for messages and forms.
var BulkActions = []BulkAction{BulkAssign, BulkUnassign, BulkTag, BulkUntag, BulkPriority, BulkDue, BulkReject, BulkRestore}

// MaxBulk caps the claims of one bulk request. Each claim is its own
// transaction, so the cap bounds how long one request holds a connection
// rather than the size of a transaction.
const MaxBulk = 500

// BulkRequest is one action over many claims, with the action's fields.
type BulkRequest struct {
	IDs      []int64                    `json:"ids"`
	Action   BulkAction                 `json:"action"`
	UserID   int64                      `json:"user_id"`
	Role     models.AssignmentRole      `json:"role"`
	Tag      string                     `json:"tag"`
	Priority models.Priority            `json:"priority"`
	DueAt    models.Optional[time.Time] `json:"due_at"`
	Comment  string                     `json:"comment"`
	// Versions optionally holds the version of each claim the caller saw
	// when selecting it; a claim that changed since is refused instead of
	// being changed blind. Claims missing from it are changed as they are.
	Versions map[int64]int `json:"versions"`
}

// BulkResult is what happened to one claim of a bulk request: Err is nil
// when the change was made (or there was nothing to change, Unchanged).
type BulkResult struct {
	ID        int64
	Claim     *models.Claim
	Unchanged bool
	Err       error
}

// Bulk applies one action to each claim of r.IDs, each in its own
// transaction through the same method a single change uses, so every claim
// gets its own history entry, event and rule check. A refusal of one claim
// does not stop the others; it is that claim's result. The error is for
// the request as a whole (unknown action, missing field, too many ids, a
// role that may not take the action at all).
func (e *Engine) Bulk(ctx context.Context, actor *models.User, r BulkRequest) ([]BulkResult, error) {
	ids, err := r.check(actor)
	if err != nil {
		return nil, err
	}
	out := make([]BulkResult, 0, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, unchanged, err := e.bulkOne(ctx, actor, id, r)
		out = append(out, BulkResult{ID: id, Claim: c, Unchanged: unchanged, Err: err})
	}
	return out, nil
}

// check validates the request as a whole and returns its ids without
// duplicates, in the order given.
func (r *BulkRequest) check(actor *models.User) ([]int64, error) {
	if !slices.Contains(BulkActions, r.Action) {
		return nil, models.Invalid("unknown bulk action", models.FieldError{Field: "action", Message: models.MustBeOneOf(BulkActions)})
	}
	if err := CanDo(actor, nil, r.Action.capability()); err != nil {
		return nil, err
	}
	var fields []models.FieldError
	ids := make([]int64, 0, len(r.IDs))
	seen := map[int64]bool{}
	for _, id := range r.IDs {
		if id <= 0 {
			fields = append(fields, models.FieldError{Field: "ids", Message: fmt.Sprintf("%d is not a claim id", id)})
			break
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	switch {
	case len(ids) == 0 && len(fields) == 0:
		fields = append(fields, models.FieldError{Field: "ids", Message: "select at least one claim"})
	case len(ids) > MaxBulk:
		fields = append(fields, models.FieldError{Field: "ids", Message: fmt.Sprintf("%d claims selected; one bulk change takes at most %d, so split the selection", len(ids), MaxBulk)})
	}
	r.Tag = strings.TrimSpace(r.Tag)
	switch r.Action {
	case BulkAssign, BulkUnassign:
		if r.UserID <= 0 {
			fields = append(fields, models.FieldError{Field: "user_id", Message: "name the user to " + string(r.Action)})
		}
		if r.Action == BulkAssign && r.Role != "" && !r.Role.Valid() {
			fields = append(fields, models.FieldError{Field: "role", Message: models.MustBeOneOf(models.AssignmentRoles)})
		}
	case BulkTag, BulkUntag:
		if models.NormalizeTag(r.Tag) == "" {
			fields = append(fields, models.FieldError{Field: "tag", Message: "name the tag to " + string(r.Action)})
		}
	case BulkPriority:
		if !r.Priority.Valid() {
			fields = append(fields, models.FieldError{Field: "priority", Message: models.MustBeOneOf(models.Priorities)})
		}
	case BulkDue:
		if !r.DueAt.Set {
			fields = append(fields, models.FieldError{Field: "due_at", Message: "send a date, or null to clear the due date"})
		} else if !r.DueAt.Null {
			if msg := checkDue(&r.DueAt.Value); msg != "" {
				fields = append(fields, models.FieldError{Field: "due_at", Message: msg})
			}
		}
	case BulkReject:
		if strings.TrimSpace(r.Comment) == "" {
			fields = append(fields, models.FieldError{Field: "comment", Message: "say why these claims are rejected"})
		}
	}
	if len(fields) > 0 {
		return nil, models.Invalid("the bulk request is not valid", fields...)
	}
	return ids, nil
}

// capability is what an actor needs at all to take the action; the claim's
// own rules are checked per claim by the method that changes it.
func (a BulkAction) capability() Capability {
	switch a {
	case BulkAssign:
		return TakeClaim
	case BulkUnassign:
		return UnassignSelf
	case BulkReject, BulkRestore:
		// Reject and restore are editors' transitions.
		return Assign
	}
	return EditClaim
}

// bulkOne changes one claim. Edits and transitions need the claim's version:
// the caller's when it sent one, else the one read just before, so a claim
// changed in between is refused by the version check rather than
// overwritten.
func (e *Engine) bulkOne(ctx context.Context, actor *models.User, id int64, r BulkRequest) (*models.Claim, bool, error) {
	switch r.Action {
	case BulkAssign:
		c, err := e.Assign(ctx, actor, id, AssignRequest{UserID: r.UserID, Role: r.Role})
		return c, false, err
	case BulkUnassign:
		c, err := e.Unassign(ctx, actor, id, r.UserID)
		return c, false, err
	}
	cur, err := e.store.Claim(ctx, id)
	if err != nil {
		return nil, false, err
	}
	version := cur.Version
	if v, ok := r.Versions[id]; ok {
		if v != cur.Version {
			return nil, false, staleVersion(cur, v)
		}
		version = v
	}
	switch r.Action {
	case BulkReject, BulkRestore:
		c, err := e.Apply(ctx, actor, id, Request{Action: models.Action(r.Action), Version: version, Comment: r.Comment})
		return c, false, err
	}
	p := ClaimPatch{Version: version}
	tag := models.NormalizeTag(r.Tag)
	switch r.Action {
	case BulkTag:
		if slices.Contains(cur.Tags, tag) {
			return cur, true, nil
		}
		p.Tags = models.Some(append(slices.Clone([]string(cur.Tags)), tag))
	case BulkUntag:
		if !slices.Contains(cur.Tags, tag) {
			return cur, true, nil
		}
		p.Tags = models.Some(slices.DeleteFunc(slices.Clone([]string(cur.Tags)), func(t string) bool { return t == tag }))
	case BulkPriority:
		if cur.Priority == r.Priority {
			return cur, true, nil
		}
		p.Priority = models.Some(r.Priority)
	case BulkDue:
		if sameDue(cur.DueAt, r.DueAt) {
			return cur, true, nil
		}
		p.DueAt = r.DueAt
	}
	c, err := e.UpdateClaim(ctx, actor, id, p)
	return c, false, err
}

func sameDue(cur *time.Time, want models.Optional[time.Time]) bool {
	if want.Null || cur == nil {
		return want.Null && cur == nil
	}
	return cur.Equal(want.Value)
}

// CanBulk says whether actor may take bulk action a at all, for the
// dashboard's bulk bar; each claim's own rules still apply when it runs.
func CanBulk(actor *models.User, a BulkAction) bool { return Can(actor, nil, a.capability()) }
