package tsa_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/archive/tsa"
	"github.com/factdesk/factdesk/internal/tsatest"
	"github.com/factdesk/factdesk/safehttp"
)

func TestStampVerifiesWithOurCodeAndOpenSSL(t *testing.T) {
	t.Parallel()
	auth := tsatest.Start(t, tsatest.Options{})
	data := []byte("a capture's bytes")
	sum := sha256.Sum256(data)

	before := time.Now().Add(-2 * time.Second)
	// Through the SSRF-guarded client production uses, loopback allowed as
	// an operator would allow an internal authority.
	guarded := safehttp.New(safehttp.Config{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Timeout: 10 * time.Second})
	c := &tsa.Client{HTTP: guarded, URLs: []string{auth.URL}, Roots: auth.Roots}
	res := c.Stamp(t.Context(), sum[:])
	if res.Status != tsa.StatusTimestamped || len(res.Tokens) != 1 || len(res.Errors) != 0 {
		t.Fatalf("Stamp = %s, %d tokens, errors %v", res.Status, len(res.Tokens), res.Errors)
	}
	tok := res.Tokens[0]
	if tok.Authority != auth.URL || !tok.ChainVerified || tok.Policy != "1.3.6.1.4.1.55555.1" ||
		!strings.Contains(tok.Signer, "factdesk test TSA") || tok.Serial == "" || len(tok.SignerSHA256) != 64 {
		t.Errorf("token = %+v", tok)
	}
	if tok.Time.Before(before) || tok.Time.After(time.Now().Add(2*time.Second)) {
		t.Errorf("token time %v is not now", tok.Time)
	}

	// A stored token verifies again later, with and without the roots.
	again, err := tsa.VerifyToken(tok.DER, sum[:], auth.Roots)
	if err != nil || !again.ChainVerified || !again.Time.Equal(tok.Time) {
		t.Fatalf("VerifyToken = %+v, %v", again, err)
	}
	if _, err := tsa.VerifyToken(tok.DER, sum[:], nil); err != nil {
		t.Fatalf("VerifyToken without roots: %v", err)
	}

	// And an outsider's openssl agrees, from the data and from the digest.
	file := filepath.Join(t.TempDir(), "capture.bin")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	auth.VerifyWithOpenSSL(t, tok.DER, file, "")
	auth.VerifyWithOpenSSL(t, tok.DER, "", hex.EncodeToString(sum[:]))
}

func TestTokenDoesNotVerifyForOtherDataOrTampering(t *testing.T) {
	t.Parallel()
	auth := tsatest.Start(t, tsatest.Options{})
	sum := sha256.Sum256([]byte("original"))
	res := (&tsa.Client{HTTP: http.DefaultClient, URLs: []string{auth.URL}}).Stamp(t.Context(), sum[:])
	if res.Status != tsa.StatusTimestamped {
		t.Fatalf("Stamp = %s %v", res.Status, res.Errors)
	}
	der := res.Tokens[0].DER
	other := sha256.Sum256([]byte("forged"))
	if _, err := tsa.VerifyToken(der, other[:], auth.Roots); err == nil || !strings.Contains(err.Error(), "imprint") {
		t.Errorf("VerifyToken(other digest) = %v, want an imprint mismatch", err)
	}
	// Flip one byte inside the signed TSTInfo (the imprint sits there).
	i := bytes.Index(der, sum[:])
	if i < 0 {
		t.Fatal("digest not found in token")
	}
	bad := append([]byte(nil), der...)
	bad[i+5] ^= 0xff
	if _, err := tsa.VerifyToken(bad, sum[:], nil); err == nil {
		t.Error("VerifyToken(tampered token) succeeded")
	}
	stranger := tsatest.Start(t, tsatest.Options{Name: "stranger"})
	if _, err := tsa.VerifyToken(der, sum[:], stranger.Roots); err == nil || !strings.Contains(err.Error(), "chain") {
		t.Errorf("VerifyToken(other roots) = %v, want a chain error", err)
	}
}

func TestStampAsksEveryAuthorityAndReportsFailures(t *testing.T) {
	t.Parallel()
	a := tsatest.Start(t, tsatest.Options{Name: "first"})
	b := tsatest.Start(t, tsatest.Options{Name: "second"})
	picky := tsatest.Start(t, tsatest.Options{Name: "picky", Digests: "sha512"})
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)

	// A replaying authority answers every query with the first token it got,
	// which must fail on the nonce.
	var (
		mu     sync.Mutex
		cached []byte
	)
	replay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if cached == nil {
			resp, err := http.Post(a.URL, "application/timestamp-query", r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			buf.ReadFrom(resp.Body)
			cached = buf.Bytes()
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(cached)
	}))
	t.Cleanup(replay.Close)

	roots := a.Roots.Clone()
	for _, c := range []*tsatest.Authority{b, picky} {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		roots.AppendCertsFromPEM(pem)
	}
	first := sha256.Sum256([]byte("prime the replay"))
	c := &tsa.Client{HTTP: http.DefaultClient, URLs: []string{replay.URL}, Roots: roots}
	if res := c.Stamp(t.Context(), first[:]); res.Status != tsa.StatusTimestamped {
		t.Fatalf("priming replay: %s %v", res.Status, res.Errors)
	}

	sum := sha256.Sum256([]byte("page"))
	c.URLs = []string{a.URL, down.URL, picky.URL, replay.URL, b.URL}
	res := c.Stamp(t.Context(), sum[:])
	if res.Status != tsa.StatusTimestamped || len(res.Tokens) != 2 {
		t.Fatalf("Stamp = %s with %d tokens, want 2; errors %v", res.Status, len(res.Tokens), res.Errors)
	}
	if res.Tokens[0].Authority != a.URL || res.Tokens[1].Authority != b.URL {
		t.Errorf("tokens from %s and %s", res.Tokens[0].Authority, res.Tokens[1].Authority)
	}
	want := map[string]string{down.URL: "HTTP 503", picky.URL: "rejected", replay.URL: "nonce"}
	if len(res.Errors) != len(want) {
		t.Fatalf("errors = %v, want %d", res.Errors, len(want))
	}
	for _, e := range res.Errors {
		if !strings.Contains(e.Error(), want[e.Authority]) {
			t.Errorf("error from %s = %q, want it to mention %q", e.Authority, e.Error(), want[e.Authority])
		}
	}

	c.URLs = []string{down.URL}
	if res := c.Stamp(t.Context(), sum[:]); res.Status != tsa.StatusFailed || len(res.Tokens) != 0 || len(res.Errors) != 1 {
		t.Errorf("only a failing authority: %s, %d tokens, %v", res.Status, len(res.Tokens), res.Errors)
	}
}

func TestStampWithoutAuthoritySaysSo(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte("x"))
	res := (&tsa.Client{HTTP: http.DefaultClient}).Stamp(t.Context(), sum[:])
	if res.Status != tsa.StatusUnconfigured || len(res.Tokens) != 0 {
		t.Fatalf("Stamp with no URLs = %+v", res)
	}
	if got := string(res.Status); got != "untimestamped: no timestamp authority configured" {
		t.Errorf("status text = %q", got)
	}
}

func TestStampThroughSSRFGuardRefusesLoopback(t *testing.T) {
	t.Parallel()
	auth := tsatest.Start(t, tsatest.Options{})
	sum := sha256.Sum256([]byte("x"))
	// Without an allowance the guard refuses the loopback authority, as it
	// would a hostile TSA URL pointing inside the network.
	res := (&tsa.Client{HTTP: safehttp.New(safehttp.Config{}), URLs: []string{auth.URL}}).Stamp(t.Context(), sum[:])
	if res.Status != tsa.StatusFailed || len(res.Errors) != 1 || auth.Requests() != 0 {
		t.Errorf("Stamp via unguarded loopback = %s %v, %d requests reached the TSA", res.Status, res.Errors, auth.Requests())
	}
}

func TestStampRefusesNonSHA256Digest(t *testing.T) {
	t.Parallel()
	auth := tsatest.Start(t, tsatest.Options{})
	res := (&tsa.Client{HTTP: http.DefaultClient, URLs: []string{auth.URL}}).Stamp(t.Context(), []byte("short"))
	if res.Status != tsa.StatusFailed || auth.Requests() != 0 {
		t.Errorf("Stamp(5-byte digest) = %s, %d requests sent", res.Status, auth.Requests())
	}
}
