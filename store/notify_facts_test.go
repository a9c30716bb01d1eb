package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// The proposer the notification hook asks for is read with the claim's
// lock; it must be the answer the query would give, at every point of a
// claim's life (the newest transition a verify, a confirm after it, edits
// after a reopen).
func TestProposerBeforeReadWithTheLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var ana, ben, eva models.User
	var claim models.Claim
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		for i, u := range []*models.User{&ana, &ben, &eva} {
			*u = models.User{Email: fmt.Sprintf("p%d@test.factdesk.test", i), Name: fmt.Sprintf("P%d", i), Role: models.RoleEditor, Active: true}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		claim = models.Claim{Text: "Turnout rose.", State: models.StateNew, Priority: models.PriorityNormal, Language: "en", Version: 1, CreatedBy: ana.ID}
		return tx.CreateClaim(ctx, &claim)
	})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		entry models.HistoryEntry
		want  *int64
	}{
		{models.HistoryEntry{Kind: models.HistoryCreated, ActorID: &ana.ID, ToState: models.StateNew}, nil},
		{models.HistoryEntry{Kind: models.HistoryTransitioned, Action: models.ActionVerify, ActorID: &ana.ID, ToState: models.StateVerified}, &ana.ID},
		{models.HistoryEntry{Kind: models.HistoryTransitioned, Action: models.ActionConfirm, ActorID: &eva.ID, ToState: models.StateConfirmed}, &ana.ID},
		{models.HistoryEntry{Kind: models.HistoryTransitioned, Action: models.ActionReopen, ActorID: &ben.ID, ToState: models.StateVerifying}, &ana.ID},
		{models.HistoryEntry{Kind: models.HistoryUpdated, ActorID: &ben.ID}, &ana.ID},
		{models.HistoryEntry{Kind: models.HistoryTransitioned, Action: models.ActionDispute, ActorID: &ben.ID, ToState: models.StateDisputed}, &ben.ID},
	}
	for i, s := range steps {
		e := s.entry
		e.At = time.Now()
		err := st.WithTx(ctx, func(tx *store.Tx) error {
			c, err := tx.LockClaim(ctx, claim.ID)
			if err != nil {
				return err
			}
			return tx.AppendHistory(ctx, c, &e)
		})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		// The entry after this one asks who proposed before it.
		err = st.WithTx(ctx, func(tx *store.Tx) error {
			c, _, err := tx.LockClaimFacts(ctx, claim.ID)
			if err != nil {
				return err
			}
			withLock, err := tx.ProposerBefore(ctx, claim.ID, c.LastSeq+1)
			if err != nil {
				return err
			}
			queried, err := st.ProposerBefore(ctx, claim.ID, c.LastSeq+1)
			if err != nil {
				return err
			}
			if !sameID(withLock, s.want) || !sameID(queried, s.want) {
				t.Errorf("step %d (%s %s): ProposerBefore with the lock = %v, queried = %v, want %v", i, e.Kind, e.Action, deref(withLock), deref(queried), deref(s.want))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
}

// ActiveRecipients names every active user asked for, with the deliveries
// they chose, and leaves deactivated users out.
func TestActiveRecipients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	users := make([]models.User, 3)
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		for i := range users {
			users[i] = models.User{Email: fmt.Sprintf("r%d@test.factdesk.test", i), Name: fmt.Sprintf("R%d", i), Role: models.RoleChecker, Active: true}
			if err := tx.CreateUser(ctx, &users[i]); err != nil {
				return err
			}
		}
		if err := tx.SetNotificationPref(ctx, users[0].ID, models.NotifySentBack, models.DeliveryInstant); err != nil {
			return err
		}
		return tx.SetNotificationPref(ctx, users[0].ID, models.NotifyAssigned, models.DeliveryOff)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SQL().ExecContext(ctx, `UPDATE users SET active = false WHERE id = $1`, users[2].ID); err != nil {
		t.Fatal(err)
	}
	got, err := st.ActiveRecipients(ctx, []int64{users[0].ID, users[1].ID, users[2].ID, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("ActiveRecipients = %v, want the two active users", got)
	}
	if p := got[users[0].ID]; len(p) != 2 || p[models.NotifySentBack] != models.DeliveryInstant || p[models.NotifyAssigned] != models.DeliveryOff {
		t.Errorf("first user's deliveries = %v, want sent_back instant and assigned off", p)
	}
	if p, ok := got[users[1].ID]; !ok || len(p) != 0 {
		t.Errorf("second user = %v (present %v), want present with no choices", p, ok)
	}
}

func sameID(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// InsertActiveNotifications writes the rows of active recipients only, in
// one statement, and says how each of them wants mail.
func TestInsertActiveNotifications(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	users := make([]models.User, 3)
	var claim models.Claim
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		for i := range users {
			users[i] = models.User{Email: fmt.Sprintf("n%d@test.factdesk.test", i), Name: fmt.Sprintf("N%d", i), Role: models.RoleChecker, Active: true}
			if err := tx.CreateUser(ctx, &users[i]); err != nil {
				return err
			}
		}
		claim = models.Claim{Text: "Prices fell.", State: models.StateNew, Priority: models.PriorityNormal, Language: "en", Version: 1, CreatedBy: users[0].ID}
		if err := tx.CreateClaim(ctx, &claim); err != nil {
			return err
		}
		return tx.SetNotificationPref(ctx, users[1].ID, models.NotifySentBack, models.DeliveryInstant)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SQL().ExecContext(ctx, `UPDATE users SET active = false WHERE id = $1`, users[2].ID); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	seq := 3
	var rows []*models.Notification
	for i, u := range users {
		rows = append(rows, &models.Notification{RecipientID: u.ID, Kind: models.NotifySentBack, ClaimID: &claim.ID, ActorID: &users[0].ID, Seq: &seq,
			Payload: models.NotificationPayload{ClaimText: claim.Text, Comment: fmt.Sprint("note ", i)}, CreatedAt: at, UpdatedAt: at})
	}
	var prefs map[int64]map[models.NotificationKind]models.Delivery
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		prefs, err = tx.InsertActiveNotifications(ctx, rows)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].ID == 0 || rows[1].ID == 0 || rows[2].ID != 0 {
		t.Fatalf("ids = %d, %d, %d; want the two active recipients' rows stored and the deactivated one's not", rows[0].ID, rows[1].ID, rows[2].ID)
	}
	if len(prefs) != 2 || len(prefs[users[0].ID]) != 0 || prefs[users[1].ID][models.NotifySentBack] != models.DeliveryInstant {
		t.Errorf("deliveries = %v, want the first user's none and the second's sent_back instant", prefs)
	}
	for i, want := range rows[:2] {
		var got models.Notification
		if err := st.SQL().QueryRowContext(ctx, `SELECT recipient_id, kind, claim_id, actor_id, seq, payload, email, created_at FROM notifications WHERE id = $1`, want.ID).
			Scan(&got.RecipientID, &got.Kind, &got.ClaimID, &got.ActorID, &got.Seq, &got.Payload, &got.Email, &got.CreatedAt); err != nil {
			t.Fatal(err)
		}
		if got.RecipientID != want.RecipientID || got.Kind != want.Kind || *got.ClaimID != claim.ID || *got.ActorID != users[0].ID || *got.Seq != seq ||
			got.Payload.Comment != want.Payload.Comment || got.Payload.ClaimText != claim.Text || got.Email != "pending" || !got.CreatedAt.Equal(at) {
			t.Errorf("row %d = %+v, want %+v", i, got, want)
		}
	}
}
