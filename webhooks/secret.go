package webhooks

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/factdesk/factdesk/store"
)

// secretPrefix marks a Standard Webhooks signing secret.
const secretPrefix = "whsec_"

// NewSecret returns a fresh signing secret: whsec_ and the base64 of 32
// random bytes.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKeyBytes is the HMAC key of a secret: the base64 after whsec_.
func secretKeyBytes(secret string) ([]byte, error) {
	raw, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, errors.New("webhooks: secret lacks the whsec_ prefix")
	}
	key, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("webhooks: secret is not base64: %w", err)
	}
	return key, nil
}

// sealer encrypts endpoint secrets with AES-256-GCM. The endpoint id is the
// additional data, so a sealed secret copied onto another row fails to open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("webhooks: secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("webhooks: secret key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(endpointID int64, secret string) []byte {
	return s.sealAAD(aad(endpointID), secret)
}

func (s *sealer) sealAAD(ad []byte, secret string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(secret)+s.aead.Overhead())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, []byte(secret), ad)
}

func (s *sealer) open(endpointID int64, sealed []byte) (string, error) {
	plain, err := s.openAAD(aad(endpointID), sealed)
	if err != nil {
		return "", fmt.Errorf("webhooks: cannot decrypt the secret of endpoint %d; was FACTDESK_SECRET_KEY changed since it was stored? %w", endpointID, err)
	}
	return plain, nil
}

func (s *sealer) openAAD(ad, sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("webhooks: sealed secret is truncated")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

func aad(endpointID int64) []byte {
	return []byte("factdesk webhook " + strconv.FormatInt(endpointID, 10))
}

// ParseSecretKey reads FACTDESK_SECRET_KEY: 32 bytes written as base64
// (standard or URL alphabet, padded or not) or as 64 hex digits.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("FACTDESK_SECRET_KEY must be 32 random bytes as base64 or hex; make one with: openssl rand -base64 32")
}

// loadKey returns the configured key, or the one kept in the database,
// generating it on first start. Concurrent first starts agree on one key
// because only the first insert wins.
func loadKey(ctx context.Context, st *store.Store, configured string) ([]byte, error) {
	if configured != "" {
		return ParseSecretKey(configured)
	}
	fresh := make([]byte, 32)
	rand.Read(fresh)
	return st.WebhookKey(ctx, fresh)
}

// SealUnknownSecret seals a fresh secret for endpoint id that nobody is
// told: an endpoint imported from another desk gets one, so it signs
// nothing anyone can verify until an admin rotates its secret (which
// shows the new one) and hands that to the receiver.
func (s *Service) SealUnknownSecret(id int64) []byte { return s.sealer.seal(id, NewSecret()) }
