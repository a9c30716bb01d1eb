package auth

import (
	"strconv"
	"sync"
	"time"

	"github.com/factdesk/factdesk/models"
)

// TokensChannel is the Postgres notification channel on which a change to
// a user or to one of their API tokens is announced (the payload is the
// user's id), by triggers on users and api_tokens (migration 0040), so
// every process drops what it cached about that user's tokens.
const TokensChannel = "factdesk_auth"

// DefaultTokenCacheTTL bounds how long a token's user is trusted without
// asking the database. Invalidation arrives through TokensChannel within
// milliseconds; the TTL is the fallback when that connection is down, so
// a revoked token or a deactivated user is refused within a second even
// then.
const DefaultTokenCacheTTL = time.Second

// maxCachedTokens caps the cache; past it the cache starts again empty.
const maxCachedTokens = 10000

// tokenCache maps a token's hash to its active user and the token's row
// for a short time, so an API request need not look its token up in the
// database. A token's rate limit is still counted on every request.
type tokenCache struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]cachedToken
}

type cachedToken struct {
	user    models.User
	token   models.APIToken
	expires time.Time
}

func (c *tokenCache) get(hash []byte, now time.Time) (*models.User, *models.APIToken, bool) {
	if c == nil {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[string(hash)]
	if !ok || !now.Before(e.expires) || !now.Before(e.token.ExpiresAt) {
		return nil, nil, false
	}
	u, t := e.user, e.token // copies: callers may change theirs
	return &u, &t, true
}

// put keeps u and t until the cache's TTL passes; an entry found again
// keeps its first deadline, so a busy token is still looked up once a TTL.
func (c *tokenCache) put(hash []byte, u *models.User, t *models.APIToken, now time.Time) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedTokens {
		c.entries = map[string]cachedToken{}
	}
	expires := now.Add(c.ttl)
	if e, ok := c.entries[string(hash)]; ok && now.Before(e.expires) {
		expires = e.expires
	}
	c.entries[string(hash)] = cachedToken{user: *u, token: *t, expires: expires}
}

// forget drops the tokens of userID, or every token when userID is 0.
func (c *tokenCache) forget(userID int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if userID == 0 {
		c.entries = nil
		return
	}
	for k, e := range c.entries {
		if e.user.ID == userID {
			delete(c.entries, k)
		}
	}
}

// CacheTokens sets how long a token's user is trusted without asking the
// database (DefaultTokenCacheTTL unless set; 0 turns the cache off). Call
// it before serving.
func (s *Service) CacheTokens(ttl time.Duration) { s.tokens = &tokenCache{ttl: ttl} }

// TokensChanged takes a TokensChannel payload: the id of a user whose
// tokens or account changed, whose cached tokens it forgets; anything
// else ("" after the listener reconnected, when notifications may have
// been missed) forgets them all.
func (s *Service) TokensChanged(payload string) {
	id, err := strconv.ParseInt(payload, 10, 64)
	if err != nil || id <= 0 {
		id = 0
	}
	s.tokens.forget(id)
}
