package e2e_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// TestDashboardChrome checks what only a browser can measure: a link
// styled as a button (Cancel on the deactivation page) has the weight and
// size of the button beside it, and at 1366 px an admin's top bar keeps
// the desk's name, the menu and the person on one band.
func TestDashboardChrome(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	checker := env.User(t, models.RoleChecker)
	p := open(t, env)
	p.desktop()
	p.signIn(admin)
	p.visit(fmt.Sprintf("/admin/users/%d/deactivate", checker.ID), "#confirm-deactivate")
	style := func(sel string) string {
		return get(p, "style of "+sel, chromedp.Evaluate[string](`(() => { const s = getComputedStyle(document.querySelector(`+"`"+sel+"`"+`));
			return s.fontWeight + " " + s.fontSize; })()`))
	}
	button, cancel := style("#confirm-deactivate"), style(`a.button[href="/admin/users"]`)
	if button != cancel {
		t.Errorf("Cancel is %q, the button beside it %q: want the same weight and size", cancel, button)
	}

	bar := get(p, "measure the top bar", chromedp.Evaluate[[]float64](`(() => {
		const r = s => document.querySelector(s).getBoundingClientRect();
		return [r(".topbar .brand").top, r(".topbar nav").top, r(".topbar .who").top, r(".topbar").height]; })()`))
	if bar[1] > bar[0]+30 || bar[2] > bar[0]+40 || bar[3] > 120 {
		t.Errorf("top bar (brand, nav, person tops; height) = %v: want them on one band", bar)
	}
}
