package webhooks

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/factdesk/factdesk/events"
)

// slackBody turns an event envelope into {"text": "..."}, a message a
// Slack incoming webhook (and Mattermost, Rocket.Chat) displays as is.
func slackBody(payload string) ([]byte, error) {
	var env struct {
		ID   string          `json:"id"`
		Type events.Type     `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(payload), &env); err != nil {
		return nil, fmt.Errorf("webhooks: slack format: read envelope: %w", err)
	}
	return json.Marshal(map[string]string{"text": slackText(env.Type, env.Data)})
}

func slackText(t events.Type, data json.RawMessage) string {
	switch {
	case t == events.WebhookPing:
		return "factdesk test message: this webhook is connected."
	case t == events.WebhookDisabled:
		var d struct {
			Webhook struct {
				ID  int64  `json:"id"`
				URL string `json:"url"`
			} `json:"webhook"`
			Reason string `json:"reason"`
		}
		json.Unmarshal(data, &d)
		return fmt.Sprintf("factdesk disabled webhook #%d (%s): %s.", d.Webhook.ID, d.Webhook.URL, d.Reason)
	case strings.HasPrefix(string(t), "claim."):
		var d struct {
			Claim struct {
				ID       int64  `json:"id"`
				Text     string `json:"text"`
				Claimant string `json:"claimant"`
				Verdict  string `json:"verdict"`
			} `json:"claim"`
			Action    string `json:"action"`
			FromState string `json:"from_state"`
			ToState   string `json:"to_state"`
			Comment   string `json:"comment"`
		}
		json.Unmarshal(data, &d)
		var b strings.Builder
		fmt.Fprintf(&b, "*%s* · claim #%d", slackEscape(verb(t, d.Action)), d.Claim.ID)
		if d.FromState != "" && d.ToState != "" {
			fmt.Fprintf(&b, " (%s → %s)", d.FromState, d.ToState)
		}
		if d.Claim.Verdict != "" && (t == events.ClaimConfirmed || t == events.ClaimDisputed) {
			fmt.Fprintf(&b, ", verdict: %s", slackEscape(d.Claim.Verdict))
		}
		fmt.Fprintf(&b, "\n> %s", slackEscape(shorten(d.Claim.Text, 300)))
		if d.Claim.Claimant != "" {
			fmt.Fprintf(&b, " (%s)", slackEscape(shorten(d.Claim.Claimant, 100)))
		}
		if d.Comment != "" && t != events.ClaimCommentAdded {
			fmt.Fprintf(&b, "\nComment: %s", slackEscape(shorten(d.Comment, 300)))
		}
		return b.String()
	}
	return fmt.Sprintf("factdesk event %s.", t)
}

func verb(t events.Type, action string) string {
	switch t {
	case events.ClaimCreated:
		return "New claim"
	case events.ClaimUpdated:
		return "Claim edited"
	case events.ClaimAssigned:
		return "Claim assigned"
	case events.ClaimUnassigned:
		return "Claim unassigned"
	case events.ClaimConfirmed:
		return "Verdict confirmed"
	case events.ClaimDisputed:
		return "Claim disputed"
	case events.ClaimEvidenceAdded:
		return "Evidence added"
	case events.ClaimCommentAdded:
		return "New comment"
	case events.ClaimTransitioned:
		return "Claim " + strings.ReplaceAll(action, "_", " ")
	}
	return string(t)
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
