package notify

import (
	"context"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// DefaultDelivery is how a kind is mailed until its recipient chooses:
// what someone must act on now (an assignment, a mention) comes at once,
// the rest in a daily digest.
func DefaultDelivery(k models.NotificationKind) models.Delivery {
	switch k {
	case models.NotifyAssigned, models.NotifyMentioned:
		return models.DeliveryInstant
	}
	return models.DeliveryDaily
}

func deliveryOf(prefs map[models.NotificationKind]models.Delivery, k models.NotificationKind) models.Delivery {
	if d, ok := prefs[k]; ok {
		return d
	}
	return DefaultDelivery(k)
}

// Prefs returns userID's delivery for every kind, defaults filled in.
func Prefs(ctx context.Context, st *store.Store, userID int64) (map[models.NotificationKind]models.Delivery, error) {
	all, err := st.NotificationPrefs(ctx, []int64{userID})
	if err != nil {
		return nil, err
	}
	out := make(map[models.NotificationKind]models.Delivery, len(models.NotificationKinds))
	for _, k := range models.NotificationKinds {
		out[k] = deliveryOf(all[userID], k)
	}
	return out, nil
}

// SetPrefs records userID's choices, one transaction for all of them.
// Unknown kinds or deliveries are EInvalid, naming the field at fault.
func SetPrefs(ctx context.Context, st *store.Store, userID int64, prefs map[models.NotificationKind]models.Delivery) error {
	var fields []models.FieldError
	for k, d := range prefs {
		if !k.Valid() {
			fields = append(fields, models.FieldError{Field: string(k), Message: "unknown notification kind"})
		} else if !d.Valid() {
			fields = append(fields, models.FieldError{Field: string(k), Message: "must be one of instant, hourly, daily, off"})
		}
	}
	if len(fields) > 0 {
		return models.Invalid("the notification settings are not valid", fields...)
	}
	return st.WithTx(ctx, func(tx *store.Tx) error {
		for k, d := range prefs {
			if err := tx.SetNotificationPref(ctx, userID, k, d); err != nil {
				return err
			}
		}
		return nil
	})
}
