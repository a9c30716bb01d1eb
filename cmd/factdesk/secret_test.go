package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/webhooks"
)

// deskWithEndpoint is a desk sealing secrets under key ("" for the key
// kept in the database) with one endpoint whose secret was rotated once,
// so it has a current and a previous secret.
func deskWithEndpoint(t *testing.T, key string) (*apptest.Env, int64, []string) {
	t.Helper()
	ctx := context.Background()
	env := apptest.New(t, func(c *app.Config) {
		c.Webhooks.SecretKey = key
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	admin := env.User(t, models.RoleAdmin)
	e, err := env.App.Webhooks.Create(ctx, admin.User, webhooks.NewEndpoint{URL: "http://127.0.0.1:9/hook", Events: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	first := e.Secret
	if e, err = env.App.Webhooks.RotateSecret(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	want := []string{e.Secret, first}
	if got, err := env.App.Webhooks.SigningSecrets(ctx, e.ID); err != nil || !slices.Equal(got, want) {
		t.Fatalf("before rotation: %v, %v", got, err)
	}
	return env, e.ID, want
}

// secretsUnder opens endpoint id's secrets with a webhooks service built
// on key, as a restarted process would.
func secretsUnder(t *testing.T, dbURL, key string, id int64) ([]string, error) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	j, err := jobs.New(jobs.Config{DatabaseURL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := webhooks.New(ctx, webhooks.Deps{Store: st, Jobs: j, Config: webhooks.Config{SecretKey: key}})
	if err != nil {
		t.Fatal(err)
	}
	return svc.SigningSecrets(ctx, id)
}

func TestSecretRotateWithAConfiguredKey(t *testing.T) {
	t.Parallel()
	oldKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	newKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32))
	env, id, want := deskWithEndpoint(t, oldKey)
	cfg := app.Config{DatabaseURL: env.DBURL, Webhooks: webhooks.Config{SecretKey: oldKey}}
	var out bytes.Buffer
	getenv := func(k string) string {
		if k == "FACTDESK_NEW_SECRET_KEY" {
			return newKey
		}
		return ""
	}
	if err := runSecret(context.Background(), cfg, []string{"rotate"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 webhook endpoint") || strings.Contains(out.String(), newKey) {
		t.Fatalf("output: %s", out.String())
	}
	if got, err := secretsUnder(t, env.DBURL, newKey, id); err != nil || !slices.Equal(got, want) {
		t.Fatalf("under the new key: %v, %v; want the same two secrets", got, err)
	}
	if _, err := secretsUnder(t, env.DBURL, oldKey, id); err == nil {
		t.Fatal("the old key still opens the secrets")
	}
	// A wrong current key changes nothing.
	cfg.Webhooks.SecretKey = oldKey
	if err := runSecret(context.Background(), cfg, []string{"rotate"}, getenv, &out); err == nil {
		t.Fatal("rotating from a key that does not open the secrets succeeded")
	}
	if got, err := secretsUnder(t, env.DBURL, newKey, id); err != nil || !slices.Equal(got, want) {
		t.Fatalf("a failed rotation touched the secrets: %v, %v", got, err)
	}
}

func TestSecretRotateWithTheStoredKey(t *testing.T) {
	t.Parallel()
	env, id, want := deskWithEndpoint(t, "")
	var out bytes.Buffer
	cfg := app.Config{DatabaseURL: env.DBURL}
	if err := runSecret(context.Background(), cfg, []string{"rotate"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "database was replaced") || regexp.MustCompile(`[A-Za-z0-9+/]{43}=`).MatchString(out.String()) {
		t.Fatalf("output: %s", out.String())
	}
	// A restarted process loads the new stored key and opens the secrets;
	// the running one, still holding the old key, cannot.
	if got, err := secretsUnder(t, env.DBURL, "", id); err != nil || !slices.Equal(got, want) {
		t.Fatalf("after rotation: %v, %v", got, err)
	}
	if _, err := env.App.Webhooks.SigningSecrets(context.Background(), id); err == nil {
		t.Fatal("the old in-memory key still opens the secrets")
	}
}
