package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"

	"github.com/factdesk/factdesk/store"
)

// DeriveKey returns a key for purpose derived from the desk's secret key
// (FACTDESK_SECRET_KEY when configured, else the one generated on first
// start and kept in the database), so other signers, such as unsubscribe
// links, stay stable across restarts and across processes without a
// setting of their own, while never reusing the encryption key itself.
func DeriveKey(ctx context.Context, st *store.Store, configured, purpose string) ([]byte, error) {
	key, err := loadKey(ctx, st, configured)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("factdesk derived key\x00"))
	m.Write([]byte(purpose))
	return m.Sum(nil), nil
}
