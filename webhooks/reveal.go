package webhooks

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// RevealTTL is how long a reveal token can show its secret: long enough
// for the redirect after a form, short enough that a forgotten one is dead.
const RevealTTL = 5 * time.Minute

// RevealToken seals a secret just made (by Create or RotateSecret) for the
// one page that shows it, so a dashboard form can answer with a redirect
// (a reload then repeats nothing) and still show the secret once. The
// token is encrypted and authenticated with the desk's key, bound to the
// endpoint, and expires after RevealTTL; it is opaque to the browser that
// carries it.
func (s *Service) RevealToken(endpointID int64, secret string) string {
	plain := strconv.FormatInt(s.now().Add(RevealTTL).Unix(), 10) + " " + secret
	return base64.RawURLEncoding.EncodeToString(s.sealer.sealAAD(revealAAD(endpointID), plain))
}

// OpenReveal returns the secret sealed in token for endpointID, or false
// when the token is for another endpoint, tampered with or expired.
func (s *Service) OpenReveal(endpointID int64, token string) (string, bool) {
	sealed, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	plain, err := s.sealer.openAAD(revealAAD(endpointID), sealed)
	if err != nil {
		return "", false
	}
	exp, secret, ok := strings.Cut(plain, " ")
	unix, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || !s.now().Before(time.Unix(unix, 0)) {
		return "", false
	}
	return secret, true
}

func revealAAD(endpointID int64) []byte {
	return []byte("factdesk webhook reveal " + strconv.FormatInt(endpointID, 10))
}
