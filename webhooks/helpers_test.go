package webhooks_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// fast makes a desk whose webhooks may reach loopback receivers and retry
// within the test's patience.
func fast(schedule ...time.Duration) apptest.Option {
	if len(schedule) == 0 {
		schedule = []time.Duration{0, 200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond}
	}
	return func(c *app.Config) {
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
		c.Webhooks.RetrySchedule = schedule
		c.Webhooks.Timeout = 5 * time.Second
		c.Jobs.FetchPollInterval = 50 * time.Millisecond
	}
}

type testBundle struct {
	env   *apptest.Env
	admin apptest.User
}

func setup(t *testing.T, opts ...apptest.Option) *testBundle {
	t.Helper()
	if len(opts) == 0 {
		opts = []apptest.Option{fast()}
	}
	env := apptest.New(t, opts...)
	return &testBundle{env: env, admin: env.User(t, models.RoleAdmin)}
}

// hook is a registered endpoint as the create response shows it.
type hook struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`
	Secret string `json:"secret"`
	Active bool   `json:"active"`
}

func (b *testBundle) createHook(t *testing.T, url string, events ...string) hook {
	t.Helper()
	return b.createHookWith(t, map[string]any{"url": url, "events": events})
}

func (b *testBundle) createHookWith(t *testing.T, body map[string]any) hook {
	t.Helper()
	res := b.env.Do(t, "POST", "/api/v1/webhooks", b.admin.Token, body)
	if res.Status != http.StatusCreated {
		t.Fatalf("POST /webhooks = %d, want 201: %s", res.Status, res.Body)
	}
	var h hook
	res.Decode(t, &h)
	if !strings.HasPrefix(h.Secret, "whsec_") {
		t.Fatalf("created webhook secret = %q, want whsec_…", h.Secret)
	}
	return h
}

func (b *testBundle) path(h hook, rest string) string {
	return "/api/v1/webhooks/" + strconv.FormatInt(h.ID, 10) + rest
}

// attempt is a line of the delivery log.
type attempt struct {
	EventID      string     `json:"event_id"`
	EventType    string     `json:"event_type"`
	Attempt      int        `json:"attempt"`
	Trigger      string     `json:"trigger"`
	Status       string     `json:"status"`
	StartedAt    time.Time  `json:"started_at"`
	DurationMS   int        `json:"duration_ms"`
	StatusCode   *int       `json:"status_code"`
	ErrorClass   *string    `json:"error_class"`
	ResponseBody string     `json:"response_body"`
	NextRetryAt  *time.Time `json:"next_retry_at"`
}

func (b *testBundle) log(t *testing.T, h hook, query string) []attempt {
	t.Helper()
	res := b.env.Do(t, "GET", b.path(h, "/deliveries?limit=200&"+query), b.admin.Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET deliveries = %d: %s", res.Status, res.Body)
	}
	var page struct {
		Items []attempt `json:"items"`
	}
	res.Decode(t, &page)
	return page.Items
}

// delivery is one POST a receiver got.
type delivery struct {
	ID        string
	Timestamp string
	Signature string
	Body      []byte
	Header    http.Header
	At        time.Time
	Envelope  struct {
		ID        string          `json:"id"`
		Type      string          `json:"type"`
		Timestamp string          `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}
}

// receiver is a real HTTP server on loopback that records every POST and
// answers with respond (200 when nil).
type receiver struct {
	*httptest.Server
	t       *testing.T
	mu      sync.Mutex
	got     []delivery
	respond func(n int, d delivery) (status int, header http.Header)
}

func newReceiver(t *testing.T, respond func(n int, d delivery) (int, http.Header)) *receiver {
	t.Helper()
	r := &receiver{t: t, respond: respond}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.checkContract)
	t.Cleanup(r.Close)
	return r
}

// checkContract holds every standard-format delivery the receiver got to
// the OpenAPI document's webhooks. It runs when the test ends, so the
// receiver answers as fast as a real one and no retry is provoked; chat
// formats (Slack's {"text": …}, a Teams card) are messages, not events.
func (r *receiver) checkContract() {
	for _, d := range r.deliveries() {
		var members map[string]json.RawMessage
		if json.Unmarshal(d.Body, &members) == nil && (members["id"] != nil || members["data"] != nil) {
			apptest.CheckWebhook(r.t, d.Header, d.Body)
		}
	}
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	d := delivery{
		ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"),
		Signature: req.Header.Get("webhook-signature"), Body: body, At: time.Now(),
	}
	json.Unmarshal(body, &d.Envelope)
	d.Header = req.Header.Clone()
	r.mu.Lock()
	n := len(r.got)
	r.got = append(r.got, d)
	respond := r.respond
	r.mu.Unlock()
	status := http.StatusOK
	if respond != nil {
		var h http.Header
		status, h = respond(n, d)
		for k, v := range h {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(status)
	io.WriteString(w, "received "+d.ID)
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// verify checks a delivery's signature from the Standard Webhooks spec
// alone: HMAC-SHA256 over "id.timestamp.body" keyed with the base64-decoded
// part of the secret after whsec_, compared with each space-separated
// "v1,<base64>" entry. It returns how many of secrets verify.
func verify(t *testing.T, d delivery, secrets ...string) int {
	t.Helper()
	ts, err := strconv.ParseInt(d.Timestamp, 10, 64)
	if err != nil {
		t.Fatalf("webhook-timestamp %q is not unix seconds", d.Timestamp)
	}
	if skew := time.Since(time.Unix(ts, 0)); skew > time.Minute || skew < -time.Minute {
		t.Errorf("webhook-timestamp is %s off now", skew)
	}
	var sent [][]byte
	for _, part := range strings.Split(d.Signature, " ") {
		version, sig, ok := strings.Cut(part, ",")
		if !ok || version != "v1" {
			t.Fatalf("webhook-signature part %q is not v1,<base64>", part)
		}
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			t.Fatalf("webhook-signature part %q is not base64: %v", part, err)
		}
		sent = append(sent, raw)
	}
	ok := 0
	for _, secret := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
		if err != nil {
			t.Fatalf("secret %q: %v", secret, err)
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(d.ID + "." + d.Timestamp + "."))
		mac.Write(d.Body)
		want := mac.Sum(nil)
		for _, s := range sent {
			if hmac.Equal(s, want) {
				ok++
				break
			}
		}
	}
	return ok
}

func mustVerify(t *testing.T, d delivery, secret string) {
	t.Helper()
	if verify(t, d, secret) != 1 {
		t.Fatalf("delivery %s (%s): signature %q does not verify with the endpoint's secret", d.ID, d.Envelope.Type, d.Signature)
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	apptest.Eventually(t, 15*time.Second, what, cond)
}
