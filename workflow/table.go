// Package workflow decides what may happen to a claim. The transition table
// below is the single source of truth: the API, the dashboard's buttons, the
// README diagram and the tests all read it.
package workflow

import "github.com/factdesk/factdesk/models"

// Who says which users may perform a transition.
type Who string

const (
	// WhoCheckerOrEditor: a checker assigned to the claim, or any editor.
	WhoCheckerOrEditor Who = "an assigned checker, or an editor"
	// WhoEditor: any editor.
	WhoEditor Who = "an editor"
	// WhoOtherEditor: an editor who did not propose the verdict being
	// approved and changed nothing it rests on since (four eyes).
	WhoOtherEditor Who = "an editor who neither proposed the verdict nor changed the claim or its evidence since"
)

// Transition is one row of the workflow table.
type Transition struct {
	Action   models.Action
	From     []models.State
	To       models.State
	Who      Who
	Requires []Requirement
}

// readsReview reports whether t's rule or its effects read the review
// facts (Facts.Changers, Facts.Checks): four eyes reads who changed the
// claim, and a confirm records its pre-publish checks.
func (t Transition) readsReview() bool {
	return t.Who == WhoOtherEditor || t.Action == models.ActionConfirm
}

// Table is the workflow. Read it as: Action moves a claim From one of these
// states To that one, if Who holds and every requirement is met.
var Table = []Transition{
	{models.ActionStart, states(models.StateNew), models.StateVerifying, WhoCheckerOrEditor,
		reqs(checkerAssigned)},
	{models.ActionVerify, states(models.StateVerifying), models.StateVerified, WhoCheckerOrEditor,
		reqs(verdictIn(models.VerdictTrue, models.VerdictMostlyTrue), summaryGiven, evidenceWithStance(models.StanceSupports))},
	{models.ActionDispute, states(models.StateVerifying), models.StateDisputed, WhoCheckerOrEditor,
		reqs(verdictIn(models.VerdictHalfTrue, models.VerdictMostlyFalse, models.VerdictFalse, models.VerdictMisleading, models.VerdictUnverifiable), summaryGiven, refutingEvidence)},
	{models.ActionConfirm, states(models.StateVerified, models.StateDisputed), models.StateConfirmed, WhoOtherEditor,
		nil},
	{models.ActionSendBack, states(models.StateVerified, models.StateDisputed), models.StateVerifying, WhoEditor,
		reqs(commentGiven)},
	{models.ActionReject, states(models.StateNew, models.StateVerifying), models.StateRejected, WhoEditor,
		reqs(commentGiven, duplicateOfExists)},
	{models.ActionReopen, states(models.StateConfirmed), models.StateVerifying, WhoEditor,
		reqs(commentGiven)},
	{models.ActionRestore, states(models.StateRejected), models.StateNew, WhoEditor,
		nil},
}

func states(s ...models.State) []models.State { return s }
func reqs(r ...Requirement) []Requirement     { return r }

// Lookup finds the row for an action.
func Lookup(a models.Action) (Transition, bool) {
	for _, t := range Table {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// Actions lists every action in table order.
func Actions() []models.Action {
	out := make([]models.Action, len(Table))
	for i, t := range Table {
		out[i] = t.Action
	}
	return out
}

// AllowedFrom reports whether the row applies to a claim in state s.
func (t Transition) AllowedFrom(s models.State) bool {
	for _, f := range t.From {
		if f == s {
			return true
		}
	}
	return false
}
