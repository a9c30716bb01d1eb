package workflow

import (
	"testing"

	"github.com/factdesk/factdesk/models"
)

func TestParseTimeZone(t *testing.T) {
	t.Parallel()
	for zone, ok := range map[string]bool{
		"UTC": true, "Europe/Berlin": true, " Asia/Kathmandu ": true, "America/Argentina/Buenos_Aires": true,
		"": false, "Local": false, "EST": false, "CET": false, "Mars/Olympus": false, "../../etc/passwd": false,
		"/etc/localtime": false, "Europe/Berlin\x00": false,
	} {
		loc, err := ParseTimeZone(zone)
		if (err == nil) != ok {
			t.Errorf("ParseTimeZone(%q) = %v, %v; want ok=%v", zone, loc, err, ok)
		}
		if err != nil && !models.IsCode(err, models.EInvalid) {
			t.Errorf("ParseTimeZone(%q) error %v, want invalid", zone, err)
		}
	}
}

func TestCanChangeView(t *testing.T) {
	t.Parallel()
	owner := &models.User{ID: 1, Role: models.RoleViewer, Active: true}
	checker := &models.User{ID: 2, Role: models.RoleChecker, Active: true}
	editor := &models.User{ID: 3, Role: models.RoleEditor, Active: true}
	admin := &models.User{ID: 4, Role: models.RoleAdmin, Active: true}
	gone := &models.User{ID: 1, Role: models.RoleViewer}
	for _, tc := range []struct {
		who    *models.User
		shared bool
		want   models.ErrorCode
	}{
		{owner, false, ""}, {owner, true, ""},
		{checker, false, models.ENotFound}, {checker, true, models.EForbidden},
		{editor, true, models.EForbidden},
		{admin, false, models.ENotFound}, {admin, true, ""},
		{gone, false, models.EForbidden}, {nil, true, models.EUnauthorized},
	} {
		err := CanChangeView(tc.who, &models.SavedView{ID: 9, OwnerID: owner.ID, Shared: tc.shared})
		if got := models.CodeOf(err); (err == nil && tc.want != "") || (err != nil && got != tc.want) {
			t.Errorf("CanChangeView(%+v, shared=%v) = %v, want %q", tc.who, tc.shared, err, tc.want)
		}
	}
}
