package webhooks_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
)

// TestSecretsEncryptedAtRest: the database never holds a secret in the
// clear, and the generated key is kept so a restart can still sign.
func TestSecretsEncryptedAtRest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := newReceiver(t, nil)
	h := b.createHook(t, r.URL, "claim.created")
	ctx := context.Background()
	db := b.env.App.Store.SQL()
	var sealed []byte
	if err := db.QueryRow("SELECT secret_sealed FROM webhook_endpoints WHERE id = $1", h.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	plain := strings.TrimPrefix(h.Secret, "whsec_")
	key, _ := base64.StdEncoding.DecodeString(plain)
	if strings.Contains(string(sealed), plain) || strings.Contains(string(sealed), string(key)) {
		t.Fatal("the stored secret contains the plaintext")
	}
	var keys int
	db.QueryRow("SELECT count(*) FROM webhook_keys").Scan(&keys)
	if keys != 1 {
		t.Fatalf("webhook_keys has %d rows, want the generated key", keys)
	}
	// A second process over the same database uses the stored key.
	secondApp(t, b, true)
	b.env.App.Stop(ctx)
	checker := b.env.User(t, "checker")
	b.env.Claim(t, checker, "signed by the second process")
	eventually(t, "delivery from the second process", func() bool { return r.count() == 1 })
	mustVerify(t, r.deliveries()[0], h.Secret)
}

// TestConfiguredSecretKey: with FACTDESK_SECRET_KEY set, no key is stored.
func TestConfiguredSecretKey(t *testing.T) {
	t.Parallel()
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	b := setup(t, fast(), func(c *app.Config) { c.Webhooks.SecretKey = key })
	r := newReceiver(t, nil)
	h := b.createHook(t, r.URL, "claim.created")
	var keys int
	b.env.App.Store.SQL().QueryRow("SELECT count(*) FROM webhook_keys").Scan(&keys)
	if keys != 0 {
		t.Fatalf("webhook_keys has %d rows, want none with a configured key", keys)
	}
	checker := b.env.User(t, "checker")
	b.env.Claim(t, checker, "signed with the configured key's secret")
	eventually(t, "delivery", func() bool { return r.count() == 1 })
	mustVerify(t, r.deliveries()[0], h.Secret)
}
