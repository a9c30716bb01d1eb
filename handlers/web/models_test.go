package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// An admin compares the stored models on the desk's decisions and switches
// one on; the switch is listed with who made it, and others may not.
func TestWebModels(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ctx := context.Background()
	admin, checker := env.User(t, models.RoleAdmin), env.User(t, models.RoleChecker)
	v, err := env.App.Engine.ImportArticle(ctx, checker.User, workflow.NewArticle{Text: "Unemployment fell to 3.5 percent in March, the statistics office said. Thanks for reading."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Engine.FileCandidates(ctx, checker.User, v.ID, workflow.Choose(0)); err != nil {
		t.Fatal(err)
	}
	raw, _ := extract.DefaultModel().MarshalJSON()
	if err := env.App.Store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.SaveModelVersion(ctx, store.NewModelVersion{Version: "desk-<1>", Model: raw, Report: "learned from 12 decisions"})
	}); err != nil {
		t.Fatal(err)
	}
	b := webSignIn(t, env, admin)
	b.get("/admin/models").status(t, http.StatusOK).has(t, "the model shipped in the binary", "desk-&lt;1&gt;",
		"P=1.000 R=1.000 F1=1.000", "1 flagged and filed, 0 flagged and left, 0 filed but not flagged", "learned from 12 decisions",
		"No model has been switched on yet.", `href="/admin/models" aria-current="page"`)
	b.submit("/admin/models/activate", url.Values{"version": {"missing"}}).status(t, http.StatusNotFound).has(t, "no model version")
	b.submit("/admin/models/activate", url.Values{"version": {"desk-<1>"}}).status(t, http.StatusSeeOther)
	b.get("/admin/models?done=model-activated").status(t, http.StatusOK).has(t, "Model switched on", "Imports use <strong>desk-&lt;1&gt;</strong>", "Switch on<span class=\"visually-hidden\"> the shipped model", admin.Name)
	if got, _ := env.App.Store.ActiveModelVersion(ctx); got != "desk-<1>" {
		t.Errorf("active model = %q", got)
	}
	c := webSignIn(t, env, env.User(t, models.RoleEditor))
	c.get("/admin/models").status(t, http.StatusForbidden)
	c.submit("/admin/models/activate", url.Values{"version": {""}}).status(t, http.StatusForbidden)
}

// Each candidate of /import/{id} says when the desk already has its claim.
func TestWebImportPriorCheck(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ctx := context.Background()
	checker := env.User(t, models.RoleChecker)
	c, err := env.App.Engine.CreateClaim(ctx, checker.User, workflow.NewClaim{Text: "Unemployment fell to 3.5 percent in March."})
	if err != nil {
		t.Fatal(err)
	}
	v, err := env.App.Engine.ImportArticle(ctx, checker.User, workflow.NewArticle{Text: "Unemployment fell to 3.5 percent in March, the statistics office said. Thanks for reading."})
	if err != nil {
		t.Fatal(err)
	}
	webSignIn(t, env, checker).get("/import/"+itoa(v.ID)).status(t, http.StatusOK).
		has(t, `<p class="small prior-check is-duplicate">`, `<a href="/claims/`+itoa(c.ID)+`">Already filed here as claim #`+itoa(c.ID)+` (new)</a>`, "Same claim:")
}
