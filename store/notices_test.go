package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/store"
)

// Notifications queued on a transaction are sent once it commits, in the
// order queued, and never for a transaction that rolled back.
func TestNotifySendsAfterCommitOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	st, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	listener, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { listener.Close(context.Background()) })
	if _, err := listener.Exec(ctx, "LISTEN store_notices_test"); err != nil {
		t.Fatal(err)
	}

	refused := errors.New("rolled back on purpose")
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.Notify(ctx, "store_notices_test", "rolled back"); err != nil {
			return err
		}
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("WithTx = %v, want the refusal", err)
	}
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		for _, p := range []string{"first", "second"} {
			if err := tx.Notify(ctx, "store_notices_test", p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, want := range []string{"first", "second"} {
		n, err := listener.WaitForNotification(waitCtx)
		if err != nil {
			t.Fatalf("waiting for %q: %v", want, err)
		}
		if n.Payload != want {
			t.Fatalf("notification %q, want %q (the rolled-back one must never arrive)", n.Payload, want)
		}
	}
}
