package webhooks

import (
	"encoding/json"
	"fmt"
	"strings"
)

// googleChatBody is {"text": "..."} for a Google Chat space's incoming
// webhook. Its markup is Slack's (*bold*, <url|label>) without quotes; a
// user's < and > become look-alike angle quotes, so no text of a claim can
// mention <users/all> or forge a link.
func googleChatBody(payload, dashboardURL string) ([]byte, error) {
	m, err := readChat(payload, dashboardURL)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]string{"text": googleChatText(m)})
}

func googleChatText(m chatMessage) string {
	if m.Plain != "" {
		return m.Plain
	}
	esc := strings.NewReplacer("<", "‹", ">", "›", "*", "∗").Replace
	var b strings.Builder
	claim := fmt.Sprintf("claim #%d", m.ClaimID)
	if m.ClaimURL != "" {
		claim = "<" + strings.NewReplacer("|", "%7C", ">", "%3E").Replace(m.ClaimURL) + "|" + claim + ">"
	}
	fmt.Fprintf(&b, "*%s* %s %s", esc(m.Actor), esc(m.Verb), claim)
	if m.From != "" && m.To != "" {
		fmt.Fprintf(&b, " · %s → %s", m.From, m.To)
	}
	if m.Verdict != "" {
		fmt.Fprintf(&b, " · verdict: %s", esc(m.Verdict))
	}
	fmt.Fprintf(&b, "\n“%s”", esc(strings.ReplaceAll(m.ClaimText, "\n", " ")))
	if m.Claimant != "" {
		fmt.Fprintf(&b, " (%s)", esc(m.Claimant))
	}
	if m.Comment != "" {
		fmt.Fprintf(&b, "\nComment: %s", esc(m.Comment))
	}
	if m.Source != "" {
		fmt.Fprintf(&b, "\nSource: %s", esc(m.Source))
	}
	return b.String()
}

// teamsBody is a message with one Adaptive Card, the body a Microsoft
// Teams "post to a channel when a webhook request is received" workflow
// takes. TextBlocks read a small Markdown subset, so user text cannot
// form links (teamsEscape); the only link is the claim's own button.
func teamsBody(payload, dashboardURL string) ([]byte, error) {
	m, err := readChat(payload, dashboardURL)
	if err != nil {
		return nil, err
	}
	type block = map[string]any
	text := func(s string, extra block) block {
		b := block{"type": "TextBlock", "text": s, "wrap": true}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	var body []block
	var actions []block
	if m.Plain != "" {
		body = append(body, text(teamsEscape(m.Plain), nil))
	} else {
		title := fmt.Sprintf("%s %s claim #%d", m.Actor, m.Verb, m.ClaimID)
		body = append(body, text(teamsEscape(title), block{"weight": "Bolder"}))
		var facts []block
		if m.From != "" && m.To != "" {
			facts = append(facts, block{"title": "State", "value": m.From + " → " + m.To})
		}
		if m.Verdict != "" {
			facts = append(facts, block{"title": "Verdict", "value": teamsEscape(m.Verdict)})
		}
		if m.Claimant != "" {
			facts = append(facts, block{"title": "Claimant", "value": teamsEscape(m.Claimant)})
		}
		body = append(body, text(teamsEscape(m.ClaimText), block{"isSubtle": true}))
		if len(facts) > 0 {
			body = append(body, block{"type": "FactSet", "facts": facts})
		}
		if m.Comment != "" {
			body = append(body, text("Comment: "+teamsEscape(m.Comment), nil))
		}
		if m.Source != "" {
			body = append(body, text("Source: "+teamsEscape(m.Source), nil))
		}
		if m.ClaimURL != "" {
			actions = append(actions, block{"type": "Action.OpenUrl", "title": "Open the claim", "url": m.ClaimURL})
		}
	}
	card := block{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard", "version": "1.4", "body": body,
	}
	if len(actions) > 0 {
		card["actions"] = actions
	}
	return json.Marshal(block{
		"type": "message",
		"attachments": []block{{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"content":     card,
		}},
	})
}

// teamsEscape keeps user text from becoming a link: a zero-width space
// between "]" and "(" (or "<" and "http") breaks Markdown's link syntax
// while the text reads the same. Emphasis is left alone; it can only
// change how the text looks.
func teamsEscape(s string) string {
	return strings.NewReplacer("](", "]\u200b(", "<http", "<\u200bhttp").Replace(s)
}
