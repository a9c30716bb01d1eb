package workflow

import (
	"fmt"
	"testing"

	"github.com/factdesk/factdesk/models"
)

// The user's relation to the claim in the enumeration below.
const (
	relNone     = "none"
	relCreator  = "creator"
	relChecker  = "assigned checker"
	relReviewer = "assigned reviewer"
)

// expectCan is the capability rules as the product brief states them,
// written by hand per capability so the table in can.go is checked against
// something it was not derived from. The claim is nil for desk-wide asks.
func expectCan(cap Capability, role models.Role, active bool, state models.State, rel string, otherChecker bool, onClaim bool) bool {
	if !active {
		return false
	}
	checkerUp := role == models.RoleChecker || role == models.RoleEditor || role == models.RoleAdmin
	editorUp := role == models.RoleEditor || role == models.RoleAdmin
	open := state != models.StateConfirmed && state != models.StateRejected
	switch cap {
	case EditClaim:
		if !onClaim {
			return checkerUp
		}
		return editorUp || (checkerUp && (rel == relCreator || rel == relChecker))
	case Assign:
		return editorUp && (!onClaim || open)
	case TakeClaim:
		if !onClaim {
			return checkerUp
		}
		hasChecker := otherChecker || rel == relChecker
		return open && (editorUp || (checkerUp && !hasChecker))
	case Unassign:
		return editorUp
	case UnassignSelf:
		if !onClaim {
			return checkerUp
		}
		return editorUp || (checkerUp && (rel == relChecker || rel == relReviewer))
	case AddEvidence:
		if !onClaim {
			return checkerUp
		}
		return open && (editorUp || (checkerUp && rel == relChecker))
	case CheckSource, Comment, FileClaims, Import, TakeNext:
		return checkerUp
	case ViewReview, ManageOutlets, ImportFactChecks:
		return editorUp
	case ManageUsers, ManageWebhooks, ManageSettings, ManageIntegrations, ManageViews, ManageModels:
		return role == models.RoleAdmin
	}
	panic("expectCan: no expectation for " + string(cap))
}

func TestCan(t *testing.T) {
	t.Parallel()
	const me, other = 10, 20
	for _, cap := range Capabilities() {
		for _, role := range models.Roles {
			for _, active := range []bool{true, false} {
				u := &models.User{ID: me, Role: role, Active: active}
				if got, want := Can(u, nil, cap), expectCan(cap, role, active, "", relNone, false, false); got != want {
					t.Errorf("Can(%s active=%v, no claim, %s) = %v, want %v", role, active, cap, got, want)
				}
				for _, state := range models.States {
					for _, rel := range []string{relNone, relCreator, relChecker, relReviewer} {
						for _, otherChecker := range []bool{false, true} {
							if rel == relChecker && otherChecker {
								continue // one checker per claim
							}
							c := &models.Claim{ID: 1, State: state, CreatedBy: other}
							switch rel {
							case relCreator:
								c.CreatedBy = me
							case relChecker:
								c.Assignees = append(c.Assignees, models.Assignment{UserID: me, Role: models.AssignChecker})
							case relReviewer:
								c.Assignees = append(c.Assignees, models.Assignment{UserID: me, Role: models.AssignReviewer})
							}
							if otherChecker {
								c.Assignees = append(c.Assignees, models.Assignment{UserID: other, Role: models.AssignChecker})
							}
							what := fmt.Sprintf("Can(%s active=%v, %s claim, %s, other checker=%v, %s)", role, active, state, rel, otherChecker, cap)
							got, want := Can(u, c, cap), expectCan(cap, role, active, state, rel, otherChecker, true)
							if got != want {
								t.Errorf("%s = %v, want %v", what, got, want)
							}
							if err := CanDo(u, c, cap); (err == nil) != want {
								t.Errorf("CanDo: %s = %v, want allowed=%v", what, err, want)
							} else if err != nil && !models.IsCode(err, models.EForbidden) && !models.IsCode(err, models.EConflict) {
								t.Errorf("CanDo: %s = %v, want a forbidden or conflict error", what, err)
							}
						}
					}
				}
			}
		}
	}
}

func TestCanNoActor(t *testing.T) {
	t.Parallel()
	for _, cap := range Capabilities() {
		if err := CanDo(nil, nil, cap); !models.IsCode(err, models.EUnauthorized) {
			t.Errorf("CanDo(nil, nil, %s) = %v, want unauthorized", cap, err)
		}
	}
	if err := CanDo(&models.User{Role: models.RoleAdmin, Active: true}, nil, "fly"); !models.IsCode(err, models.EInternal) {
		t.Errorf("CanDo(unknown capability) = %v, want an internal error", err)
	}
}

// TestCanApplyReject checks the claim page's one-click reject follows the
// workflow table: editors, from new and verifying only.
func TestCanApplyReject(t *testing.T) {
	t.Parallel()
	for _, role := range models.Roles {
		for _, state := range models.States {
			u := &models.User{ID: 1, Role: role, Active: true}
			c := &models.Claim{ID: 1, State: state}
			want := (role == models.RoleEditor || role == models.RoleAdmin) && (state == models.StateNew || state == models.StateVerifying)
			if got := CanApply(u, c, models.ActionReject); got != want {
				t.Errorf("CanApply(%s, %s claim, reject) = %v, want %v", role, state, got, want)
			}
		}
	}
}
