package webhooks

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestChatText(t *testing.T) {
	t.Parallel()
	confirm := `{"id":"evt_1","type":"claim.confirmed","data":{"claim":{"id":12,"text":"Jobs <b>halved</b> & more","claimant":"The Minister","verdict":"false"},
		"actor_id":3,"actor":{"id":3,"name":"Eva Editor"},"action":"confirm","from_state":"disputed","to_state":"confirmed","comment":""}}`
	sendBack := `{"id":"evt_2","type":"claim.transitioned","data":{"claim":{"id":12,"text":"Jobs halved"},
		"actor_id":3,"action":"send_back","from_state":"verified","to_state":"verifying","comment":"Needs a second source"}}`
	alert := `{"id":"evt_3","type":"evidence.changed","data":{"claim":{"id":12,"text":"Jobs halved"},"actor_id":null,
		"comment":"The page answers 404.","evidence":{"url":"https://stats.example.org/r"}}}`
	for _, tc := range []struct{ payload, dash, want string }{
		{confirm, "https://desk.example.org/", "*Eva Editor* confirmed the verdict of <https://desk.example.org/claims/12|claim #12> · disputed → confirmed · verdict: false\n" +
			"> Jobs &lt;b&gt;halved&lt;/b&gt; &amp; more (The Minister)"},
		{sendBack, "", "*User #3* sent back claim #12 · verified → verifying\n> Jobs halved\nComment: Needs a second source"},
		{alert, "", "*The source watcher* saw a source change on claim #12\n> Jobs halved\nComment: The page answers 404.\nSource: https://stats.example.org/r"},
		{`{"id":"evt_4","type":"webhook.ping","data":{}}`, "", "factdesk test message: this webhook is connected."},
	} {
		body, err := slackBody(tc.payload, tc.dash)
		if err != nil {
			t.Fatal(err)
		}
		var msg map[string]string
		json.Unmarshal(body, &msg)
		if msg["text"] != tc.want {
			t.Errorf("slack text =\n%s\nwant\n%s", msg["text"], tc.want)
		}
	}
	long := `{"type":"claim.created","data":{"claim":{"id":1,"text":"` + strings.Repeat("word ", 100) + `"},"actor":{"name":"Ana"}}}`
	m, err := readChat(long, "")
	if err != nil || len([]rune(m.ClaimText)) != 300 || !strings.HasSuffix(m.ClaimText, "…") {
		t.Errorf("long claim text = %q (%v), want 300 runes ending in …", m.ClaimText, err)
	}
	if _, err := slackBody("not json", ""); err == nil {
		t.Errorf("slackBody of a broken envelope succeeded")
	}
}
