package notify

import (
	"fmt"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
)

// Describe says what a notification is about in one sentence, for the
// inbox and emails. actor is the actor's name ("" when there is none, as
// for the source watcher and the overdue sweep); a notification has one
// recipient, so times are written in loc, the recipient's zone
// (models.User.Location), with the zone's abbreviation.
func Describe(n *models.Notification, actor string, loc *time.Location) string {
	if actor == "" {
		actor = "Someone"
	}
	claims := n.ClaimIDs()
	what := "claim #" + idOf(n)
	if len(claims) > 1 {
		what = strconv.Itoa(len(claims)) + " claims"
	}
	p := n.Payload
	switch n.Kind {
	case models.NotifyAssigned:
		role := ""
		if p.Role != "" {
			role = " as " + string(p.Role)
		}
		return fmt.Sprintf("%s assigned you to %s%s", actor, what, role)
	case models.NotifyMentioned:
		return fmt.Sprintf("%s mentioned you on %s", actor, what)
	case models.NotifySentBack:
		return fmt.Sprintf("%s sent %s back to research", actor, what)
	case models.NotifyConfirmed:
		return fmt.Sprintf("%s confirmed %s", actor, what)
	case models.NotifyRejected:
		return fmt.Sprintf("%s rejected %s", actor, what)
	case models.NotifyReopened:
		return fmt.Sprintf("%s reopened %s for a correction", actor, what)
	case models.NotifySourceChanged:
		if len(claims) > 1 {
			return fmt.Sprintf("Sources changed on %s", what)
		}
		if p.Status == "gone" {
			return fmt.Sprintf("A source on %s vanished", what)
		}
		return fmt.Sprintf("A source on %s changed", what)
	case models.NotifyFollowedStateChanged:
		if p.FromState != "" && p.ToState != "" && len(claims) == 1 {
			return fmt.Sprintf("%s moved %s you follow from %s to %s", actor, what, p.FromState, p.ToState)
		}
		return fmt.Sprintf("%s changed %s you follow", actor, what)
	case models.NotifyOverdue:
		if p.DueAt != nil {
			return fmt.Sprintf("%s is overdue (due %s)", capital(what), p.DueAt.In(loc).Format("2 Jan 15:04 MST"))
		}
		return fmt.Sprintf("%s is overdue", capital(what))
	}
	return fmt.Sprintf("%s: %s", n.Kind.Label(), what)
}

func idOf(n *models.Notification) string {
	if n.ClaimID == nil {
		return "?"
	}
	return strconv.FormatInt(*n.ClaimID, 10)
}

func capital(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// Path is the dashboard path a notification links to: the exact place on
// the claim (the comment, the evidence, the history entry), or the inbox
// for a burst over several claims. The claim page gives those elements the
// ids comment-N, evidence-N and history-N.
func Path(n *models.Notification) string {
	if len(n.ClaimIDs()) != 1 {
		return "/notifications"
	}
	return ClaimPath(*n.ClaimID) + fragment(n)
}

// ClaimPath is the dashboard path of a claim.
func ClaimPath(id int64) string { return "/claims/" + strconv.FormatInt(id, 10) }

func fragment(n *models.Notification) string {
	switch {
	case n.Payload.CommentID != 0:
		return "#comment-" + strconv.FormatInt(n.Payload.CommentID, 10)
	case n.Payload.EvidenceID != 0:
		return "#evidence-" + strconv.FormatInt(n.Payload.EvidenceID, 10)
	case n.Seq != nil:
		return "#history-" + strconv.Itoa(*n.Seq)
	}
	return ""
}
