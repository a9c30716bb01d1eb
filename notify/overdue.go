package notify

import (
	"context"
	"strconv"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// SweepOverdue writes one overdue notification to each active assignee of
// each open claim past its due time, and returns the new ones. It is
// idempotent: a claim notifies each assignee once per due time, so a
// periodic job may run it as often as it likes (every few minutes), and
// moving the due time later arms it again. enqueue, when set, queues the
// instant emails of those who want overdue notices instantly.
func SweepOverdue(ctx context.Context, st *store.Store, now time.Time, n *Notifier) ([]models.Notification, error) {
	var out []models.Notification
	err := st.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = tx.InsertOverdueNotifications(ctx, now); err != nil || len(out) == 0 {
			return err
		}
		ids := make([]int64, 0, len(out))
		for _, o := range out {
			ids = append(ids, o.RecipientID)
		}
		prefs, err := tx.NotificationPrefs(ctx, ids)
		if err != nil {
			return err
		}
		notified := map[int64]bool{}
		for _, o := range out {
			if !notified[o.RecipientID] {
				notified[o.RecipientID] = true
				if err := tx.Notify(ctx, Channel, strconv.FormatInt(o.RecipientID, 10)); err != nil {
					return err
				}
			}
			if n != nil && n.EnqueueInstant != nil && deliveryOf(prefs[o.RecipientID], o.Kind) == models.DeliveryInstant {
				if err := n.EnqueueInstant(ctx, tx, o.ID, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}
