package workflow

import (
	"github.com/factdesk/factdesk/models"
)

// Capability is something a user may or may not do, on a claim or on the
// desk as a whole. Can answers for every one of them, so the engine, the
// API's options, the route middleware and the dashboard's buttons agree.
type Capability string

const (
	// EditClaim changes a claim's text, claimant, source, priority, due
	// date or tags: an editor, or a checker who created the claim or is its
	// assigned checker.
	EditClaim Capability = "edit_claim"
	// Assign assigns anyone (or auto-assigns) to an open claim: editors.
	Assign Capability = "assign"
	// TakeClaim assigns oneself as the checker of an open claim: a checker
	// while the claim has no checker yet, or an editor.
	TakeClaim Capability = "take_claim"
	// Unassign removes anyone from a claim: editors.
	Unassign Capability = "unassign"
	// UnassignSelf removes one's own assignment: a checker (or an editor)
	// assigned to the claim.
	UnassignSelf Capability = "unassign_self"
	// AddEvidence attaches a source to an open claim: its assigned checker
	// or an editor.
	AddEvidence Capability = "add_evidence"
	// CheckSource re-checks a cited page now: checkers and up.
	CheckSource Capability = "check_source"
	// Comment posts a comment on a claim: checkers and up.
	Comment Capability = "comment"
	// FileClaims creates claims, typed in or taken from an article:
	// checkers and up.
	FileClaims Capability = "file_claims"
	// Import pastes an article and extracts its candidate claims: checkers
	// and up.
	Import Capability = "import"
	// TakeNext takes the next claim from the queue: checkers and up.
	TakeNext Capability = "take_next"
	// ViewReview opens the review queue of proposed verdicts: editors.
	ViewReview Capability = "view_review"
	// ManageOutlets adds, edits and deletes outlets of the source
	// registry: editors.
	ManageOutlets Capability = "manage_outlets"
	// ImportFactChecks imports other outlets' published fact-checks
	// into the archive of prior checks: editors.
	ImportFactChecks Capability = "import_factchecks"
	// ManageUsers adds users and changes their role, password or status:
	// admins.
	ManageUsers Capability = "manage_users"
	// ManageWebhooks configures webhook endpoints and reads their
	// delivery log: admins.
	ManageWebhooks Capability = "manage_webhooks"
	// ManageSettings changes the desk's settings (bylines, the
	// pre-publish policy): admins.
	ManageSettings Capability = "manage_settings"
	// ManageIntegrations creates service accounts and issues and revokes
	// their integration tokens: admins.
	ManageIntegrations Capability = "manage_integrations"
	// ManageViews renames, changes or deletes a view someone else shared
	// with the desk: admins. Everyone manages their own views.
	ManageViews Capability = "manage_views"
	// ManageModels compares the check-worthiness models trained on the
	// desk's decisions and switches one on: admins.
	ManageModels Capability = "manage_models"
)

// relation is what a user below a rule's Bypass role must be to the claim.
type relation int

const (
	anyone relation = iota
	// assignedChecker: the claim's assigned checker.
	assignedChecker
	// creatorOrChecker: the claim's creator or its assigned checker.
	creatorOrChecker
	// assigned: assigned to the claim in any role.
	assigned
	// noCheckerYet: the claim has no checker.
	noCheckerYet
)

// capRule is one row of the capability table.
type capRule struct {
	// Min is the least role that may have the capability at all.
	Min models.Role
	// Bypass is the role that needs no relation to the claim; users from
	// Min up to below Bypass need Relation.
	Bypass   models.Role
	Relation relation
	// Open requires the claim to be in an open state; Closed finishes
	// "claim 7 is confirmed; …" when it is not.
	Open   bool
	Closed string
	// What finishes "your role (viewer) may not …".
	What string
	// Why says who may, when a relation or state is missing.
	Why string
}

// capabilities is the table Can reads. Asked without a claim, only Min is
// checked: that is what a route or a desk-wide button needs.
var capabilities = map[Capability]capRule{
	EditClaim:          {Min: models.RoleChecker, Bypass: models.RoleEditor, Relation: creatorOrChecker, What: "edit claims", Why: "only the claim's creator, its checker or an editor may edit it"},
	Assign:             {Min: models.RoleEditor, Bypass: models.RoleEditor, Open: true, What: "assign others to claims", Why: "only an editor may assign others"},
	TakeClaim:          {Min: models.RoleChecker, Bypass: models.RoleEditor, Relation: noCheckerYet, Open: true, What: "assign claims", Why: "the claim already has a checker; ask an editor to reassign it"},
	Unassign:           {Min: models.RoleEditor, Bypass: models.RoleEditor, What: "unassign someone else", Why: "only an editor may unassign someone else"},
	UnassignSelf:       {Min: models.RoleChecker, Bypass: models.RoleEditor, Relation: assigned, What: "change assignments", Why: "you are not assigned to this claim"},
	AddEvidence:        {Min: models.RoleChecker, Bypass: models.RoleEditor, Relation: assignedChecker, Open: true, Closed: "reopen it (restore it, if rejected) before changing its evidence", What: "add evidence", Why: "only the assigned checker or an editor may add evidence"},
	CheckSource:        {Min: models.RoleChecker, Bypass: models.RoleChecker, What: "check sources"},
	Comment:            {Min: models.RoleChecker, Bypass: models.RoleChecker, What: "comment"},
	FileClaims:         {Min: models.RoleChecker, Bypass: models.RoleChecker, What: "create claims"},
	Import:             {Min: models.RoleChecker, Bypass: models.RoleChecker, What: "import articles"},
	TakeNext:           {Min: models.RoleChecker, Bypass: models.RoleChecker, What: "take claims from the queue"},
	ViewReview:         {Min: models.RoleEditor, Bypass: models.RoleEditor, What: "review verdicts"},
	ManageOutlets:      {Min: models.RoleEditor, Bypass: models.RoleEditor, What: "change the source registry"},
	ImportFactChecks:   {Min: models.RoleEditor, Bypass: models.RoleEditor, What: "import fact-checks into the archive"},
	ManageUsers:        {Min: models.RoleAdmin, Bypass: models.RoleAdmin, What: "manage users"},
	ManageWebhooks:     {Min: models.RoleAdmin, Bypass: models.RoleAdmin, What: "manage webhooks"},
	ManageSettings:     {Min: models.RoleAdmin, Bypass: models.RoleAdmin, What: "change the desk's settings"},
	ManageIntegrations: {Min: models.RoleAdmin, Bypass: models.RoleAdmin, What: "manage integrations"},
	ManageViews:        {Min: models.RoleAdmin, Bypass: models.RoleAdmin, What: "change views other people shared"},
	ManageModels:       {Min: models.RoleAdmin, Bypass: models.RoleAdmin, What: "switch check-worthiness models"},
}

// Capabilities lists every capability, for documentation and tests.
func Capabilities() []Capability {
	return []Capability{EditClaim, Assign, TakeClaim, Unassign, UnassignSelf, AddEvidence, CheckSource,
		Comment, FileClaims, Import, TakeNext, ViewReview, ManageOutlets, ImportFactChecks, ManageUsers, ManageWebhooks, ManageSettings, ManageIntegrations,
		ManageViews, ManageModels}
}

// Can says whether actor may use capability cap on claim, or on the desk
// when claim is nil.
func Can(actor *models.User, claim *models.Claim, cap Capability) bool {
	return CanDo(actor, claim, cap) == nil
}

// CanDo is Can with the reason: a forbidden error saying who may, or a
// conflict when the claim's state is what stands in the way.
func CanDo(actor *models.User, claim *models.Claim, cap Capability) error {
	r, ok := capabilities[cap]
	if !ok {
		return models.Errorf(models.EInternal, "workflow: unknown capability %q", cap)
	}
	if actor == nil {
		return models.Errorf(models.EUnauthorized, "sign in first")
	}
	if !actor.Active {
		return models.Errorf(models.EForbidden, "your account is deactivated")
	}
	if !actor.Role.AtLeast(r.Min) {
		return models.Errorf(models.EForbidden, "your role (%s) may not %s: that needs the %s role", actor.Role, r.What, r.Min)
	}
	if claim == nil {
		return nil
	}
	// Who may comes before when: someone who may never do this to the
	// claim hears that, not that its state is wrong.
	if !actor.Role.AtLeast(r.Bypass) && !related(actor, claim, r.Relation) {
		return models.Errorf(models.EForbidden, "%s", r.Why)
	}
	if r.Open && !claim.State.Open() {
		closed := r.Closed
		if closed == "" {
			closed = "reopen or restore it first"
		}
		return models.Errorf(models.EConflict, "claim %d is %s; %s", claim.ID, claim.State, closed)
	}
	return nil
}

func related(u *models.User, c *models.Claim, rel relation) bool {
	switch rel {
	case anyone:
		return true
	case assignedChecker:
		return assignedAs(c, u.ID, models.AssignChecker)
	case creatorOrChecker:
		return c.CreatedBy == u.ID || assignedAs(c, u.ID, models.AssignChecker)
	case assigned:
		for _, a := range c.Assignees {
			if a.UserID == u.ID {
				return true
			}
		}
		return false
	case noCheckerYet:
		return !hasChecker(c)
	}
	return false
}

// CanApply says whether the workflow table offers action on claim to
// actor: the claim's state allows it and actor is someone who may take it.
// It does not check the action's requirements (evidence, summary), which
// the form collects, nor four eyes, which needs the claim's history.
func CanApply(actor *models.User, claim *models.Claim, action models.Action) bool {
	if actor == nil {
		return false
	}
	for _, t := range Table {
		if t.Action == action {
			return t.AllowedFrom(claim.State) && t.Permit(actor, Facts{Claim: claim}) == nil
		}
	}
	return false
}

// Allowed lists the capabilities actor has on claim, in the order of
// Capabilities: what the API's options and the claim page offer.
func Allowed(actor *models.User, claim *models.Claim) []Capability {
	out := []Capability{}
	for _, c := range Capabilities() {
		if Can(actor, claim, c) {
			out = append(out, c)
		}
	}
	return out
}

// Assignable says whether u may be assigned to claims in role: an active
// user of at least checker (editor for reviewers).
func Assignable(u *models.User, role models.AssignmentRole) bool {
	return checkAssignable(u, role) == nil
}
