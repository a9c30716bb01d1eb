package webhooks

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/factdesk/factdesk/events"
)

// chatMessage is what every chat format says about one event: who did
// what to which claim, the state change, the claim's text, the comment and
// a link to the claim. Each format renders it in its own markup.
type chatMessage struct {
	// Plain, when set, is the whole message (pings, disabled endpoints).
	Plain string
	// Actor did Verb ("confirmed") to claim ClaimID, at ClaimURL when the
	// dashboard's address is known.
	Actor    string
	Verb     string
	ClaimID  int64
	ClaimURL string
	// From and To are the states of a transition; Verdict is set when the
	// event is about one.
	From, To  string
	Verdict   string
	ClaimText string
	Claimant  string
	// Comment is the comment posted, or the reason given for a transition.
	Comment string
	// Source is the evidence URL of evidence events.
	Source string
}

// readChat reads an event envelope into a chatMessage. dashboardURL is the
// dashboard's absolute base, or "" when unknown (then there is no link).
func readChat(payload, dashboardURL string) (chatMessage, error) {
	var env struct {
		ID   string          `json:"id"`
		Type events.Type     `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(payload), &env); err != nil {
		return chatMessage{}, fmt.Errorf("webhooks: chat format: read envelope: %w", err)
	}
	t := env.Type
	switch {
	case t == events.WebhookPing:
		return chatMessage{Plain: "factdesk test message: this webhook is connected."}, nil
	case t == events.WebhookDisabled:
		var d struct {
			Webhook struct {
				ID  int64  `json:"id"`
				URL string `json:"url"`
			} `json:"webhook"`
			Reason string `json:"reason"`
		}
		json.Unmarshal(env.Data, &d)
		return chatMessage{Plain: fmt.Sprintf("factdesk disabled webhook #%d (%s): %s.", d.Webhook.ID, d.Webhook.URL, d.Reason)}, nil
	case strings.HasPrefix(string(t), "claim.") || t == events.EvidenceChanged:
		var d struct {
			Claim struct {
				ID       int64  `json:"id"`
				Text     string `json:"text"`
				Claimant string `json:"claimant"`
				Verdict  string `json:"verdict"`
			} `json:"claim"`
			ActorID *int64 `json:"actor_id"`
			Actor   *struct {
				Name string `json:"name"`
			} `json:"actor"`
			Action    string `json:"action"`
			FromState string `json:"from_state"`
			ToState   string `json:"to_state"`
			Comment   string `json:"comment"`
			Evidence  *struct {
				URL string `json:"url"`
			} `json:"evidence"`
		}
		json.Unmarshal(env.Data, &d)
		m := chatMessage{
			Verb: verb(t, d.Action), ClaimID: d.Claim.ID, From: d.FromState, To: d.ToState,
			ClaimText: shorten(d.Claim.Text, 300), Claimant: shorten(d.Claim.Claimant, 100), Comment: shorten(d.Comment, 500),
		}
		switch {
		case d.Actor != nil && d.Actor.Name != "":
			m.Actor = d.Actor.Name
		case d.ActorID != nil:
			m.Actor = "User #" + strconv.FormatInt(*d.ActorID, 10)
		case t == events.EvidenceChanged:
			m.Actor = "The source watcher"
		default:
			m.Actor = "factdesk"
		}
		if t == events.ClaimConfirmed || t == events.ClaimDisputed || d.Action == "verify" || d.Action == "dispute" || d.Action == "confirm" {
			m.Verdict = d.Claim.Verdict
		}
		if d.Evidence != nil {
			m.Source = d.Evidence.URL
		}
		if dashboardURL != "" && d.Claim.ID != 0 {
			m.ClaimURL = strings.TrimRight(dashboardURL, "/") + "/claims/" + strconv.FormatInt(d.Claim.ID, 10)
		}
		return m, nil
	}
	return chatMessage{Plain: fmt.Sprintf("factdesk event %s.", t)}, nil
}

// slackBody turns an event envelope into {"text": "..."}, a message a
// Slack incoming webhook (and Mattermost, Rocket.Chat) displays as is.
func slackBody(payload, dashboardURL string) ([]byte, error) {
	m, err := readChat(payload, dashboardURL)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]string{"text": slackText(m)})
}

// slackText is the message in Slack's mrkdwn:
//
//	*Ana Lima* confirmed <https://desk/claims/12|claim #12> · disputed → confirmed · verdict: false
//	> The unemployment rate halved since 2020. (Minister)
//	Comment: Two series agree.
func slackText(m chatMessage) string {
	if m.Plain != "" {
		return m.Plain
	}
	var b strings.Builder
	claim := fmt.Sprintf("claim #%d", m.ClaimID)
	if m.ClaimURL != "" {
		// The URL is ours; only | and > could break the link syntax.
		claim = "<" + strings.NewReplacer("|", "%7C", ">", "%3E").Replace(m.ClaimURL) + "|" + claim + ">"
	}
	fmt.Fprintf(&b, "*%s* %s %s", slackEscape(m.Actor), slackEscape(m.Verb), claim)
	if m.From != "" && m.To != "" {
		fmt.Fprintf(&b, " · %s → %s", m.From, m.To)
	}
	if m.Verdict != "" {
		fmt.Fprintf(&b, " · verdict: %s", slackEscape(m.Verdict))
	}
	fmt.Fprintf(&b, "\n> %s", slackEscape(strings.ReplaceAll(m.ClaimText, "\n", " ")))
	if m.Claimant != "" {
		fmt.Fprintf(&b, " (%s)", slackEscape(m.Claimant))
	}
	if m.Comment != "" {
		fmt.Fprintf(&b, "\nComment: %s", slackEscape(m.Comment))
	}
	if m.Source != "" {
		fmt.Fprintf(&b, "\nSource: %s", slackEscape(m.Source))
	}
	return b.String()
}

// verb is what the actor did, as a predicate: "Ana Lima confirmed claim #12".
func verb(t events.Type, action string) string {
	switch t {
	case events.ClaimCreated:
		return "created"
	case events.ClaimUpdated:
		return "edited"
	case events.ClaimAssigned:
		return "assigned someone to"
	case events.ClaimUnassigned:
		return "unassigned someone from"
	case events.ClaimConfirmed:
		return "confirmed the verdict of"
	case events.ClaimDisputed:
		return "disputed"
	case events.ClaimEvidenceAdded:
		return "added evidence to"
	case events.ClaimEvidenceEdited:
		return "corrected evidence on"
	case events.ClaimEvidenceRetracted:
		return "retracted evidence on"
	case events.ClaimCommentAdded:
		return "commented on"
	case events.EvidenceChanged:
		return "saw a source change on"
	case events.ClaimTransitioned:
		switch action {
		case "start":
			return "started"
		case "verify":
			return "proposed a verdict on"
		case "dispute":
			return "disputed"
		case "confirm":
			return "confirmed"
		case "send_back":
			return "sent back"
		case "reject":
			return "rejected"
		case "reopen":
			return "reopened"
		case "restore":
			return "restored"
		}
		return "moved"
	}
	return string(t) + " on"
}

// slackEscape escapes the three characters Slack's mrkdwn asks for, so a
// claim's text cannot ping @channel or forge a link.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
