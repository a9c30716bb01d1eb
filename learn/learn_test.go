package learn_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/learn"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// deskWithDecisions imports n articles and files the first sentence of
// each, leaving the others: the desk's own labels.
func deskWithDecisions(t *testing.T, n int) (*store.Store, *workflow.Engine) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	u := &models.User{Email: "c@desk.test", Name: "Checker", Role: models.RoleChecker, Active: true, PasswordHash: "unused"}
	if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	e := workflow.NewEngine(st)
	for i := range n {
		text := fmt.Sprintf("Exports of region %d rose by %d percent in 2023, the ministry said. Thanks for reading issue %d. Subscribe to our newsletter number %d.", i, 10+i, i, i)
		v, err := e.ImportArticle(ctx, u, workflow.NewArticle{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.FileCandidates(ctx, u, v.ID, workflow.Choose(0)); err != nil {
			t.Fatal(err)
		}
	}
	return st, e
}

func TestTrainDesk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, e := deskWithDecisions(t, 10)
	res, err := learn.TrainDesk(ctx, st, e, learn.Options{HoldOut: 0.3, Version: "desk-a"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Learned != 21 || res.HeldOut != 9 || res.Model.Total() != 9 || res.Current.Total() != 9 {
		t.Errorf("result %+v; want 21 decisions learned, 9 held out and measured", res)
	}
	if !strings.Contains(res.Report, "held out the newest 9 decisions") || !strings.Contains(res.Report, "active (the shipped model)") {
		t.Errorf("report:\n%s", res.Report)
	}
	vs, err := st.ModelVersions(ctx, 0)
	if err != nil || len(vs) != 1 || vs[0].Version != "desk-a" || vs[0].Active || vs[0].Decisions != 21 || vs[0].TrainedUntil == nil {
		t.Fatalf("versions = %+v, %v; want desk-a stored inactive with its training cut-off", vs, err)
	}
	// The periodic job trains again only once enough decisions came after
	// the newest model's training: the 9 held out ones so far.
	l := learn.New(st, e, learn.Config{MinNewDecisions: 10}, nil)
	if got, err := l.Retrain(ctx); err != nil || got != nil {
		t.Errorf("Retrain with 9 new decisions = %+v, %v; want nothing done", got, err)
	}
	l = learn.New(st, e, learn.Config{MinNewDecisions: 9, Train: learn.Options{Version: "desk-b"}}, nil)
	if got, err := l.Retrain(ctx); err != nil || got == nil || got.Version != "desk-b" {
		t.Errorf("Retrain with 9 new decisions of 9 = %+v, %v; want desk-b", got, err)
	}
}

func TestTrainDeskTooFew(t *testing.T) {
	t.Parallel()
	st, e := deskWithDecisions(t, 1)
	if _, err := learn.TrainDesk(context.Background(), st, e, learn.Options{}); err != learn.ErrTooFew {
		t.Errorf("TrainDesk on 3 decisions = %v, want ErrTooFew", err)
	}
}
