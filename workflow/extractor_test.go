package workflow_test

import (
	"context"
	"testing"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// A stored model is inactive until activated; the engine then loads it,
// and activating another switches the first off.
func TestActiveModelVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	raw, err := extract.DefaultModel().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	save := func(v string) error {
		return st.WithTx(ctx, func(tx *store.Tx) error { return tx.SaveModelVersion(ctx, v, raw, "P=1 R=1") })
	}
	activate := func(v string) error {
		return st.WithTx(ctx, func(tx *store.Tx) error { return tx.ActivateModelVersion(ctx, v) })
	}
	e := workflow.NewEngine(st)
	if v, err := e.UseActiveModel(ctx); err != nil || v != "" {
		t.Fatalf("UseActiveModel with none stored = %q, %v; want the shipped model", v, err)
	}
	if err := save("desk-1"); err != nil {
		t.Fatal(err)
	}
	if err := save("desk-1"); !models.IsCode(err, models.EConflict) {
		t.Errorf("saving desk-1 twice = %v, want a conflict", err)
	}
	if v, err := e.UseActiveModel(ctx); err != nil || v != "" {
		t.Fatalf("UseActiveModel with desk-1 inactive = %q, %v; want none", v, err)
	}
	if err := activate("nope"); !models.IsCode(err, models.ENotFound) {
		t.Errorf("activating an unknown version = %v, want not found", err)
	}
	if err := save("desk-2"); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"desk-1", "desk-2"} {
		if err := activate(v); err != nil {
			t.Fatal(err)
		}
		if got, err := e.UseActiveModel(ctx); err != nil || got != v {
			t.Fatalf("UseActiveModel after activating %s = %q, %v", v, got, err)
		}
	}
	vs, err := st.ModelVersions(ctx)
	if err != nil || len(vs) != 2 {
		t.Fatalf("ModelVersions = %+v, %v", vs, err)
	}
	for _, v := range vs {
		if v.Active != (v.Version == "desk-2") || v.Report != "P=1 R=1" {
			t.Errorf("version %+v, want only desk-2 active, with its report", v)
		}
	}
}
