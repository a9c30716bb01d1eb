package auth

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
)

// TestUserNamesRefuseInvisibleControls: a name is shown beside every claim
// and in the history, so characters that reorder or hide what is around
// them (bidi overrides, zero-width characters, line separators) would let
// one user impersonate another. They are refused on create and on edit.
func TestUserNamesRefuseInvisibleControls(t *testing.T) {
	t.Parallel()
	var checks atomic.Int64
	s := openService(t, pgtest.URL(t), &checks)
	ctx := context.Background()
	admin, err := s.CreateUser(ctx, nil, NewUser{Email: "admin@x.test", Name: "Admin", Role: models.RoleAdmin, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"bidi override":       "Ana \u202eevil",
		"bidi isolate":        "Ana \u2066x\u2069",
		"right-to-left mark":  "Ana\u200f",
		"zero-width space":    "An\u200ba",
		"zero-width joiner":   "An\u200da",
		"byte order mark":     "\ufeffAna",
		"line separator":      "Ana\u2028Admin",
		"paragraph separator": "Ana\u2029Admin",
		"newline":             "Ana\nAdmin",
		"C1 control":          "An\u0085a",
	}
	for what, name := range bad {
		_, err := s.CreateUser(ctx, admin, NewUser{Email: "u@x.test", Name: name, Role: models.RoleViewer, Password: testPassword})
		if !hasField(err, "name") {
			t.Errorf("CreateUser with a %s in the name = %v, want invalid name", what, err)
		}
		_, err = s.UpdateUser(ctx, admin, admin.ID, UserPatch{Name: models.Some(name)})
		if !hasField(err, "name") {
			t.Errorf("UpdateUser with a %s in the name = %v, want invalid name", what, err)
		}
	}
	for _, name := range []string{"Ana María", "محمد", "李小龙", "Zoë O'Brien-Smith"} {
		if _, err := s.UpdateUser(ctx, admin, admin.ID, UserPatch{Name: models.Some(name)}); err != nil {
			t.Errorf("UpdateUser(name %q) = %v, want it kept", name, err)
		}
	}
}

func hasField(err error, field string) bool {
	var e *models.Error
	if !models.IsCode(err, models.EInvalid) || !errors.As(err, &e) {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
