package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"os"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/webhooks"
)

func secret(ctx context.Context, args []string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return runSecret(ctx, cfg, args, os.Getenv, os.Stdout)
}

// runSecret is `factdesk secret rotate`: it re-seals every webhook secret
// under a new key in one transaction. The new key is FACTDESK_NEW_SECRET_KEY,
// or a fresh one printed once. With FACTDESK_SECRET_KEY set the operator
// then puts the new key there; with the key kept in the database the
// database's key is replaced. Either way every process is restarted.
func runSecret(ctx context.Context, cfg app.Config, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) != 1 || args[0] != "rotate" {
		return fmt.Errorf("usage: factdesk secret rotate (the new key from FACTDESK_NEW_SECRET_KEY, or a fresh one)")
	}
	var newKey []byte
	generated := false
	if raw := getenv("FACTDESK_NEW_SECRET_KEY"); raw != "" {
		k, err := webhooks.ParseSecretKey(raw)
		if err != nil {
			return fmt.Errorf("FACTDESK_NEW_SECRET_KEY: %w", err)
		}
		newKey = k
	} else {
		newKey = make([]byte, 32)
		rand.Read(newKey)
		generated = true
	}
	st, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := webhooks.Rekey(ctx, st, cfg.Webhooks.SecretKey, newKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "re-sealed the secrets of %d webhook endpoint(s) under the new key\n", n)
	switch {
	case cfg.Webhooks.SecretKey == "":
		fmt.Fprintln(out, "the key kept in the database was replaced; restart every factdesk process")
	case generated:
		fmt.Fprintf(out, "set FACTDESK_SECRET_KEY=%s in every factdesk process and restart them; keep it with your backups' keys\n",
			base64.StdEncoding.EncodeToString(newKey))
	default:
		fmt.Fprintln(out, "set FACTDESK_SECRET_KEY to the value of FACTDESK_NEW_SECRET_KEY in every factdesk process and restart them")
	}
	return nil
}
