package webhooks

import (
	"context"
	"errors"
	"fmt"

	"github.com/factdesk/factdesk/store"
)

// Rekey re-seals every endpoint's signing secrets under newKey, in one
// transaction: either all of them open with the new key afterwards or
// none was touched. The secrets themselves do not change, so receivers
// notice nothing. oldKey is the key in use (FACTDESK_SECRET_KEY); empty
// means the key kept in the database, which is then replaced by newKey in
// the same transaction. It returns how many endpoints were re-sealed.
//
// Every process must be restarted with the new key afterwards (or, with a
// key kept in the database, restarted at all): a running process keeps
// the old key in memory and can no longer open the secrets.
func Rekey(ctx context.Context, st *store.Store, oldKey string, newKey []byte) (int, error) {
	if len(newKey) != 32 {
		return 0, errors.New("webhooks: the new key must be 32 bytes")
	}
	to, err := newSealer(newKey)
	if err != nil {
		return 0, err
	}
	n := 0
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		var old []byte
		stored := oldKey == ""
		if stored {
			if old, err = tx.StoredWebhookKey(ctx); err != nil {
				return err
			}
			if old == nil {
				return errors.New("webhooks: the database keeps no secret key and FACTDESK_SECRET_KEY is not set: there is nothing to rotate")
			}
		} else if old, err = ParseSecretKey(oldKey); err != nil {
			return err
		}
		from, err := newSealer(old)
		if err != nil {
			return err
		}
		list, err := tx.LockWebhookSecrets(ctx)
		if err != nil {
			return err
		}
		for _, s := range list {
			next := store.SealedSecrets{ID: s.ID}
			secret, err := from.open(s.ID, s.Sealed)
			if err != nil {
				return fmt.Errorf("%w (is the current key the one the desk runs with?)", err)
			}
			next.Sealed = to.seal(s.ID, secret)
			if len(s.OldSealed) > 0 {
				oldSecret, err := from.open(s.ID, s.OldSealed)
				if err != nil {
					return err
				}
				next.OldSealed = to.seal(s.ID, oldSecret)
			}
			if err := tx.ResealWebhookSecrets(ctx, next); err != nil {
				return err
			}
			n++
		}
		if stored {
			return tx.ReplaceWebhookKey(ctx, newKey)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// SigningSecrets are the secrets that sign deliveries to endpoint id now:
// the current one, and the previous one until it expires. Operators'
// checks (after a key rotation) and tests read them; nothing logs them.
func (s *Service) SigningSecrets(ctx context.Context, id int64) ([]string, error) {
	e, err := s.store.WebhookEndpoint(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.signingSecrets(id, e.SecretSealed, e.OldSecretSealed, e.OldSecretExpiresAt)
}
