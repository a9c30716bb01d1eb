package workflow

import (
	"context"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// AssignRequest names who to assign, or asks for the least loaded checker.
type AssignRequest struct {
	UserID int64                 `json:"user_id"`
	Role   models.AssignmentRole `json:"role"`
	Auto   bool                  `json:"auto"`
}

// Assign adds a checker or reviewer to a claim. Editors assign anyone; a
// checker may only take an unassigned claim for themself.
func (e *Engine) Assign(ctx context.Context, actor *models.User, claimID int64, r AssignRequest) (*models.Claim, error) {
	if err := CanDo(actor, nil, TakeClaim); err != nil {
		return nil, err
	}
	if r.Role == "" {
		r.Role = models.AssignChecker
	}
	if !r.Role.Valid() {
		return nil, models.Invalid("unknown assignment role", models.FieldError{Field: "role", Message: models.MustBeOneOf(models.AssignmentRoles)})
	}
	editor := Can(actor, nil, Assign)
	if r.Auto {
		if !editor {
			return nil, models.Errorf(models.EForbidden, "only an editor may auto-assign")
		}
		if r.Role != models.AssignChecker {
			return nil, models.Invalid("auto-assignment picks checkers", models.FieldError{Field: "role", Message: "auto works with role checker only"})
		}
	} else if r.UserID == 0 {
		return nil, models.Invalid("user_id is required", models.FieldError{Field: "user_id", Message: "name the user to assign, or send auto:true"})
	}
	if !editor && (r.UserID != actor.ID || r.Role != models.AssignChecker) {
		return nil, models.Errorf(models.EForbidden, "checkers may only assign themselves as checker; ask an editor to assign others")
	}
	var c *models.Claim
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = tx.LockClaim(ctx, claimID); err != nil {
			return err
		}
		if !c.State.Open() {
			return models.Errorf(models.EConflict, "claim %d is %s; reopen or restore it before assigning", c.ID, c.State)
		}
		if !editor && hasChecker(c) {
			return models.Errorf(models.EForbidden, "claim %d already has a checker; ask an editor to reassign it", c.ID)
		}
		var user *models.User
		if r.Auto {
			user, err = tx.LeastLoadedChecker(ctx)
		} else {
			user, err = tx.User(ctx, r.UserID)
			if models.IsCode(err, models.ENotFound) {
				return models.Invalid("no such user", models.FieldError{Field: "user_id", Message: "user does not exist"})
			}
		}
		if err != nil {
			return err
		}
		if err := checkAssignable(user, r.Role); err != nil {
			return err
		}
		a := models.Assignment{ClaimID: c.ID, UserID: user.ID, Role: r.Role, AssignedBy: actor.ID, CreatedAt: e.now()}
		if err := tx.AddAssignment(ctx, &a); err != nil {
			return err
		}
		c.Assignees = append(c.Assignees, a)
		return e.record(ctx, tx, Change{Actor: actor, Claim: c, Entry: &models.HistoryEntry{
			Kind: models.HistoryAssigned, ActorID: &actor.ID,
			Details: mustJSON(map[string]any{"user_id": user.ID, "role": r.Role}),
		}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func checkAssignable(u *models.User, role models.AssignmentRole) error {
	if !u.Active {
		return models.Invalid("user is deactivated", models.FieldError{Field: "user_id", Message: u.Email + " is deactivated"})
	}
	need := models.RoleChecker
	if role == models.AssignReviewer {
		need = models.RoleEditor
	}
	if !u.Role.AtLeast(need) {
		return models.Invalid("user cannot take this role", models.FieldError{Field: "user_id", Message: u.Email + " is a " + string(u.Role) + " and cannot be a " + string(role)})
	}
	return nil
}

func hasChecker(c *models.Claim) bool {
	for _, a := range c.Assignees {
		if a.Role == models.AssignChecker {
			return true
		}
	}
	return false
}

// Unassign removes a user from a claim. Editors remove anyone; checkers may
// step away from their own claims.
func (e *Engine) Unassign(ctx context.Context, actor *models.User, claimID, userID int64) (*models.Claim, error) {
	if err := CanDo(actor, nil, UnassignSelf); err != nil {
		return nil, err
	}
	if actor.ID != userID && !Can(actor, nil, Unassign) {
		return nil, models.Errorf(models.EForbidden, "only an editor may unassign someone else")
	}
	var c *models.Claim
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = tx.LockClaim(ctx, claimID); err != nil {
			return err
		}
		var removed *models.Assignment
		kept := c.Assignees[:0:0]
		for i := range c.Assignees {
			if c.Assignees[i].UserID == userID {
				removed = &c.Assignees[i]
				continue
			}
			kept = append(kept, c.Assignees[i])
		}
		if removed == nil {
			return models.Errorf(models.ENotFound, "user %d is not assigned to claim %d", userID, claimID)
		}
		if err := tx.RemoveAssignment(ctx, claimID, userID); err != nil {
			return err
		}
		role := removed.Role
		c.Assignees = kept
		return e.record(ctx, tx, Change{Actor: actor, Claim: c, Entry: &models.HistoryEntry{
			Kind: models.HistoryUnassigned, ActorID: &actor.ID,
			Details: mustJSON(map[string]any{"user_id": userID, "role": role}),
		}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// TakeNext gives the caller the most urgent, then oldest, new claim without
// a checker: it assigns them and starts it, in one transaction. It returns
// nil when the queue is empty.
func (e *Engine) TakeNext(ctx context.Context, actor *models.User) (*models.Claim, error) {
	if err := CanDo(actor, nil, TakeNext); err != nil {
		return nil, err
	}
	var c *models.Claim
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = tx.NextInQueue(ctx); err != nil || c == nil {
			return err
		}
		a := models.Assignment{ClaimID: c.ID, UserID: actor.ID, Role: models.AssignChecker, AssignedBy: actor.ID, CreatedAt: e.now()}
		if err := tx.AddAssignment(ctx, &a); err != nil {
			return err
		}
		c.Assignees = append(c.Assignees, a)
		if err := e.record(ctx, tx, Change{Actor: actor, Claim: c, Entry: &models.HistoryEntry{
			Kind: models.HistoryAssigned, ActorID: &actor.ID,
			Details: mustJSON(map[string]any{"user_id": actor.ID, "role": models.AssignChecker, "via": "queue"}),
		}}); err != nil {
			return err
		}
		start, _ := Lookup(models.ActionStart)
		f := Facts{Claim: c}
		if err := start.Permit(actor, f); err != nil {
			return err
		}
		if unmet := start.Unmet(f, Request{}); len(unmet) > 0 {
			return models.Invalid("cannot start", unmet...)
		}
		from := c.State
		applyEffects(c, start, Request{})
		return e.save(ctx, tx, Change{Actor: actor, Claim: c, Entry: &models.HistoryEntry{
			Kind: models.HistoryTransitioned, Action: start.Action, FromState: from, ToState: start.To, ActorID: &actor.ID,
		}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
