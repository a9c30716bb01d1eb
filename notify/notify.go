// Package notify tells people what needs them. Its engine hook writes
// notifications in the transaction of the change that causes them (so a
// notification exists exactly when its change commits), keeps the claim's
// followers, resolves @mentions, and coalesces bursts; its Service mails
// them, one by one or as digests, through a job queue the caller supplies.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// Channel is the Postgres notification channel on which the hook announces
// "recipient N has new notifications" (the payload is N), so the dashboard
// can update the nav badge live. Postgres delivers it on commit.
const Channel = "factdesk_notifications"

// Defaults of Notifier.
const (
	// DefaultCoalesceWindow is how long a notification stays open to merge
	// with the next one of the same kind, recipient and actor. A bulk action
	// through the engine runs one transaction per claim, so its
	// notifications arrive within seconds of each other.
	DefaultCoalesceWindow = 5 * time.Minute
	// DefaultInstantDelay postpones an instant email so the rest of a burst
	// can merge into it first: ten bulk assignments send one email.
	DefaultInstantDelay = 30 * time.Second
)

// Notifier writes notifications from engine changes. The zero value works
// and mails nothing; set EnqueueInstant to mail instant notifications.
type Notifier struct {
	// CoalesceWindow and InstantDelay default to the constants above.
	CoalesceWindow time.Duration
	InstantDelay   time.Duration
	// EnqueueInstant, when set, queues the email of a new notification
	// whose recipient wants this kind instantly, in the change's own
	// transaction, to run at `at` (a River InsertTx with ScheduledAt, whose
	// worker calls Service.SendInstant).
	EnqueueInstant func(ctx context.Context, tx *store.Tx, notificationID int64, at time.Time) error
}

var defaultNotifier Notifier

// Hook is Notifier{}.Hook: notifications in the inbox, no email. Register
// it with workflow.Engine.OnChange, or a configured Notifier's Hook instead.
func Hook(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
	return defaultNotifier.Hook(ctx, tx, ch)
}

// note is one planned notification before the actor and inactive users are
// dropped.
type note struct {
	to      int64
	kind    models.NotificationKind
	payload models.NotificationPayload
}

// Hook is a workflow.Hook: it updates the claim's followers and writes the
// change's notifications. A comment mentioning someone who cannot be
// notified (unknown, deactivated) fails with EInvalid, which rolls the
// comment back and tells its author why.
func (n *Notifier) Hook(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
	c, e := ch.Claim, ch.Entry
	var follow []int64
	var notes []note
	base := models.NotificationPayload{ClaimText: shorten(c.Text, 200)}
	switch e.Kind {
	case models.HistoryCreated:
		follow = append(follow, c.CreatedBy)
	case models.HistoryAssigned:
		var d struct {
			UserID int64                 `json:"user_id"`
			Role   models.AssignmentRole `json:"role"`
		}
		if err := json.Unmarshal(e.Details, &d); err != nil || d.UserID == 0 {
			return fmt.Errorf("notify: assignment details of claim %d: %s", c.ID, e.Details)
		}
		p := base
		p.Role = d.Role
		notes = append(notes, note{d.UserID, models.NotifyAssigned, p})
		follow = append(follow, d.UserID)
	case models.HistoryCommentAdded:
		if ch.Comment == nil {
			break
		}
		if e.ActorID != nil {
			follow = append(follow, *e.ActorID)
		}
		mentioned, err := resolveMentions(ctx, tx, ch.Comment.Body)
		if err != nil {
			return err
		}
		p := base
		p.Comment, p.CommentID = shorten(ch.Comment.Body, 500), ch.Comment.ID
		for _, u := range mentioned {
			notes = append(notes, note{u.ID, models.NotifyMentioned, p})
		}
	case models.HistoryTransitioned:
		var err error
		if notes, err = transitionNotes(ctx, tx, c, e, base); err != nil {
			return err
		}
	case models.HistoryEvidenceChanged:
		p := base
		p.Comment = shorten(e.Comment, 500)
		to := append([]int64{c.CreatedBy}, assignees(c)...)
		if ev := ch.Evidence; ev != nil {
			p.EvidenceID, p.URL, p.Status = ev.ID, ev.URL, ev.Status
			to = append(to, ev.AddedBy)
		}
		followers, err := tx.Followers(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, u := range append(to, followers...) {
			notes = append(notes, note{u, models.NotifySourceChanged, p})
		}
	}
	if len(follow) > 0 {
		if err := tx.Follow(ctx, c.ID, e.At, follow...); err != nil {
			return err
		}
	}
	return n.write(ctx, tx, c, e, notes)
}

// transitionNotes: the people a transition is about get its specific kind
// (the proposer and the checkers hear of a send-back; creator, assignees
// and proposer of a confirm, reject or reopen); every other follower hears
// that the state changed.
func transitionNotes(ctx context.Context, tx *store.Tx, c *models.Claim, e *models.HistoryEntry, base models.NotificationPayload) ([]note, error) {
	p := base
	p.FromState, p.ToState, p.Action = e.FromState, e.ToState, e.Action
	p.Comment = shorten(e.Comment, 500)
	var kind models.NotificationKind
	var to []int64
	switch e.Action {
	case models.ActionSendBack, models.ActionConfirm, models.ActionReopen, models.ActionReject:
		proposer, err := tx.ProposerBefore(ctx, c.ID, e.Seq)
		if err != nil {
			return nil, err
		}
		if proposer != nil {
			to = append(to, *proposer)
		}
		switch e.Action {
		case models.ActionSendBack:
			kind = models.NotifySentBack
			for _, a := range c.Assignees {
				if a.Role == models.AssignChecker {
					to = append(to, a.UserID)
				}
			}
		case models.ActionConfirm:
			kind = models.NotifyConfirmed
		case models.ActionReopen:
			kind = models.NotifyReopened
		case models.ActionReject:
			kind = models.NotifyRejected
		}
		if kind != models.NotifySentBack {
			to = append(to, c.CreatedBy)
			to = append(to, assignees(c)...)
		}
	}
	var notes []note
	for _, u := range to {
		notes = append(notes, note{u, kind, p})
	}
	followers, err := tx.Followers(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, u := range followers {
		notes = append(notes, note{u, models.NotifyFollowedStateChanged, p})
	}
	return notes, nil
}

// write drops the actor, inactive users and repeats (a person gets the
// first, most specific, note planned for them), then inserts each note or
// merges it into a recent one.
func (n *Notifier) write(ctx context.Context, tx *store.Tx, c *models.Claim, e *models.HistoryEntry, notes []note) error {
	seen := map[int64]bool{}
	var keep []note
	var ids []int64
	for _, nt := range notes {
		if seen[nt.to] || (e.ActorID != nil && nt.to == *e.ActorID) {
			continue
		}
		seen[nt.to] = true
		keep = append(keep, nt)
		ids = append(ids, nt.to)
	}
	if len(keep) == 0 {
		return nil
	}
	claimID, seq := c.ID, e.Seq
	newRow := func(nt note) *models.Notification {
		return &models.Notification{
			RecipientID: nt.to, Kind: nt.kind, ClaimID: &claimID, ActorID: e.ActorID, Seq: &seq,
			Payload: nt.payload, CreatedAt: e.At, UpdatedAt: e.At,
		}
	}
	if !slices.ContainsFunc(keep, func(nt note) bool { return coalesces(nt.kind) }) {
		// Nothing can merge into an earlier notification, so who is
		// active and the insert are one statement.
		rows := make([]*models.Notification, len(keep))
		for i, nt := range keep {
			rows[i] = newRow(nt)
		}
		prefs, err := tx.InsertActiveNotifications(ctx, rows)
		if err != nil {
			return err
		}
		return n.announce(ctx, tx, slices.DeleteFunc(rows, func(r *models.Notification) bool { return r.ID == 0 }), prefs, e)
	}
	// prefs has an entry for every active recipient.
	prefs, err := tx.ActiveRecipients(ctx, ids)
	if err != nil {
		return err
	}
	window := n.CoalesceWindow
	if window <= 0 {
		window = DefaultCoalesceWindow
	}
	var live []note
	var liveIDs []int64
	var kinds []models.NotificationKind
	for _, nt := range keep {
		if _, ok := prefs[nt.to]; ok {
			live = append(live, nt)
			liveIDs = append(liveIDs, nt.to)
			if coalesces(nt.kind) && !slices.Contains(kinds, nt.kind) {
				kinds = append(kinds, nt.kind)
			}
		}
	}
	// One query finds every open notification this change may merge into.
	candidates, err := tx.CoalesceTargets(ctx, liveIDs, kinds, e.ActorID, e.At.Add(-window))
	if err != nil {
		return err
	}
	type slot struct {
		to   int64
		kind models.NotificationKind
	}
	targets := map[slot]*models.Notification{}
	for i := range candidates {
		k := slot{candidates[i].RecipientID, candidates[i].Kind}
		if targets[k] == nil {
			targets[k] = &candidates[i]
		}
	}
	var rows []*models.Notification
	for _, nt := range live {
		if prev := targets[slot{nt.to, nt.kind}]; prev != nil && coalesces(nt.kind) {
			if err := merge(ctx, tx, prev, nt, e, claimID, seq); err != nil {
				return err
			}
			continue
		}
		rows = append(rows, newRow(nt))
	}
	if err := tx.InsertNotifications(ctx, rows); err != nil {
		return err
	}
	return n.announce(ctx, tx, rows, prefs, e)
}

// announce tells the recipients' badges of the new rows and queues the
// email of those whose recipient wants their kind instantly.
func (n *Notifier) announce(ctx context.Context, tx *store.Tx, rows []*models.Notification, prefs map[int64]map[models.NotificationKind]models.Delivery, e *models.HistoryEntry) error {
	delay := n.InstantDelay
	if delay <= 0 {
		delay = DefaultInstantDelay
	}
	badges := make([]string, len(rows))
	for i, row := range rows {
		badges[i] = strconv.FormatInt(row.RecipientID, 10)
	}
	if err := tx.NotifyEach(ctx, Channel, badges); err != nil {
		return err
	}
	if n.EnqueueInstant == nil {
		return nil
	}
	for _, row := range rows {
		if deliveryOf(prefs[row.RecipientID], row.Kind) == models.DeliveryInstant {
			if err := n.EnqueueInstant(ctx, tx, row.ID, e.At.Add(delay)); err != nil {
				return fmt.Errorf("notify: queue email of notification %d: %w", row.ID, err)
			}
		}
	}
	return nil
}

// coalesces reports whether bursts of kind merge. A mention or a send-back
// carries its own comment, so each stays on its own.
func coalesces(k models.NotificationKind) bool {
	return k != models.NotifyMentioned && k != models.NotifySentBack && k != models.NotifyOverdue
}

// merge folds nt into prev, the recipient's open notification of the same
// kind by the same actor: another claim joins its list; the same claim
// again moves its state forward.
func merge(ctx context.Context, tx *store.Tx, prev *models.Notification, nt note, e *models.HistoryEntry, claimID int64, seq int) error {
	claims := prev.ClaimIDs()
	if len(claims) == 1 && claims[0] == claimID {
		// The same claim again (started, then proposed): keep one line
		// that reads from the first state to the latest.
		prev.Payload.ToState, prev.Payload.Action = nt.payload.ToState, nt.payload.Action
		if nt.payload.Comment != "" {
			prev.Payload.Comment = nt.payload.Comment
		}
		prev.Seq = &seq
	} else {
		if slices.Contains(claims, claimID) {
			return nil
		}
		prev.Payload.Claims = append(claims, claimID)
	}
	prev.UpdatedAt = e.At
	return tx.UpdateNotification(ctx, prev)
}

func assignees(c *models.Claim) []int64 {
	ids := make([]int64, len(c.Assignees))
	for i, a := range c.Assignees {
		ids[i] = a.UserID
	}
	return ids
}

// shorten cuts s to n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
