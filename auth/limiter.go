package auth

import (
	"context"
	"crypto/sha256"
	"strings"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Limit caps sign-in attempts per key of one scope within a window.
type Limit struct {
	Scope  string
	Max    int
	Window time.Duration
}

// The sign-in limits. An account's count is cleared by a successful sign-in;
// an address's count only holds failures.
var (
	AccountLimit = Limit{Scope: "account", Max: 10, Window: 15 * time.Minute}
	IPLimit      = Limit{Scope: "ip", Max: 50, Window: 15 * time.Minute}
)

// pruneBatch is how many closed windows each attempt deletes.
const pruneBatch = 20

// limiter keeps the sign-in counts in PostgreSQL, so every process on the
// database shares one allowance and a restart forgets nothing.
type limiter struct {
	store *store.Store
}

// attemptKeys are the hashed keys one sign-in is counted against. Hashing
// keeps emails and addresses out of the table and bounds the key's size
// whatever the client sends.
type attemptKeys struct {
	account, ip []byte
}

func keysFor(email, clientIP string) attemptKeys {
	a := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	i := sha256.Sum256([]byte(clientIP))
	return attemptKeys{account: a[:], ip: i[:]}
}

// reserve counts the attempt against the address and the account before the
// password is checked. An attempt past either limit is refused with the
// time until that window closes, and is not counted, so refusals never
// extend a block. The address comes first so that every transaction takes
// the two row locks in the same order.
func (l limiter) reserve(ctx context.Context, k attemptKeys, now time.Time) error {
	return l.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.PruneLoginAttempts(ctx, now, pruneBatch); err != nil {
			return err
		}
		for _, c := range []struct {
			lim Limit
			key []byte
		}{{IPLimit, k.ip}, {AccountLimit, k.account}} {
			n, resetAt, err := tx.ReserveLoginAttempt(ctx, c.lim.Scope, c.key, now, c.lim.Window)
			if err != nil {
				return err
			}
			if n > c.lim.Max {
				// Another process may have opened the window with a clock
				// a little ahead of ours.
				wait := min(resetAt.Sub(now), c.lim.Window)
				return models.RateLimited(wait, "too many failed sign-ins; try again in %d minutes", int(wait.Minutes())+1)
			}
		}
		return nil
	})
}

// succeeded clears the account's count and gives the address back the
// attempt reserved for this sign-in, which was not a failure.
func (l limiter) succeeded(ctx context.Context, k attemptKeys, now time.Time) error {
	return l.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginAttempts(ctx, AccountLimit.Scope, k.account); err != nil {
			return err
		}
		return tx.ReleaseLoginAttempt(ctx, IPLimit.Scope, k.ip, now)
	})
}
