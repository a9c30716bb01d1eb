package workflow

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/models"
)

// spec is the workflow as the product brief states it, written out by hand
// so the table is checked against something it was not derived from.
var spec = map[models.Action]struct {
	from []models.State
	to   models.State
	who  string // "checker": assigned checker or editor; "editor"; "other-editor"
}{
	models.ActionStart:    {[]models.State{models.StateNew}, models.StateVerifying, "checker"},
	models.ActionVerify:   {[]models.State{models.StateVerifying}, models.StateVerified, "checker"},
	models.ActionDispute:  {[]models.State{models.StateVerifying}, models.StateDisputed, "checker"},
	models.ActionConfirm:  {[]models.State{models.StateVerified, models.StateDisputed}, models.StateConfirmed, "other-editor"},
	models.ActionSendBack: {[]models.State{models.StateVerified, models.StateDisputed}, models.StateVerifying, "editor"},
	models.ActionReject:   {[]models.State{models.StateNew, models.StateVerifying}, models.StateRejected, "editor"},
	models.ActionReopen:   {[]models.State{models.StateConfirmed}, models.StateVerifying, "editor"},
	models.ActionRestore:  {[]models.State{models.StateRejected}, models.StateNew, "editor"},
}

type actorCase struct {
	name     string
	user     models.User
	assigned bool // assigned to the claim as checker
	proposer bool // performed the verify/dispute being confirmed
}

var actorCases = []actorCase{
	{name: "admin", user: models.User{ID: 1, Role: models.RoleAdmin, Active: true}},
	{name: "editor", user: models.User{ID: 2, Role: models.RoleEditor, Active: true}},
	{name: "editor who proposed", user: models.User{ID: 3, Role: models.RoleEditor, Active: true}, proposer: true},
	{name: "assigned checker", user: models.User{ID: 4, Role: models.RoleChecker, Active: true}, assigned: true},
	{name: "unassigned checker", user: models.User{ID: 5, Role: models.RoleChecker, Active: true}},
	{name: "viewer", user: models.User{ID: 6, Role: models.RoleViewer, Active: true}},
	{name: "deactivated editor", user: models.User{ID: 7, Role: models.RoleEditor, Active: false}},
}

func expectPermitted(who string, a actorCase) bool {
	if !a.user.Active {
		return false
	}
	editor := a.user.Role == models.RoleEditor || a.user.Role == models.RoleAdmin
	switch who {
	case "checker":
		return editor || (a.user.Role == models.RoleChecker && a.assigned)
	case "editor":
		return editor
	case "other-editor":
		return editor && !a.proposer
	}
	return false
}

func TestTableMatchesSpec(t *testing.T) {
	t.Parallel()
	if len(Table) != len(spec) {
		t.Fatalf("table has %d rows, spec has %d", len(Table), len(spec))
	}
	for action, want := range spec {
		row, ok := Lookup(action)
		if !ok {
			t.Errorf("Lookup(%s) missing", action)
			continue
		}
		if row.To != want.to {
			t.Errorf("%s: to = %s, want %s", action, row.To, want.to)
		}
		for _, s := range models.States {
			wantFrom := contains(want.from, s)
			if got := row.AllowedFrom(s); got != wantFrom {
				t.Errorf("%s.AllowedFrom(%s) = %v, want %v", action, s, got, wantFrom)
			}
		}
	}
}

// TestEveryStateActionRole walks every (state, action, actor) combination
// and checks the two gates Apply uses: the state gate and the who gate.
func TestEveryStateActionRole(t *testing.T) {
	t.Parallel()
	for _, state := range models.States {
		for action, want := range spec {
			for _, a := range actorCases {
				t.Run(string(state)+"/"+string(action)+"/"+a.name, func(t *testing.T) {
					row, _ := Lookup(action)
					claim := &models.Claim{ID: 10, State: state}
					if a.assigned {
						claim.Assignees = []models.Assignment{{UserID: a.user.ID, Role: models.AssignChecker}}
					}
					f := Facts{Claim: claim}
					if a.proposer {
						f.Proposer = &a.user.ID
					} else {
						other := int64(99)
						f.Proposer = &other
					}
					if got := row.AllowedFrom(state); got != contains(want.from, state) {
						t.Fatalf("AllowedFrom(%s) = %v", state, got)
					}
					err := row.Permit(&a.user, f)
					if wantOK := expectPermitted(want.who, a); (err == nil) != wantOK {
						t.Fatalf("Permit(%s, %s) = %v, want permitted=%v", action, a.name, err, wantOK)
					}
					if err != nil && models.CodeOf(err) != models.EForbidden {
						t.Fatalf("Permit error code = %s, want forbidden", models.CodeOf(err))
					}
				})
			}
		}
	}
}

func TestRequirements(t *testing.T) {
	t.Parallel()
	withChecker := &models.Claim{ID: 1, Assignees: []models.Assignment{{UserID: 4, Role: models.AssignChecker}}}
	withReviewerOnly := &models.Claim{ID: 1, Assignees: []models.Assignment{{UserID: 2, Role: models.AssignReviewer}}}
	other := int64(7)
	self := int64(1)
	tests := []struct {
		name    string
		action  models.Action
		facts   Facts
		req     Request
		missing []string // fields named by unmet requirements, in order
	}{
		{"start with a checker", models.ActionStart, Facts{Claim: withChecker}, Request{}, nil},
		{"start with a reviewer only", models.ActionStart, Facts{Claim: withReviewerOnly}, Request{}, []string{"assignees"}},
		{"verify complete", models.ActionVerify, Facts{Claim: withChecker, Evidence: map[models.Stance]int{models.StanceSupports: 1}}, Request{Verdict: models.VerdictMostlyTrue, Summary: "s"}, nil},
		{"verify with nothing", models.ActionVerify, Facts{Claim: withChecker}, Request{}, []string{"verdict", "summary", "evidence"}},
		{"verify with a false verdict", models.ActionVerify, Facts{Claim: withChecker, Evidence: map[models.Stance]int{models.StanceSupports: 1}}, Request{Verdict: models.VerdictFalse, Summary: "s"}, []string{"verdict"}},
		{"verify with only refuting evidence", models.ActionVerify, Facts{Claim: withChecker, Evidence: map[models.Stance]int{models.StanceRefutes: 2}}, Request{Verdict: models.VerdictTrue, Summary: "s"}, []string{"evidence"}},
		{"verify with a blank summary", models.ActionVerify, Facts{Claim: withChecker, Evidence: map[models.Stance]int{models.StanceSupports: 1}}, Request{Verdict: models.VerdictTrue, Summary: "  \n"}, []string{"summary"}},
		{"dispute false with refuting evidence", models.ActionDispute, Facts{Claim: withChecker, Evidence: map[models.Stance]int{models.StanceRefutes: 1}}, Request{Verdict: models.VerdictFalse, Summary: "s"}, nil},
		{"dispute misleading with context only", models.ActionDispute, Facts{Claim: withChecker, Evidence: map[models.Stance]int{models.StanceContext: 1}}, Request{Verdict: models.VerdictMisleading, Summary: "s"}, []string{"evidence"}},
		{"dispute unverifiable with context only", models.ActionDispute, Facts{Claim: withChecker, Evidence: map[models.Stance]int{models.StanceContext: 1}}, Request{Verdict: models.VerdictUnverifiable, Summary: "s"}, nil},
		{"dispute unverifiable with no evidence", models.ActionDispute, Facts{Claim: withChecker}, Request{Verdict: models.VerdictUnverifiable, Summary: "s"}, []string{"evidence"}},
		{"dispute with a true verdict", models.ActionDispute, Facts{Claim: withChecker, Evidence: map[models.Stance]int{models.StanceRefutes: 1}}, Request{Verdict: models.VerdictTrue, Summary: "s"}, []string{"verdict"}},
		{"send back without a comment", models.ActionSendBack, Facts{Claim: withChecker}, Request{}, []string{"comment"}},
		{"reject with a reason", models.ActionReject, Facts{Claim: withChecker}, Request{Comment: "opinion"}, nil},
		{"reject as duplicate of a missing claim", models.ActionReject, Facts{Claim: withChecker}, Request{Comment: "dup", DuplicateOf: &other}, []string{"duplicate_of"}},
		{"reject as duplicate of itself", models.ActionReject, Facts{Claim: withChecker, DuplicateExists: true}, Request{Comment: "dup", DuplicateOf: &self}, []string{"duplicate_of"}},
		{"reject as duplicate of an existing claim", models.ActionReject, Facts{Claim: withChecker, DuplicateExists: true}, Request{Comment: "dup", DuplicateOf: &other}, nil},
		{"reopen without a comment", models.ActionReopen, Facts{Claim: withChecker}, Request{}, []string{"comment"}},
		{"confirm needs nothing", models.ActionConfirm, Facts{Claim: withChecker}, Request{}, nil},
		{"restore needs nothing", models.ActionRestore, Facts{Claim: withChecker}, Request{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row, _ := Lookup(tt.action)
			var got []string
			for _, fe := range row.Unmet(tt.facts, tt.req) {
				got = append(got, fe.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.missing, ",") {
				t.Errorf("Unmet(%s) fields = %v, want %v", tt.action, got, tt.missing)
			}
		})
	}
}

// TestReadmeDiagram keeps the README's diagram equal to the table.
func TestReadmeDiagram(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	m := regexp.MustCompile("(?s)```mermaid\n(stateDiagram-v2\n.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no ```mermaid stateDiagram-v2 block")
	}
	if got, want := string(m[1]), Mermaid(); got != want {
		t.Errorf("README diagram differs from the workflow table; regenerate with `factdesk workflow --mermaid`.\nREADME:\n%s\ntable:\n%s", got, want)
	}
}

func TestMermaidHasEveryEdge(t *testing.T) {
	t.Parallel()
	out := Mermaid()
	for action, s := range spec {
		for _, from := range s.from {
			edge := string(from) + " --> " + string(s.to) + ": " + string(action)
			if !strings.Contains(out, edge) {
				t.Errorf("Mermaid() lacks %q", edge)
			}
		}
	}
}

func contains(list []models.State, s models.State) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestReviewFactsReadOnlyWhereNeeded: Apply skips loading Changers and
// Checks for transitions that do not read them, so for those the rules must
// decide the same with and without them.
func TestReviewFactsReadOnlyWhereNeeded(t *testing.T) {
	t.Parallel()
	for _, tr := range Table {
		if tr.readsReview() {
			continue
		}
		for _, a := range actorCases {
			claim := &models.Claim{ID: 1, State: tr.From[0], Verdict: models.VerdictTrue, Summary: "s",
				Assignees: []models.Assignment{{UserID: 4, Role: models.AssignChecker}}}
			bare := Facts{Claim: claim, Evidence: map[models.Stance]int{models.StanceSupports: 1}}
			full := bare
			full.Changers = []int64{a.user.ID}
			full.Checks = []CheckResult{{Check: CheckSummary, Severity: SeverityBlock, Passed: false}}
			req := Request{Action: tr.Action, Version: 1, Verdict: models.VerdictTrue, Summary: "s", Comment: "c"}
			if got, want := errText(tr.Permit(&a.user, full)), errText(tr.Permit(&a.user, bare)); got != want {
				t.Errorf("%s by %s: Permit with review facts = %q, without = %q; readsReview must be true", tr.Action, a.name, got, want)
			}
			if got, want := len(tr.Unmet(full, req)), len(tr.Unmet(bare, req)); got != want {
				t.Errorf("%s: Unmet with review facts = %d fields, without = %d; readsReview must be true", tr.Action, got, want)
			}
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
