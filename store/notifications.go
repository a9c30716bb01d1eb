package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// Follow makes each user follow the claim; following twice is a no-op.
func (tx *Tx) Follow(ctx context.Context, claimID int64, at time.Time, userIDs ...int64) error {
	if len(userIDs) == 0 {
		return nil
	}
	delete(tx.followers, claimID)
	err := tx.db.WithContext(ctx).Exec(`INSERT INTO claim_follows (claim_id, user_id, created_at)
		SELECT ?, u, ? FROM unnest(?::bigint[]) AS u ON CONFLICT DO NOTHING`, claimID, at, models.Int64Array(userIDs)).Error
	if err != nil {
		return fmt.Errorf("store: follow claim %d: %w", claimID, err)
	}
	return nil
}

// Unfollow stops userID following the claim; not following is a no-op.
func (tx *Tx) Unfollow(ctx context.Context, claimID, userID int64) error {
	delete(tx.followers, claimID)
	if err := tx.db.WithContext(ctx).Exec(`DELETE FROM claim_follows WHERE claim_id = ? AND user_id = ?`, claimID, userID).Error; err != nil {
		return fmt.Errorf("store: unfollow claim %d: %w", claimID, err)
	}
	return nil
}

// Followers lists the users following a claim. Inside a transaction that
// locked the claim, the list read with the lock is used.
func (tx *Tx) Followers(ctx context.Context, claimID int64) ([]int64, error) {
	if ids, ok := tx.followers[claimID]; ok {
		return slices.Clone(ids), nil
	}
	return tx.queries.Followers(ctx, claimID)
}

// Followers lists the users following a claim.
func (q queries) Followers(ctx context.Context, claimID int64) ([]int64, error) {
	var ids []int64
	if err := q.db.WithContext(ctx).Raw(`SELECT user_id FROM claim_follows WHERE claim_id = ? ORDER BY user_id`, claimID).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("store: followers of claim %d: %w", claimID, err)
	}
	return ids, nil
}

// IsFollowing reports whether userID follows the claim.
func (q queries) IsFollowing(ctx context.Context, claimID, userID int64) (bool, error) {
	var n int64
	err := q.db.WithContext(ctx).Raw(`SELECT count(*) FROM claim_follows WHERE claim_id = ? AND user_id = ?`, claimID, userID).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("store: following claim %d: %w", claimID, err)
	}
	return n > 0, nil
}

// InsertActiveNotifications stores, in one statement, those of ns whose
// recipient is an active user, filling their ids (the others keep id 0),
// and returns the deliveries each of those recipients chose by kind: the
// notification hook's lookup of who may be told and its insert in one
// round trip, for a change none of whose notifications merge into an
// earlier one. ns must share claim, actor, seq and time, and name each
// recipient once.
func (tx *Tx) InsertActiveNotifications(ctx context.Context, ns []*models.Notification) (map[int64]map[models.NotificationKind]models.Delivery, error) {
	out := map[int64]map[models.NotificationKind]models.Delivery{}
	if len(ns) == 0 {
		return out, nil
	}
	first := ns[0]
	recipients := make(models.Int64Array, len(ns))
	kinds := make(models.StringArray, len(ns))
	payloads := make(models.StringArray, len(ns))
	byRecipient := make(map[int64]*models.Notification, len(ns))
	for i, n := range ns {
		raw, err := json.Marshal(n.Payload)
		if err != nil {
			return nil, fmt.Errorf("store: notification payload: %w", err)
		}
		recipients[i], kinds[i], payloads[i] = n.RecipientID, string(n.Kind), string(raw)
		byRecipient[n.RecipientID] = n
	}
	rows, err := tx.conn(ctx).QueryContext(ctx, `WITH r AS (
			SELECT u.id, coalesce(jsonb_object_agg(p.kind, p.delivery) FILTER (WHERE p.kind IS NOT NULL), '{}') AS prefs
			FROM users u LEFT JOIN notification_prefs p ON p.user_id = u.id
			WHERE u.id = ANY($1::bigint[]) AND u.active
			GROUP BY u.id
		), ins AS (
			INSERT INTO notifications (recipient_id, kind, claim_id, actor_id, seq, payload, email, created_at, updated_at)
			SELECT n.recipient_id, n.kind, $4, $5, $6, n.payload::jsonb, 'pending', $7, $7
			FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS n(recipient_id, kind, payload, ord)
			JOIN r ON r.id = n.recipient_id
			ORDER BY n.ord
			RETURNING id, recipient_id
		)
		SELECT ins.id, ins.recipient_id, r.prefs FROM ins JOIN r ON r.id = ins.recipient_id`,
		recipients, kinds, payloads, first.ClaimID, first.ActorID, first.Seq, first.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("store: insert notifications: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, recipient int64
		var prefs []byte
		if err := rows.Scan(&id, &recipient, &prefs); err != nil {
			return nil, fmt.Errorf("store: insert notifications: %w", err)
		}
		p := map[models.NotificationKind]models.Delivery{}
		if err := json.Unmarshal(prefs, &p); err != nil {
			return nil, fmt.Errorf("store: deliveries of user %d: %w", recipient, err)
		}
		out[recipient] = p
		if n := byRecipient[recipient]; n != nil {
			n.ID, n.Email = id, "pending"
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: insert notifications: %w", err)
	}
	return out, nil
}

// ActiveRecipients returns, for each active user among ids, the
// deliveries they chose by kind (empty when they chose none): who may be
// notified and how, in one statement.
func (q queries) ActiveRecipients(ctx context.Context, ids []int64) (map[int64]map[models.NotificationKind]models.Delivery, error) {
	out := map[int64]map[models.NotificationKind]models.Delivery{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID       int64
		Kind     *models.NotificationKind
		Delivery *models.Delivery
	}
	err := q.db.WithContext(ctx).Raw(`SELECT u.id, p.kind, p.delivery FROM users u
		LEFT JOIN notification_prefs p ON p.user_id = u.id
		WHERE u.id IN ? AND u.active`, ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: notification recipients: %w", err)
	}
	for _, r := range rows {
		if out[r.ID] == nil {
			out[r.ID] = map[models.NotificationKind]models.Delivery{}
		}
		if r.Kind != nil && r.Delivery != nil {
			out[r.ID][*r.Kind] = *r.Delivery
		}
	}
	return out, nil
}

// ProposerBefore is the user who proposed the claim's verdict standing
// before history entry seq (the newest verify or dispute before it), or nil.
// When the claim was locked with its rule facts and seq is the entry written
// after that, the answer was read with the lock.
func (tx *Tx) ProposerBefore(ctx context.Context, claimID int64, seq int) (*int64, error) {
	if p, ok := tx.proposers[claimID]; ok && p.before == seq {
		return p.actor, nil
	}
	return tx.queries.ProposerBefore(ctx, claimID, seq)
}

// ProposerBefore reads who proposed the verdict standing before entry seq.
func (q queries) ProposerBefore(ctx context.Context, claimID int64, seq int) (*int64, error) {
	var ids []int64
	err := q.db.WithContext(ctx).Raw(`SELECT actor_id FROM claim_history
		WHERE claim_id = ? AND seq < ? AND kind = 'transitioned' AND action IN ('verify', 'dispute') AND actor_id IS NOT NULL
		ORDER BY seq DESC LIMIT 1`, claimID, seq).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: proposer of claim %d: %w", claimID, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return &ids[0], nil
}

// NotificationPrefs returns the deliveries each user chose, by user and
// kind; kinds without a row are absent (the caller applies the default).
func (q queries) NotificationPrefs(ctx context.Context, userIDs []int64) (map[int64]map[models.NotificationKind]models.Delivery, error) {
	out := map[int64]map[models.NotificationKind]models.Delivery{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rows []models.NotificationPref
	if err := q.db.WithContext(ctx).Where("user_id IN ?", userIDs).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: notification prefs: %w", err)
	}
	for _, r := range rows {
		if out[r.UserID] == nil {
			out[r.UserID] = map[models.NotificationKind]models.Delivery{}
		}
		out[r.UserID][r.Kind] = r.Delivery
	}
	return out, nil
}

// SetNotificationPref records how userID wants kind delivered.
func (tx *Tx) SetNotificationPref(ctx context.Context, userID int64, kind models.NotificationKind, d models.Delivery) error {
	err := tx.db.WithContext(ctx).Exec(`INSERT INTO notification_prefs (user_id, kind, delivery) VALUES (?, ?, ?)
		ON CONFLICT (user_id, kind) DO UPDATE SET delivery = excluded.delivery`, userID, kind, d).Error
	if err != nil {
		return fmt.Errorf("store: set notification pref: %w", err)
	}
	return nil
}

// InsertNotifications stores notifications in one statement and fills
// their ids.
func (tx *Tx) InsertNotifications(ctx context.Context, ns []*models.Notification) error {
	if len(ns) == 0 {
		return nil
	}
	for _, n := range ns {
		if n.Email == "" {
			n.Email = "pending"
		}
	}
	if err := tx.db.WithContext(ctx).CreateInBatches(ns, 500).Error; err != nil {
		return fmt.Errorf("store: insert notifications: %w", err)
	}
	return nil
}

// CoalesceTargets finds, and locks, the notifications new ones of kinds to
// recipients by actorID may merge into: for each recipient and kind, the
// newest that is unread, not yet emailed and created at or after since.
// Rows locked by another transaction (a change committing beside this one,
// or a mail job sending it) are passed over for the next newest, so the
// caller inserts a new one only when every open one is taken: at most one
// row per recipient and kind is read and locked, and a burst keeps no more
// open notifications than it has changes in flight.
func (tx *Tx) CoalesceTargets(ctx context.Context, recipients []int64, kinds []models.NotificationKind, actorID *int64, since time.Time) ([]models.Notification, error) {
	var ns []models.Notification
	if len(recipients) == 0 || len(kinds) == 0 {
		return ns, nil
	}
	names := make(models.StringArray, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	err := tx.db.WithContext(ctx).Raw(`SELECT n.* FROM unnest(?::bigint[]) AS r(id) CROSS JOIN unnest(?::text[]) AS k(kind)
		CROSS JOIN LATERAL (SELECT * FROM notifications
			WHERE recipient_id = r.id AND kind = k.kind AND actor_id IS NOT DISTINCT FROM ? AND read_at IS NULL
			  AND email = 'pending' AND created_at >= ? AND dedupe_key IS NULL
			ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED) AS n`,
		models.Int64Array(recipients), names, actorID, since).Scan(&ns).Error
	if err != nil {
		return nil, fmt.Errorf("store: coalesce notifications: %w", err)
	}
	return ns, nil
}

// NotifyEach queues one Postgres notification on channel per payload, in
// one statement; they are delivered when the transaction commits.
func (tx *Tx) NotifyEach(ctx context.Context, channel string, payloads []string) error {
	for _, p := range payloads {
		if err := tx.Notify(ctx, channel, p); err != nil {
			return err
		}
	}
	return nil
}

// UpdateNotification rewrites a notification's payload and seq (a burst
// merged into it).
func (tx *Tx) UpdateNotification(ctx context.Context, n *models.Notification) error {
	err := tx.db.WithContext(ctx).Exec(`UPDATE notifications SET payload = ?, seq = ?, updated_at = ? WHERE id = ?`,
		n.Payload, n.Seq, n.UpdatedAt, n.ID).Error
	if err != nil {
		return fmt.Errorf("store: update notification %d: %w", n.ID, err)
	}
	return nil
}

// NotificationFilter selects a page of one person's inbox.
type NotificationFilter struct {
	RecipientID int64
	// Kind, when set, keeps that kind only; Unread keeps unread ones only.
	Kind   models.NotificationKind
	Unread bool
	// Before, when set, continues a listing below that id.
	Before int64
	// Limit defaults to 50 and is capped at 200.
	Limit int
}

// Notifications lists one person's notifications, newest first.
func (q queries) Notifications(ctx context.Context, f NotificationFilter) ([]models.Notification, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	db := q.db.WithContext(ctx).Where("recipient_id = ?", f.RecipientID)
	if f.Kind != "" {
		db = db.Where("kind = ?", f.Kind)
	}
	if f.Unread {
		db = db.Where("read_at IS NULL")
	}
	if f.Before > 0 {
		db = db.Where("id < ?", f.Before)
	}
	ns := []models.Notification{}
	if err := db.Order("id DESC").Limit(f.Limit).Find(&ns).Error; err != nil {
		return nil, fmt.Errorf("store: notifications: %w", err)
	}
	return ns, nil
}

// Notification loads one notification of recipientID; another person's is
// not found.
func (q queries) Notification(ctx context.Context, recipientID, id int64) (*models.Notification, error) {
	var n models.Notification
	if err := q.db.WithContext(ctx).Where("recipient_id = ?", recipientID).First(&n, id).Error; err != nil {
		return nil, fmt.Errorf("store: notification %d: %w", id, notFound(err, "notification", id))
	}
	return &n, nil
}

// UnreadNotifications counts one person's unread notifications, for the
// nav badge.
func (q queries) UnreadNotifications(ctx context.Context, recipientID int64) (int64, error) {
	var n int64
	err := q.db.WithContext(ctx).Model(&models.Notification{}).Where("recipient_id = ? AND read_at IS NULL", recipientID).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("store: unread notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationsRead marks recipientID's notifications among ids read,
// or all of them when ids is empty, and returns how many changed.
// Another person's ids are ignored.
func (tx *Tx) MarkNotificationsRead(ctx context.Context, recipientID int64, ids []int64, at time.Time) (int64, error) {
	db := tx.db.WithContext(ctx).Model(&models.Notification{}).Where("recipient_id = ? AND read_at IS NULL", recipientID)
	if len(ids) > 0 {
		db = db.Where("id IN ?", ids)
	}
	res := db.Updates(map[string]any{"read_at": at, "updated_at": at})
	if res.Error != nil {
		return 0, fmt.Errorf("store: mark notifications read: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// InsertOverdueNotifications writes one overdue notification for each
// active assignee of each open claim due before now, once per claim, user
// and due time (a new due time that passes notifies again). It returns the
// rows written.
func (tx *Tx) InsertOverdueNotifications(ctx context.Context, now time.Time) ([]models.Notification, error) {
	var ns []models.Notification
	err := tx.db.WithContext(ctx).Raw(`INSERT INTO notifications (recipient_id, kind, claim_id, payload, dedupe_key, created_at, updated_at)
		SELECT a.user_id, 'overdue', c.id,
		       jsonb_build_object('claim_text', left(c.text, 200), 'due_at', c.due_at, 'to_state', c.state),
		       'overdue:' || c.id || ':' || floor(extract(epoch FROM c.due_at))::bigint, ?, ?
		FROM claims c
		JOIN claim_assignments a ON a.claim_id = c.id
		JOIN users u ON u.id = a.user_id AND u.active
		WHERE c.due_at < ? AND c.state NOT IN ('confirmed', 'rejected')
		ORDER BY c.id, a.user_id
		ON CONFLICT (recipient_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
		RETURNING *`, now, now, now).Scan(&ns).Error
	if err != nil {
		return nil, fmt.Errorf("store: overdue notifications: %w", err)
	}
	return ns, nil
}

// LockNotificationForEmail loads a notification and its recipient, locking
// the notification so a burst cannot merge into it while it is mailed.
func (tx *Tx) LockNotificationForEmail(ctx context.Context, id int64) (*models.Notification, *models.User, error) {
	var n models.Notification
	if err := tx.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).First(&n, id).Error; err != nil {
		return nil, nil, fmt.Errorf("store: notification %d: %w", id, notFound(err, "notification", id))
	}
	u, err := tx.User(ctx, n.RecipientID)
	if err != nil {
		return nil, nil, err
	}
	return &n, u, nil
}

// SetNotificationsEmail records the email outcome (sent or skipped) of
// notifications.
func (tx *Tx) SetNotificationsEmail(ctx context.Context, ids []int64, state string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	var emailedAt any
	if state == "sent" {
		emailedAt = at
	}
	err := tx.db.WithContext(ctx).Exec(`UPDATE notifications SET email = ?, emailed_at = ? WHERE id IN ?`, state, emailedAt, ids).Error
	if err != nil {
		return fmt.Errorf("store: notifications email %s: %w", state, err)
	}
	return nil
}

// UsersWithPendingEmail lists the recipients of notifications created
// before `before` whose email is still pending.
func (q queries) UsersWithPendingEmail(ctx context.Context, before time.Time) ([]int64, error) {
	var ids []int64
	err := q.db.WithContext(ctx).Raw(`SELECT DISTINCT recipient_id FROM notifications
		WHERE email = 'pending' AND created_at < ? ORDER BY recipient_id`, before).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: users with pending email: %w", err)
	}
	return ids, nil
}

// LockPendingEmail loads, and locks, a recipient's notifications created
// before `before` whose email is pending, oldest first. Rows another job
// holds are skipped.
func (tx *Tx) LockPendingEmail(ctx context.Context, recipientID int64, before time.Time) ([]models.Notification, error) {
	var ns []models.Notification
	err := tx.db.WithContext(ctx).Raw(`SELECT * FROM notifications
		WHERE recipient_id = ? AND email = 'pending' AND created_at < ?
		ORDER BY id FOR UPDATE SKIP LOCKED`, recipientID, before).Scan(&ns).Error
	if err != nil {
		return nil, fmt.Errorf("store: pending email of user %d: %w", recipientID, err)
	}
	return ns, nil
}

// ClaimSummaries loads the id, text and state of claims, by id.
func (q queries) ClaimSummaries(ctx context.Context, ids []int64) (map[int64]models.Claim, error) {
	out := map[int64]models.Claim{}
	if len(ids) == 0 {
		return out, nil
	}
	var cs []models.Claim
	if err := q.db.WithContext(ctx).Select("id", "text", "state", "verdict", "due_at").Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("store: claim summaries: %w", err)
	}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}

// UsersByID loads users among ids, deactivated ones included, by id.
func (q queries) UsersByID(ctx context.Context, ids []int64) (map[int64]models.User, error) {
	out := map[int64]models.User{}
	if len(ids) == 0 {
		return out, nil
	}
	var us []models.User
	if err := q.db.WithContext(ctx).Where("id IN ?", ids).Find(&us).Error; err != nil {
		return nil, fmt.Errorf("store: users by id: %w", err)
	}
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}
