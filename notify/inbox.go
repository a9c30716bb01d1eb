package notify

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Item is a notification as the inbox and GET /api/v1/notifications show
// it, newest first.
type Item struct {
	ID       int64                   `json:"id"`
	Kind     models.NotificationKind `json:"kind"`
	ClaimID  *int64                  `json:"claim_id"`
	ClaimIDs []int64                 `json:"claim_ids"`
	ActorID  *int64                  `json:"actor_id"`
	Actor    string                  `json:"actor,omitempty"`
	// Text is the sentence the inbox shows; Path the dashboard link to the
	// exact place.
	Text      string                     `json:"text"`
	Path      string                     `json:"path"`
	Read      bool                       `json:"read"`
	ReadAt    *time.Time                 `json:"read_at"`
	CreatedAt time.Time                  `json:"created_at"`
	Payload   models.NotificationPayload `json:"payload"`
}

// List is one page of userID's inbox (see store.NotificationFilter), with
// the actors' names.
func List(ctx context.Context, st *store.Store, f store.NotificationFilter) ([]Item, error) {
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, models.Invalid("unknown notification kind", models.FieldError{Field: "kind", Message: "must be one of " + kindList()})
	}
	ns, err := st.Notifications(ctx, f)
	if err != nil {
		return nil, err
	}
	// The recipient is loaded with the actors for their time zone.
	actorIDs := []int64{f.RecipientID}
	for _, n := range ns {
		if n.ActorID != nil {
			actorIDs = append(actorIDs, *n.ActorID)
		}
	}
	actors, err := st.UsersByID(ctx, actorIDs)
	if err != nil {
		return nil, err
	}
	loc := actors[f.RecipientID].Location()
	items := make([]Item, len(ns))
	for i := range ns {
		n := &ns[i]
		name := ""
		if n.ActorID != nil {
			name = actors[*n.ActorID].Name
		}
		items[i] = Item{
			ID: n.ID, Kind: n.Kind, ClaimID: n.ClaimID, ClaimIDs: n.ClaimIDs(), ActorID: n.ActorID, Actor: name,
			Text: Describe(n, name, loc), Path: Path(n), Read: n.Read(), ReadAt: n.ReadAt, CreatedAt: n.CreatedAt, Payload: n.Payload,
		}
		if items[i].ClaimIDs == nil {
			items[i].ClaimIDs = []int64{}
		}
	}
	return items, nil
}

func kindList() string {
	names := make([]string, len(models.NotificationKinds))
	for i, k := range models.NotificationKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// MarkRead marks userID's notifications among ids read, or all of them
// when ids is empty, in one transaction, and returns how many changed.
// Ids of other people's notifications are ignored.
func MarkRead(ctx context.Context, st *store.Store, userID int64, ids []int64, now time.Time) (int64, error) {
	var n int64
	err := st.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.MarkNotificationsRead(ctx, userID, ids, now)
		if err != nil || n == 0 {
			return err
		}
		// Other open dashboards of the same person update their badge.
		return tx.NotifyEach(ctx, Channel, []string{strconv.FormatInt(userID, 10)})
	})
	return n, err
}

// SetFollowing makes user follow the claim or stop following it. Every
// active user may follow any claim; a missing claim is not found.
func SetFollowing(ctx context.Context, st *store.Store, user *models.User, claimID int64, follow bool, now time.Time) error {
	if !user.Active {
		return models.Errorf(models.EForbidden, "your account is deactivated")
	}
	return st.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Claim(ctx, claimID); err != nil {
			return err
		}
		if follow {
			return tx.Follow(ctx, claimID, now, user.ID)
		}
		return tx.Unfollow(ctx, claimID, user.ID)
	})
}
