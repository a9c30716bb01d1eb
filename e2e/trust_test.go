package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// TestRetractEvidenceInBrowser: an editor withdraws the evidence of a
// proposed verdict from the claim page; the item stays, marked, and the
// claim goes back to research, so nobody can confirm the old verdict.
func TestRetractEvidenceInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "The new bridge opened two years early.")
	full, err := env.App.Store.ClaimWithEvidence(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	eid := full.Evidence[0].ID

	desk := open(t, env)
	desk.signIn(editor)
	desk.visit(fmt.Sprintf("/claims/%d", c.ID), "#claim-state .state-verified")
	item := fmt.Sprintf("#evidence-%d", eid)
	desk.do("retract the evidence",
		chromedp.Click(chromedp.CSS(item+" details.evidence-edit summary")),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("ev-reason-%d", eid))),
		chromedp.SetValue(chromedp.ID(fmt.Sprintf("ev-reason-%d", eid)), "The press release was about another bridge."),
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#evidence-retract-%d button[type=submit]", eid))),
		chromedp.WaitVisible(chromedp.CSS(item+" .badge.retracted")),
		chromedp.WaitVisible(chromedp.CSS("#claim-state .state-verifying")),
	)
	desk.screenshot("evidence-retracted")
	note := get(desk, "read the retraction", chromedp.Text(chromedp.CSS(item+" .retracted-evidence")))
	if !strings.Contains(note, "another bridge") {
		t.Errorf("retracted item shows %q, want the reason", note)
	}
	got, err := env.App.Store.Claim(context.Background(), c.ID)
	if err != nil || got.State != models.StateVerifying || got.Verdict != "" {
		t.Fatalf("claim after the retraction = %+v, %v; want verifying with no verdict", got, err)
	}
}
