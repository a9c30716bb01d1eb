package api_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// TestAPIBranding: the settings carry the desk's branding with its
// defaults; an admin changes the name and colours through PATCH with the
// dashboard's rules, in one change with the other settings, and the public
// pages follow at once.
func TestAPIBranding(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	editor := env.User(t, models.RoleEditor)

	got := env.Do(t, "GET", "/api/v1/settings", editor.Token, nil)
	wantStatus(t, got, http.StatusOK, "read settings")
	m := got.JSON(t)
	if m["brand_name"] == "" || m["header_color"] != "#142033" || m["header_text_color"] != "#ffffff" || m["link_color"] != "#1f5fbf" {
		t.Errorf("default branding = %v", m)
	}
	if _, ok := m["logo_url"]; ok {
		t.Errorf("logo_url without a logo: %v", m)
	}

	wantStatus(t, env.Do(t, "PATCH", "/api/v1/settings", editor.Token, map[string]any{"brand_name": "Mine"}), http.StatusForbidden, "editor renames the desk")

	// Refusals name the fields; nothing of a refused patch is saved, not
	// even its valid part.
	bad := env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"bylines": true, "brand_name": "Kept?", "header_color": "green"})
	wantStatus(t, bad, http.StatusUnprocessableEntity, "not a colour")
	if f := problemFields(t, bad); !slices.Equal(f, []string{"header_color"}) || !strings.Contains(string(bad.Body), "is not a colour") {
		t.Errorf("bad colour: fields %v, body %s", f, bad.Body)
	}
	pale := env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"link_color": "#99ccff"})
	wantStatus(t, pale, http.StatusUnprocessableEntity, "pale links")
	if f := problemFields(t, pale); !slices.Equal(f, []string{"link_color"}) {
		t.Errorf("pale links: fields %v", f)
	}
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"brand_name": strings.Repeat("x", 81)}), http.StatusUnprocessableEntity, "long name")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"logo": "x"}), http.StatusBadRequest, "logo through the API")
	if m := env.Do(t, "GET", "/api/v1/settings", admin.Token, nil).JSON(t); m["bylines"] != false || m["brand_name"] == "Kept?" {
		t.Errorf("a refused patch was saved: %v", m)
	}

	ok := env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"bylines": true, "brand_name": " Harbour Desk ", "header_color": "#0B3D2E", "link_color": "#0a5c36"})
	wantStatus(t, ok, http.StatusOK, "rebrand")
	if m := ok.JSON(t); m["bylines"] != true || m["brand_name"] != "Harbour Desk" || m["header_color"] != "#0b3d2e" || m["header_text_color"] != "#ffffff" || m["link_color"] != "#0a5c36" {
		t.Errorf("after the patch: %v", m)
	}
	res, err := http.Get(env.URL + "/factchecks.rss")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "<title>Harbour Desk fact checks</title>") {
		t.Errorf("the feed did not follow the new name:\n%s", body)
	}

	// An empty name goes back to the default.
	back := env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"brand_name": nil})
	wantStatus(t, back, http.StatusOK, "name back to default")
	if m := back.JSON(t); m["brand_name"] != got.JSON(t)["brand_name"] {
		t.Errorf("default name = %v, want %v", m["brand_name"], got.JSON(t)["brand_name"])
	}
}
