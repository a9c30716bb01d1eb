package e2e_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// An admin compares a model trained on the desk with the shipped one and
// switches it on in a real browser; the import page shows a candidate's
// earlier checks. Both pages are photographed at desktop and phone width.
func TestModelsAndPriorChecks(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	ctx := context.Background()
	admin, checker := env.User(t, models.RoleAdmin), env.User(t, models.RoleChecker)
	reviewed := time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)
	if err := env.App.Store.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.UpsertPriorCheck(ctx, &models.PriorCheck{URL: "https://greenfacts.example.org/trees", Outlet: "Green Facts",
			Rating: "False", ReviewedOn: &reviewed, Claim: "The city planted 10,000 trees in 2023."})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Engine.CreateClaim(ctx, checker.User, workflow.NewClaim{Text: "Unemployment fell to 3.5 percent in March."}); err != nil {
		t.Fatal(err)
	}
	v, err := env.App.Engine.ImportArticle(ctx, checker.User, workflow.NewArticle{Title: "City report",
		Text: "The city planted 10,000 trees in 2023, the mayor said on Monday. Unemployment fell to 3.5 percent in March, the statistics office said. " +
			"The port handled 12,000 containers in 2023, its director said. El gobierno dijo que las exportaciones subieron un 12% en 2023. Thanks for reading."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Engine.FileCandidates(ctx, checker.User, v.ID, workflow.Choose(2)); err != nil {
		t.Fatal(err)
	}
	raw, _ := extract.DefaultModel().MarshalJSON()
	until := time.Now().Add(-time.Hour)
	if err := env.App.Store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.SaveModelVersion(ctx, store.NewModelVersion{Version: "desk-20261201-120000.000", Model: raw, TrainedUntil: &until, Decisions: 240,
			Report: "learned from 240 decisions up to 2026-12-01T12:00:00Z\nheld out the newest 60 decisions:\n  this model: P=0.700 R=0.800\n"})
	}); err != nil {
		t.Fatal(err)
	}

	p := open(t, env)
	p.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	p.signIn(checker)
	p.visit(fmt.Sprintf("/import/%d", v.ID), ".prior-check")
	p.screenshot("import-prior-checks")
	p.phone()
	p.visit(fmt.Sprintf("/import/%d", v.ID), ".prior-check")
	p.screenshot("import-prior-checks-phone")

	a := open(t, env)
	a.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	a.signIn(admin)
	a.visit("/admin/models", "table.models")
	a.screenshot("models")
	a.do("switch the desk model on",
		chromedp.Click(chromedp.CSS(`tr[data-model="desk-20261201-120000.000"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.model-switches`)),
	)
	if got, _ := env.App.Store.ActiveModelVersion(ctx); got != "desk-20261201-120000.000" {
		t.Errorf("after the click the active model is %q", got)
	}
	a.screenshot("models-switched")
	a.phone()
	a.visit("/admin/models", "table.models")
	a.screenshot("models-phone")
}
