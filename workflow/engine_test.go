package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

type testBundle struct {
	engine *workflow.Engine
	store  *store.Store
	users  map[models.Role]*models.User
}

func setup(t *testing.T) (*testBundle, context.Context) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	b := &testBundle{engine: workflow.NewEngine(st), store: st, users: map[models.Role]*models.User{}}
	for _, role := range []models.Role{models.RoleAdmin, models.RoleEditor, models.RoleChecker, models.RoleViewer} {
		u := &models.User{Email: string(role) + "@desk.test", Name: string(role), Role: role, Active: true, PasswordHash: "unused"}
		if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
			t.Fatalf("create %s: %v", role, err)
		}
		b.users[role] = u
	}
	return b, ctx
}

func (b *testBundle) claim(t *testing.T, ctx context.Context) *models.Claim {
	t.Helper()
	c, err := b.engine.CreateClaim(ctx, b.users[models.RoleEditor], workflow.NewClaim{Text: "Unemployment rose to 5.3% in March."})
	if err != nil {
		t.Fatalf("CreateClaim: %v", err)
	}
	return c
}

// wantField asserts err is an invalid-input error naming field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	var names []string
	var de *models.Error
	if errors.As(err, &de) {
		for _, f := range de.Fields {
			names = append(names, f.Field)
		}
	}
	if !models.IsCode(err, models.EInvalid) || !slices.Contains(names, field) {
		t.Errorf("%s = %v (fields %v), want invalid with a %s field error", what, err, names, field)
	}
}

func TestDueAtMustBePlausible(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	editor := b.users[models.RoleEditor]
	at := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	for _, tc := range []struct {
		due string
		ok  bool
	}{
		{"0000-01-01T00:00:00Z", false},
		{"0001-01-01T00:00:00Z", false},
		{"1899-12-31T23:59:59Z", false},
		{"1900-01-01T00:00:00Z", true},
		{"2026-05-01T17:00:00+02:00", true},
		{"2999-12-31T23:59:59Z", true},
		{"3000-01-01T00:00:00Z", false},
		{"9999-12-31T23:59:59Z", false},
	} {
		_, err := b.engine.CreateClaim(ctx, editor, workflow.NewClaim{Text: "A claim due " + tc.due, DueAt: at(tc.due)})
		if tc.ok && err != nil {
			t.Errorf("CreateClaim due %s = %v, want it accepted", tc.due, err)
		}
		if !tc.ok {
			wantField(t, "CreateClaim due "+tc.due, err, "due_at")
		}

		c := b.claim(t, ctx)
		_, err = b.engine.UpdateClaim(ctx, editor, c.ID, workflow.ClaimPatch{Version: c.Version, DueAt: models.Some(*at(tc.due))})
		if tc.ok && err != nil {
			t.Errorf("UpdateClaim due %s = %v, want it accepted", tc.due, err)
		}
		if !tc.ok {
			wantField(t, "UpdateClaim due "+tc.due, err, "due_at")
		}
	}
	// In a batch the field is named with the claim's index.
	_, err := b.engine.CreateClaims(ctx, editor, []workflow.NewClaim{{Text: "fine"}, {Text: "bad", DueAt: at("0000-01-01T00:00:00Z")}})
	wantField(t, "CreateClaims with a bad second due date", err, "claims[1].due_at")
}

func TestURLPortsInRange(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	editor := b.users[models.RoleEditor]
	c := b.claim(t, ctx)
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://example.org/a", true},
		{"https://example.org:443/a", true},
		{"http://example.org:65535/a", true},
		{"http://example.org:65536/a", false},
		{"http://example.org:99999/a", false},
		{"http://example.org:0/a", false},
		{"http://[2001:db8::1]:70000/a", false},
	} {
		_, err := b.engine.AddEvidence(ctx, editor, c.ID, workflow.NewEvidence{URL: tc.url, Stance: models.StanceSupports})
		if tc.ok && err != nil {
			t.Errorf("AddEvidence %s = %v, want it accepted", tc.url, err)
		}
		if !tc.ok {
			wantField(t, "AddEvidence "+tc.url, err, "url")
		}
		_, err = b.engine.CreateClaim(ctx, editor, workflow.NewClaim{Text: "From " + tc.url, SourceURL: tc.url})
		if tc.ok && err != nil {
			t.Errorf("CreateClaim source %s = %v, want it accepted", tc.url, err)
		}
		if !tc.ok {
			wantField(t, "CreateClaim source "+tc.url, err, "source_url")
		}
	}
}

func TestLanguageDefaultsOnPatch(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	editor := b.users[models.RoleEditor]
	c, err := b.engine.CreateClaim(ctx, editor, workflow.NewClaim{Text: "Uma alegação.", Language: "pt-BR"})
	if err != nil || c.Language != "pt-BR" {
		t.Fatalf("CreateClaim pt-BR = %v, %v", c, err)
	}
	for _, tc := range []struct {
		name string
		lang models.Optional[string]
		want string
	}{
		{"null", models.Optional[string]{Set: true, Null: true}, "en"},
		{"pt-BR", models.Some("pt-BR"), "pt-BR"},
		{"blank", models.Some("  "), "en"},
	} {
		c, err = b.engine.UpdateClaim(ctx, editor, c.ID, workflow.ClaimPatch{Version: c.Version, Language: tc.lang})
		if err != nil {
			t.Fatalf("UpdateClaim language %s: %v", tc.name, err)
		}
		stored, err := b.store.Claim(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Language != tc.want || stored.Language != tc.want {
			t.Errorf("UpdateClaim language %s: returned %q, stored %q; want %q", tc.name, c.Language, stored.Language, tc.want)
		}
	}
}

func TestTagsCountedAfterDedupe(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	editor := b.users[models.RoleEditor]
	same := make([]string, 25)
	for i := range same {
		same[i] = []string{"Election", "election", " ELECTION "}[i%3]
	}
	c, err := b.engine.CreateClaim(ctx, editor, workflow.NewClaim{Text: "A claim.", Tags: same})
	if err != nil || len(c.Tags) != 1 || c.Tags[0] != "election" {
		t.Fatalf("CreateClaim with 25 copies of one tag = %v, %v; want one tag", c, err)
	}
	c, err = b.engine.UpdateClaim(ctx, editor, c.ID, workflow.ClaimPatch{Version: c.Version, Tags: models.Some(same)})
	if err != nil || len(c.Tags) != 1 {
		t.Errorf("UpdateClaim with 25 copies of one tag = %v, %v; want one tag", c, err)
	}
	distinct := make([]string, 21)
	for i := range distinct {
		distinct[i] = fmt.Sprintf("tag%d", i)
	}
	_, err = b.engine.CreateClaim(ctx, editor, workflow.NewClaim{Text: "A claim.", Tags: distinct})
	wantField(t, "CreateClaim with 21 tags", err, "tags")
	_, err = b.engine.UpdateClaim(ctx, editor, c.ID, workflow.ClaimPatch{Version: c.Version, Tags: models.Some(distinct)})
	wantField(t, "UpdateClaim with 21 tags", err, "tags")
}

// Someone who may not act must get 403 whatever version they send, so a
// refusal never tells them the claim's current version or state.
func TestApplyChecksPermissionBeforeVersion(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	c := b.claim(t, ctx)
	for _, tc := range []struct {
		role    models.Role
		action  models.Action
		version int
		want    models.ErrorCode
	}{
		{models.RoleViewer, models.ActionStart, c.Version + 5, models.EForbidden},
		{models.RoleViewer, models.ActionStart, c.Version, models.EForbidden},
		{models.RoleViewer, models.ActionConfirm, c.Version + 5, models.EForbidden}, // not allowed from new either
		{models.RoleChecker, models.ActionStart, c.Version + 5, models.EForbidden},  // not assigned
		{models.RoleChecker, models.ActionReject, c.Version + 5, models.EForbidden},
		{models.RoleEditor, models.ActionStart, c.Version + 5, models.EConflict},
		{models.RoleEditor, models.ActionConfirm, c.Version, models.EConflict},
	} {
		_, err := b.engine.Apply(ctx, b.users[tc.role], c.ID, workflow.Request{Action: tc.action, Version: tc.version})
		if got := models.CodeOf(err); got != tc.want {
			t.Errorf("Apply(%s by %s, version %d of %d) = %v (%s), want %s", tc.action, tc.role, tc.version, c.Version, err, got, tc.want)
		}
		if tc.want == models.EForbidden && err != nil && strings.Contains(err.Error(), "version") {
			t.Errorf("Apply(%s by %s) refusal mentions the version: %v", tc.action, tc.role, err)
		}
	}
}
