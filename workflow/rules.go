package workflow

import (
	"fmt"
	"strings"

	"github.com/factdesk/factdesk/models"
)

// Request is what the actor asks for along with an action.
type Request struct {
	Action      models.Action  `json:"action"`
	Version     int            `json:"version"`
	Verdict     models.Verdict `json:"verdict"`
	Summary     string         `json:"summary"`
	Comment     string         `json:"comment"`
	DuplicateOf *int64         `json:"duplicate_of"`
	// OverrideReason lets an editor confirm past a blocking pre-publish
	// check; it is kept in the history and shown on the claim.
	OverrideReason string `json:"override_reason"`
}

// Facts is what the rules need to know about a claim, loaded once under the
// claim's lock.
type Facts struct {
	Claim *models.Claim
	// Evidence counts the claim's evidence per stance.
	Evidence map[models.Stance]int
	// Proposer is who performed the newest transition, which for a verified
	// or disputed claim is the verify or dispute being confirmed.
	Proposer *int64
	// DuplicateExists says whether Request.DuplicateOf names a claim.
	DuplicateExists bool
	// Changers are who changed the text, source or evidence since the
	// newest verify or dispute: four eyes excludes them from confirming.
	Changers []int64
	// Checks are the pre-publish checks, loaded for claims awaiting
	// confirmation.
	Checks []CheckResult
	// Changers and Checks cost three statements; Apply loads them only
	// for the transitions that read them (Transition.readsReview).
}

// Requirement is one precondition of a transition: Name says it in words
// for people (the claim page's "Needs …"), Field is the request field the
// API's problem names when it is not met, and Check returns "" when it is
// met or what is missing, in words.
type Requirement struct {
	Name  string
	Field string
	Check func(f Facts, r Request) string
}

// unmet is the field error of req for f and r, or nil when it is met.
func (req Requirement) unmet(f Facts, r Request) *models.FieldError {
	if msg := req.Check(f, r); msg != "" {
		return &models.FieldError{Field: req.Field, Message: msg}
	}
	return nil
}

var checkerAssigned = Requirement{"a checker is assigned", "assignees", func(f Facts, _ Request) string {
	for _, a := range f.Claim.Assignees {
		if a.Role == models.AssignChecker {
			return ""
		}
	}
	return "a checker must be assigned first"
}}

var summaryGiven = Requirement{"a summary", "summary", func(_ Facts, r Request) string {
	if strings.TrimSpace(r.Summary) == "" {
		return "a summary of the finding is required"
	}
	return ""
}}

var commentGiven = Requirement{"a comment", "comment", func(_ Facts, r Request) string {
	if strings.TrimSpace(r.Comment) == "" {
		return "a comment explaining why is required"
	}
	return ""
}}

var duplicateOfExists = Requirement{"if it duplicates another claim, that claim's number", "duplicate_of", func(f Facts, r Request) string {
	if r.DuplicateOf == nil {
		return ""
	}
	if *r.DuplicateOf == f.Claim.ID {
		return "a claim cannot be a duplicate of itself"
	}
	if !f.DuplicateExists {
		return fmt.Sprintf("claim %d does not exist", *r.DuplicateOf)
	}
	return ""
}}

func verdictIn(allowed ...models.Verdict) Requirement {
	list := models.Join(allowed)
	labels := make([]string, len(allowed))
	for i, v := range allowed {
		labels[i] = v.Label()
	}
	return Requirement{"a verdict (" + strings.Join(labels, ", ") + ")", "verdict", func(_ Facts, r Request) string {
		for _, v := range allowed {
			if r.Verdict == v {
				return ""
			}
		}
		if r.Verdict == "" {
			return "a verdict is required: one of " + list
		}
		return fmt.Sprintf("verdict %q is not allowed here: use one of %s", r.Verdict, list)
	}}
}

func evidenceWithStance(s models.Stance) Requirement {
	return Requirement{fmt.Sprintf("at least one evidence item that %s", s), "evidence", func(f Facts, _ Request) string {
		if f.Evidence[s] > 0 {
			return ""
		}
		return fmt.Sprintf("add at least one evidence item with stance %q", s)
	}}
}

// refutingEvidence: a dispute needs refuting evidence, except that
// "unverifiable" cannot have any, so any evidence of what was searched will do.
var refutingEvidence = Requirement{"at least one evidence item that refutes (any stance for unverifiable)", "evidence", func(f Facts, r Request) string {
	if r.Verdict == models.VerdictUnverifiable {
		total := 0
		for _, n := range f.Evidence {
			total += n
		}
		if total > 0 {
			return ""
		}
		return "add at least one evidence item showing what was checked"
	}
	if f.Evidence[models.StanceRefutes] > 0 {
		return ""
	}
	return `add at least one evidence item with stance "refutes"`
}}

// Permit checks that actor may perform t on the claim in f. It returns a
// forbidden error that says why not.
func (t Transition) Permit(actor *models.User, f Facts) error {
	verb := t.Action.Verb()
	if !actor.Active {
		return models.Errorf(models.EForbidden, "your account is deactivated")
	}
	editor := actor.Role.AtLeast(models.RoleEditor)
	switch t.Who {
	case WhoCheckerOrEditor:
		if editor {
			return nil
		}
		if actor.Role.AtLeast(models.RoleChecker) && assignedAs(f.Claim, actor.ID, models.AssignChecker) {
			return nil
		}
		if actor.Role.AtLeast(models.RoleChecker) {
			return models.Errorf(models.EForbidden, "only the assigned checker or an editor may %s this claim", verb)
		}
		return models.Errorf(models.EForbidden, "your role (%s) may not %s claims", actor.Role, verb)
	case WhoEditor:
		if editor {
			return nil
		}
		return models.Errorf(models.EForbidden, "only an editor may %s a claim", verb)
	case WhoOtherEditor:
		if !editor {
			return models.Errorf(models.EForbidden, "only an editor may %s a claim", verb)
		}
		if f.Proposer != nil && *f.Proposer == actor.ID {
			return models.Errorf(models.EForbidden, "four eyes: you proposed this verdict, so another editor must %s it", verb)
		}
		for _, id := range f.Changers {
			if id == actor.ID {
				return models.Errorf(models.EForbidden, "four eyes: you changed this claim or its evidence since the verdict was proposed, so another editor must %s it", verb)
			}
		}
		return nil
	}
	return models.Errorf(models.EInternal, "workflow: unknown rule %q", t.Who)
}

// Unmet lists the requirements of t that r does not meet.
func (t Transition) Unmet(f Facts, r Request) []models.FieldError {
	var out []models.FieldError
	for _, req := range t.Requires {
		if fe := req.unmet(f, r); fe != nil {
			out = append(out, *fe)
		}
	}
	return out
}

func assignedAs(c *models.Claim, userID int64, role models.AssignmentRole) bool {
	for _, a := range c.Assignees {
		if a.UserID == userID && a.Role == role {
			return true
		}
	}
	return false
}
