package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// desk is a database, an engine with the notification hook registered, and
// a few people.
type desk struct {
	st       *store.Store
	eng      *workflow.Engine
	notifier *notify.Notifier
	// Ed and Eva are editors; Kim and Ana checkers; Vic a viewer; Dan is
	// deactivated.
	ed, eva, kim, ana, vic, dan *models.User

	mu       sync.Mutex
	enqueued []int64
}

func setup(t *testing.T) (*desk, context.Context) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &desk{st: st, eng: workflow.NewEngine(st)}
	d.notifier = &notify.Notifier{EnqueueInstant: func(_ context.Context, _ *store.Tx, id int64, _ time.Time) error {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.enqueued = append(d.enqueued, id)
		return nil
	}}
	d.eng.OnChange(d.notifier.Hook)
	mk := func(email, name string, role models.Role, active bool) *models.User {
		u := &models.User{Email: email, Name: name, Role: role, Active: active}
		if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		return u
	}
	d.ed = mk("ed@desk.test", "Ed Editor", models.RoleEditor, true)
	d.eva = mk("eva@desk.test", "Eva Editor", models.RoleEditor, true)
	d.kim = mk("kim@desk.test", "Kim Checker", models.RoleChecker, true)
	d.ana = mk("Ana.Lima@desk.test", "Ana Lima", models.RoleChecker, true)
	d.vic = mk("vic@desk.test", "Vic Viewer", models.RoleViewer, true)
	d.dan = mk("dan@desk.test", "Dan Gone", models.RoleChecker, false)
	return d, ctx
}

func (d *desk) takeEnqueued() []int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.enqueued
	d.enqueued = nil
	return out
}

func (d *desk) claim(t *testing.T, by *models.User, text string) *models.Claim {
	t.Helper()
	c, err := d.eng.CreateClaim(context.Background(), by, workflow.NewClaim{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (d *desk) assign(t *testing.T, by *models.User, c *models.Claim, to *models.User) *models.Claim {
	t.Helper()
	c, err := d.eng.Assign(context.Background(), by, c.ID, workflow.AssignRequest{UserID: to.ID})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (d *desk) apply(t *testing.T, by *models.User, c *models.Claim, r workflow.Request) *models.Claim {
	t.Helper()
	r.Version = c.Version
	c, err := d.eng.Apply(context.Background(), by, c.ID, r)
	if err != nil {
		t.Fatalf("%s %s: %v", by.Name, r.Action, err)
	}
	return c
}

func (d *desk) evidence(t *testing.T, by *models.User, c *models.Claim, stance models.Stance) *models.Evidence {
	t.Helper()
	ev, err := d.eng.AddEvidence(context.Background(), by, c.ID, workflow.NewEvidence{URL: "https://stats.example.org/report", Stance: stance})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (d *desk) comment(t *testing.T, by *models.User, c *models.Claim, body string) *models.Comment {
	t.Helper()
	cm, err := d.eng.AddComment(context.Background(), by, c.ID, body)
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// inbox is u's notifications, newest first.
func (d *desk) inbox(t *testing.T, u *models.User) []models.Notification {
	t.Helper()
	ns, err := d.st.Notifications(context.Background(), store.NotificationFilter{RecipientID: u.ID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// only returns u's notifications of kind, failing unless there are want.
func (d *desk) only(t *testing.T, u *models.User, kind models.NotificationKind, want int) []models.Notification {
	t.Helper()
	var out []models.Notification
	for _, n := range d.inbox(t, u) {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	if len(out) != want {
		t.Fatalf("%s has %d %s notifications, want %d: %+v", u.Name, len(out), kind, want, out)
	}
	return out
}

// kinds lists u's notification kinds, oldest first.
func (d *desk) kinds(t *testing.T, u *models.User) []models.NotificationKind {
	t.Helper()
	ns := d.inbox(t, u)
	out := make([]models.NotificationKind, len(ns))
	for i := range ns {
		out[len(ns)-1-i] = ns[i].Kind
	}
	return out
}
