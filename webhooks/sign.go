package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Sign returns the webhook-signature header value for one attempt, per the
// Standard Webhooks specification: for each secret, "v1," and the base64
// HMAC-SHA256 of "id.timestamp.body" keyed with the secret's decoded bytes,
// separated by spaces. Receivers accept the message if any signature
// verifies, which is how a rotation overlaps old and new secrets.
func Sign(secrets []string, msgID string, ts time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	unix := strconv.FormatInt(ts.Unix(), 10)
	for _, s := range secrets {
		key, err := secretKeyBytes(s)
		if err != nil {
			return "", err
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(msgID))
		mac.Write([]byte{'.'})
		mac.Write([]byte(unix))
		mac.Write([]byte{'.'})
		mac.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}
