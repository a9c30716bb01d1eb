package workflow_test

import (
	"encoding/json"
	"testing"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// flagNothing is a stored model whose bias flags no sentence, so the
// candidates of an import show which model extracted them.
func flagNothing(t *testing.T) []byte {
	t.Helper()
	m := extract.DefaultModel()
	info := m.Info
	info.Bias = -100
	nm, err := extract.NewModel(info, m.Weights())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := nm.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

const modelArticle = "Unemployment fell to 3.5 percent in March, the statistics office said. The minister said exports doubled to 40 billion euros last year."

func flaggedCount(t *testing.T, v *workflow.ArticleView) int {
	t.Helper()
	n := 0
	for _, c := range v.Candidates {
		if c.Checkworthy {
			n++
		}
	}
	return n
}

// A stored model is inactive until an admin activates it; activating one
// switches the previous off, records who switched from what, and every
// engine over the database (every process) extracts with it from its next
// import, without a restart.
func TestActivateModel(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	admin, checker := b.users[models.RoleAdmin], b.users[models.RoleChecker]
	save := func(v string, raw []byte) error {
		return b.store.WithTx(ctx, func(tx *store.Tx) error {
			return tx.SaveModelVersion(ctx, store.NewModelVersion{Version: v, Model: raw, Report: "P=1 R=1"})
		})
	}
	other := workflow.NewEngine(b.store) // another process
	imp := func(e *workflow.Engine, url string) *workflow.ArticleView {
		t.Helper()
		// Another text each time: the same text is the same article.
		v, err := e.ImportArticle(ctx, checker, workflow.NewArticle{Text: modelArticle + " Read more at " + url + ".", URL: url})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if n := flaggedCount(t, imp(other, "https://news.test/1")); n == 0 {
		t.Fatal("the shipped model flags nothing in the article")
	}
	if v, err := other.UseActiveModel(ctx); err != nil || v != "" {
		t.Fatalf("UseActiveModel with none stored = %q, %v; want the shipped model", v, err)
	}
	if err := save("desk-1", flagNothing(t)); err != nil {
		t.Fatal(err)
	}
	if err := save("desk-1", flagNothing(t)); !models.IsCode(err, models.EConflict) {
		t.Errorf("saving desk-1 twice = %v, want a conflict", err)
	}
	raw, _ := extract.DefaultModel().MarshalJSON()
	if err := save("desk-2", raw); err != nil {
		t.Fatal(err)
	}
	if err := b.engine.ActivateModel(ctx, checker, "desk-1"); !models.IsCode(err, models.EForbidden) {
		t.Errorf("a checker activating = %v, want forbidden", err)
	}
	if err := b.engine.ActivateModel(ctx, admin, "nope"); !models.IsCode(err, models.ENotFound) {
		t.Errorf("activating an unknown version = %v, want not found", err)
	}
	if err := b.engine.ActivateModel(ctx, admin, "desk-1"); err != nil {
		t.Fatal(err)
	}
	if n := flaggedCount(t, imp(other, "https://news.test/2")); n != 0 {
		t.Errorf("after activating desk-1 elsewhere, the other engine flagged %d candidates; want its model (none)", n)
	}
	if err := b.engine.ActivateModel(ctx, admin, "desk-2"); err != nil {
		t.Fatal(err)
	}
	if err := b.engine.ActivateModel(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	if n := flaggedCount(t, imp(other, "https://news.test/3")); n == 0 {
		t.Error("back on the shipped model, the other engine flagged nothing")
	}
	vs, err := b.store.ModelVersions(ctx, 0)
	if err != nil || len(vs) != 2 {
		t.Fatalf("ModelVersions = %+v, %v", vs, err)
	}
	for _, v := range vs {
		if v.Active || v.Report != "P=1 R=1" {
			t.Errorf("version %+v, want inactive with its report", v)
		}
	}
	acts, err := b.store.ModelActivations(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ModelActivation{{Version: "", Previous: "desk-2", By: "admin"}, {Version: "desk-2", Previous: "desk-1", By: "admin"}, {Version: "desk-1", Previous: "", By: "admin"}}
	if len(acts) != len(want) {
		t.Fatalf("activations = %+v, want %d", acts, len(want))
	}
	for i, a := range acts {
		a.ActivatedAt = want[i].ActivatedAt
		if a != want[i] {
			t.Errorf("activation %d = %+v, want %+v", i, a, want[i])
		}
	}
}

// The admin view measures each stored model and the active one on the
// decisions neither learned from.
func TestModelsView(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	admin, checker := b.users[models.RoleAdmin], b.users[models.RoleChecker]
	v, err := b.engine.ImportArticle(ctx, checker, workflow.NewArticle{Text: modelArticle})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.engine.FileCandidates(ctx, checker, v.ID, workflow.Choose(0)); err != nil {
		t.Fatal(err)
	}
	if err := b.store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.SaveModelVersion(ctx, store.NewModelVersion{Version: "none", Model: flagNothing(t)})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.engine.Models(ctx, checker); !models.IsCode(err, models.EForbidden) {
		t.Errorf("a checker's view = %v, want forbidden", err)
	}
	mv, err := b.engine.Models(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if mv.Active != "" || mv.Decisions != len(v.Candidates) || len(mv.Rows) != 2 {
		raw, _ := json.Marshal(mv)
		t.Fatalf("view = %s; want the shipped model active, %d decisions, two rows", raw, len(v.Candidates))
	}
	none, shipped := mv.Rows[0], mv.Rows[1]
	if none.Version != "none" || none.HeldOut != len(v.Candidates) || none.Model.TP+none.Model.FP != 0 || none.Model.FN != 1 {
		t.Errorf("stored row = %+v; want it measured on every decision, flagging none", none)
	}
	if shipped.Version != "" || !shipped.Active || none.Current != shipped.Model || shipped.Model.TP != 1 {
		t.Errorf("shipped row = %+v (stored row's current %+v); want the active shipped model, which flagged the filed sentence", shipped, none.Current)
	}
}
