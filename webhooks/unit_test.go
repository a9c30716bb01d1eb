package webhooks

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The test vector published with the Standard Webhooks specification's
// reference libraries.
func TestSignMatchesSpecVector(t *testing.T) {
	t.Parallel()
	got, err := Sign([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	two, err := Sign([]string{NewSecret(), NewSecret()}, "evt_1", time.Now(), []byte("{}"))
	if err != nil || len(strings.Split(two, " ")) != 2 {
		t.Fatalf("Sign with two secrets = %q, %v; want two space-separated signatures", two, err)
	}
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	s := NewSecret()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
	if !strings.HasPrefix(s, "whsec_") || err != nil || len(key) != 32 {
		t.Fatalf("NewSecret = %q, want whsec_ and base64 of 32 bytes", s)
	}
	if NewSecret() == s {
		t.Fatal("two secrets are equal")
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"120", 2 * time.Minute, true},
		{"0", 0, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"999999999", MaxRetryAfter, true},
	}
	for _, c := range cases {
		got, ok := parseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	t.Parallel()
	got, err := ParseSchedule("0s, 1s,2s,4m")
	if err != nil || len(got) != 4 || got[3] != 4*time.Minute {
		t.Fatalf("ParseSchedule = %v, %v", got, err)
	}
	for _, bad := range []string{"", "1x", "5s,-1s", ","} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) succeeded, want an error", bad)
		}
	}
}

func TestDelayJitterAndRetryAfter(t *testing.T) {
	t.Parallel()
	s := &Service{cfg: Config{RetrySchedule: DefaultRetrySchedule}.withDefaults()}
	for _, j := range []float64{0, 0.5, 0.999999} {
		s.jitter = func() float64 { return j }
		d := s.delay(3, 0, false) // the third try waits 5 minutes ±15%
		if d < time.Duration(float64(5*time.Minute)*0.85) || d > time.Duration(float64(5*time.Minute)*1.15) {
			t.Errorf("delay with jitter %v = %s, want 5m ±15%%", j, d)
		}
	}
	if d := s.delay(3, 7*time.Second, true); d != 7*time.Second {
		t.Errorf("delay with Retry-After 7s = %s", d)
	}
	if d := s.delay(1, 0, false); d != 0 {
		t.Errorf("first try delay = %s, want 0", d)
	}
}

func TestSecretKeyAndSealing(t *testing.T) {
	t.Parallel()
	raw := strings.Repeat("ab", 32)
	k1, err := ParseSecretKey(raw)
	if err != nil || len(k1) != 32 {
		t.Fatalf("hex key: %v", err)
	}
	k2, err := ParseSecretKey(base64.StdEncoding.EncodeToString(k1))
	if err != nil || string(k2) != string(k1) {
		t.Fatalf("base64 key: %v", err)
	}
	for _, bad := range []string{"short", base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		if _, err := ParseSecretKey(bad); err == nil {
			t.Errorf("ParseSecretKey(%q) succeeded", bad)
		}
	}
	s1, _ := newSealer(k1)
	secret := NewSecret()
	sealed := s1.seal(7, secret)
	if strings.Contains(string(sealed), strings.TrimPrefix(secret, "whsec_")) {
		t.Fatal("sealed secret contains the plaintext")
	}
	if got, err := s1.open(7, sealed); err != nil || got != secret {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := s1.open(8, sealed); err == nil {
		t.Error("a secret sealed for endpoint 7 opened as endpoint 8's")
	}
	other := make([]byte, 32)
	s2, _ := newSealer(other)
	if _, err := s2.open(7, sealed); err == nil || !strings.Contains(err.Error(), "FACTDESK_SECRET_KEY") {
		t.Errorf("open with another key = %v, want an error naming FACTDESK_SECRET_KEY", err)
	}
}

func TestRevealToken(t *testing.T) {
	t.Parallel()
	seal, _ := newSealer(make([]byte, 32))
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s := &Service{sealer: seal, now: func() time.Time { return now }}
	secret := NewSecret()
	token := s.RevealToken(7, secret)
	if strings.Contains(token, strings.TrimPrefix(secret, "whsec_")) {
		t.Fatal("the reveal token carries the secret in the clear")
	}
	if got, ok := s.OpenReveal(7, token); !ok || got != secret {
		t.Fatalf("OpenReveal(7) = %q, %v", got, ok)
	}
	if _, ok := s.OpenReveal(8, token); ok {
		t.Error("endpoint 7's token opened for endpoint 8")
	}
	if _, ok := seal.openAAD(aad(7), mustDecode(t, token)); ok == nil {
		t.Error("a reveal token opens as a stored secret")
	}
	if _, ok := s.OpenReveal(7, token[:len(token)-2]+"AA"); ok {
		t.Error("a tampered token opened")
	}
	now = now.Add(RevealTTL)
	if _, ok := s.OpenReveal(7, token); ok {
		t.Error("an expired token opened")
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
