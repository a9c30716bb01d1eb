package workflow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// TestSettingsHooks: every settings change runs the settings hooks inside
// its transaction, with the new row; a hook's error undoes the change, and
// only admins change branding.
func TestSettingsHooks(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	var seen []string
	fail := false
	b.engine.OnSettingsChange(func(ctx context.Context, tx *store.Tx, s *models.DeskSettings) error {
		seen = append(seen, s.BrandName)
		if fail {
			return errors.New("cache unreachable")
		}
		return nil
	})
	admin := b.users[models.RoleAdmin]
	if _, err := b.engine.UpdateBranding(ctx, b.users[models.RoleEditor], workflow.BrandingPatch{Name: models.Some("Nope")}); !models.IsCode(err, models.EForbidden) {
		t.Fatalf("an editor's branding change = %v, want forbidden", err)
	}
	if _, err := b.engine.UpdateBranding(ctx, admin, workflow.BrandingPatch{Name: models.Some("  Harbour Desk ")}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.engine.UpdateSettings(ctx, admin, workflow.SettingsPatch{Bylines: models.Some(true)}); err != nil {
		t.Fatal(err)
	}
	fail = true
	if _, err := b.engine.UpdateBranding(ctx, admin, workflow.BrandingPatch{Name: models.Some("Rolled back")}); err == nil {
		t.Fatal("a failing hook did not fail the change")
	}
	s, err := b.store.DeskSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.BrandName != "Harbour Desk" || !s.Bylines {
		t.Errorf("settings = %+v, want the name trimmed, bylines on, and the failed change undone", s)
	}
	if len(seen) != 3 || seen[0] != "Harbour Desk" || seen[2] != "Rolled back" {
		t.Errorf("hooks saw %q, want each of the three changes", seen)
	}
	if _, err := b.engine.UpdateBranding(ctx, admin, workflow.BrandingPatch{HeaderColor: models.Some("#ffffff")}); err == nil {
		t.Error("white header under white text was accepted")
	} else {
		wantField(t, "white on white", err, "header_text_color")
	}
}
