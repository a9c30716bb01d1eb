package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

func TestWebQueue(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ctx := context.Background()
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	past := time.Now().Add(-time.Hour)
	mk := func(text string, p models.Priority, due *time.Time) *models.Claim {
		c, err := env.App.Engine.CreateClaim(ctx, editor.User, workflow.NewClaim{Text: text, Priority: p, DueAt: due})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Engine.Assign(ctx, editor.User, c.ID, workflow.AssignRequest{UserID: checker.ID}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	mk("Plain normal claim", models.PriorityNormal, nil)
	mk("Urgent claim", models.PriorityUrgent, nil)
	mk("Overdue low claim", models.PriorityLow, &past)

	b := webSignIn(t, env, checker)
	p := b.get("/").status(t, http.StatusOK)
	p.has(t, "Take next claim", "Overdue")
	iOver, iUrgent, iNormal := strings.Index(p.Body, "Overdue low claim"), strings.Index(p.Body, "Urgent claim"), strings.Index(p.Body, "Plain normal claim")
	if !(iOver >= 0 && iOver < iUrgent && iUrgent < iNormal) {
		t.Errorf("queue order: overdue at %d, urgent at %d, normal at %d; want overdue, urgent, normal", iOver, iUrgent, iNormal)
	}
	webSignIn(t, env, env.User(t, models.RoleViewer)).get("/").status(t, http.StatusOK).lacks(t, "Take next claim").has(t, "Nothing waits for you.")
}

func TestWebTakeNext(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ctx := context.Background()
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	env.App.Engine.CreateClaim(ctx, editor.User, workflow.NewClaim{Text: "Low one", Priority: models.PriorityLow})
	urgent, _ := env.App.Engine.CreateClaim(ctx, editor.User, workflow.NewClaim{Text: "Urgent one", Priority: models.PriorityUrgent})

	b := webSignIn(t, env, checker)
	b.get("/").has(t, "2 waiting")
	res := b.submit("/queue/next", nil).status(t, http.StatusSeeOther)
	if res.Location != "/claims/"+itoa(urgent.ID)+"?done=taken" {
		t.Fatalf("take next went to %q, want the urgent claim %d", res.Location, urgent.ID)
	}
	b.get(res.Location).has(t, "This claim is yours now", "state-verifying", "took the claim from the queue.")
	b.submit("/queue/next", nil).status(t, http.StatusSeeOther)
	res = b.submit("/queue/next", nil).status(t, http.StatusSeeOther)
	if res.Location != "/?done=empty" {
		t.Fatalf("empty queue went to %q", res.Location)
	}
	b.get(res.Location).has(t, "The queue is empty")

	webSignIn(t, env, env.User(t, models.RoleViewer)).submit("/queue/next", nil).status(t, http.StatusForbidden)
}

func TestWebBoard(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ctx := context.Background()
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	env.App.Engine.CreateClaim(ctx, editor.User, workflow.NewClaim{Text: "Wolves returned to the valley", Priority: models.PriorityUrgent, Tags: []string{"nature"}})
	env.ClaimIn(t, models.StateDisputed, checker, editor, "Taxes fell for every household")
	env.ClaimIn(t, models.StateVerified, checker, editor, "The library lends a million books")

	b := webSignIn(t, env, env.User(t, models.RoleViewer))
	all := b.get("/board").status(t, http.StatusOK)
	all.has(t, "Wolves returned", "Taxes fell", "The library lends", `data-state="disputed"`, `<label for="q">Search</label>`,
		`<label for="assignee">Assignee</label>`, `<label for="verdict">Verdict</label>`, `<label for="priority">Priority</label>`, `<label for="tag">Tag</label>`)
	cases := []struct{ query, want, not string }{
		{"priority=urgent", "Wolves returned", "Taxes fell"},
		{"tag=nature", "Wolves returned", "The library lends"},
		{"verdict=false", "Taxes fell", "The library lends"},
		{"q=library", "The library lends", "Wolves returned"},
		{"assignee=" + itoa(checker.ID), "Taxes fell", "Wolves returned"},
	}
	for _, tc := range cases {
		p := b.get("/board?"+tc.query).status(t, http.StatusOK)
		p.has(t, tc.want)
		p.lacks(t, tc.not)
		if !strings.Contains(p.Body, "/board/columns?"+tc.query) {
			t.Errorf("%s: the live refresh URL drops the filters", tc.query)
		}
	}
	b.get("/board/columns?priority=urgent").status(t, http.StatusOK).has(t, "Wolves returned").lacks(t, "<html", "Taxes fell")
	b.get("/board?verdict=bogus").status(t, http.StatusUnprocessableEntity).has(t, "choose a verdict from the list")
	webSignIn(t, env, checker).get("/board?assignee=me").status(t, http.StatusOK).has(t, "Taxes fell").lacks(t, "Wolves returned")
}

func TestWebReview(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	other := env.User(t, models.RoleEditor)
	first := env.ClaimIn(t, models.StateDisputed, checker, editor, "First waiting claim")
	env.ClaimIn(t, models.StateVerified, editor, other, "Second waiting claim, proposed by the editor")
	env.ClaimIn(t, models.StateVerifying, checker, editor, "Still being checked")

	p := webSignIn(t, env, editor).get("/review").status(t, http.StatusOK)
	p.has(t, "First waiting claim", "Second waiting claim", "four eyes: you proposed this verdict")
	p.lacks(t, "Still being checked")
	if strings.Index(p.Body, "First waiting claim") > strings.Index(p.Body, "Second waiting claim") {
		t.Errorf("review is not oldest first")
	}
	res := webSignIn(t, env, editor).submit(webClaimURL(first, "/actions"), url.Values{"action": {"confirm"}, "version": {itoa(int64(first.Version))}, "from": {"review"}})
	if res.Status != http.StatusSeeOther || res.Location != "/review?done=confirm" {
		t.Errorf("confirm from review = %d %q", res.Status, res.Location)
	}
	webSignIn(t, env, checker).get("/review").status(t, http.StatusForbidden)
}

func TestWebOverview(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	env.ClaimIn(t, models.StateConfirmed, checker, editor, "Confirmed one")
	past := time.Now().Add(-2 * time.Hour)
	env.App.Engine.CreateClaim(context.Background(), editor.User, workflow.NewClaim{Text: "Overdue one", DueAt: &past})

	p := webSignIn(t, env, env.User(t, models.RoleViewer)).get("/overview").status(t, http.StatusOK)
	p.has(t, `role="img"`, "Claims per state", "Claims confirmed per day, last 30 days", "Open claims per checker",
		"Median time from new to confirmed", "Overdue one", `class="bar state-confirmed"`)
}

func TestWebUsersAdmin(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	checker := env.User(t, models.RoleChecker)
	b := webSignIn(t, env, admin)
	b.get("/admin/users").status(t, http.StatusOK).has(t, checker.Email, `<label for="nu-email">Email</label>`, `Deactivate<span class="visually-hidden"> `+checker.Name, `<label for="role-`+itoa(checker.ID)+`"`)

	// Deactivation asks first, on a page of its own: a post without the
	// confirmation is sent there and changes nothing.
	deact := "/admin/users/" + itoa(checker.ID) + "/deactivate"
	res := b.submit("/admin/users/"+itoa(checker.ID), url.Values{"active": {"false"}}).status(t, http.StatusSeeOther)
	if res.Location != deact {
		t.Fatalf("unconfirmed deactivation went to %q, want %s", res.Location, deact)
	}
	if u, _ := env.App.Store.User(context.Background(), checker.ID); !u.Active {
		t.Fatal("a deactivation without confirmation deactivated the user")
	}
	b.get(deact).status(t, http.StatusOK).has(t, "Deactivate "+checker.Name+"?", `name="confirm" value="yes"`, `href="/admin/users">Cancel`)
	b.submit("/admin/users/"+itoa(checker.ID), url.Values{"active": {"false"}, "confirm": {"yes"}}).status(t, http.StatusSeeOther)
	if u, _ := env.App.Store.User(context.Background(), checker.ID); u.Active {
		t.Fatal("the confirmed deactivation left the user active")
	}
	b.get(deact).status(t, http.StatusSeeOther)
	b.submit("/admin/users/"+itoa(checker.ID), url.Values{"active": {"true"}}).status(t, http.StatusSeeOther)

	b.submit("/admin/users", url.Values{"email": {"not-an-email"}, "name": {"X"}, "role": {"checker"}, "password": {"long-enough-pw"}}).
		status(t, http.StatusUnprocessableEntity).has(t, "must be an email address", `value="X"`)
	b.submit("/admin/users", url.Values{"email": {"new@desk.test"}, "name": {"New Person"}, "role": {"editor"}, "password": {"long-enough-pw"}}).status(t, http.StatusSeeOther)
	b.submit("/admin/users", url.Values{"email": {"new@desk.test"}, "name": {"Again"}, "role": {"editor"}, "password": {"long-enough-pw"}}).
		status(t, http.StatusConflict).has(t, "already exists")
	b.get("/admin/users?done=user-created").has(t, "New Person", "User added.")

	b.submit("/admin/users/"+itoa(checker.ID), url.Values{"role": {"editor"}}).status(t, http.StatusSeeOther)
	if u, _ := env.App.Store.User(context.Background(), checker.ID); u.Role != models.RoleEditor {
		t.Errorf("role after change = %s", u.Role)
	}
	b.submit("/admin/users/"+itoa(admin.ID), url.Values{"role": {"viewer"}}).status(t, http.StatusConflict).has(t, "last active admin")
	b.submit("/admin/users/999999", url.Values{"role": {"viewer"}}).status(t, http.StatusNotFound)

	webSignIn(t, env, env.User(t, models.RoleEditor)).submit("/admin/users", url.Values{"email": {"x@y.test"}}).status(t, http.StatusForbidden)
}
