package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// UnsubscribePath is the dashboard path of unsubscribe links; the token is
// its "token" query parameter. The route must work without signing in
// (the token is the credential) and accept POST for RFC 8058 one-click
// unsubscribe as well as GET.
const UnsubscribePath = "/notifications/unsubscribe"

// The token is base64url("v1.<user>.<kind>") "." base64url(HMAC-SHA256).
// It does not expire: an old email's link must keep working, and all it can
// do is turn one kind of email off for one person.
const unsubscribeVersion = "v1"

// SignUnsubscribe returns the token that turns userID's email of kind off.
func SignUnsubscribe(key []byte, userID int64, kind models.NotificationKind) string {
	msg := unsubscribeVersion + "." + strconv.FormatInt(userID, 10) + "." + string(kind)
	return base64.RawURLEncoding.EncodeToString([]byte(msg)) + "." + base64.RawURLEncoding.EncodeToString(unsubscribeMAC(key, msg))
}

func unsubscribeMAC(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("factdesk unsubscribe\x00"))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// VerifyUnsubscribe checks a token made by SignUnsubscribe with key and
// returns whom and what it unsubscribes. A malformed or forged token is
// EInvalid with a message for people.
func VerifyUnsubscribe(key []byte, token string) (int64, models.NotificationKind, error) {
	bad := models.Errorf(models.EInvalid, "this unsubscribe link is not valid: open it from the email again, or change your settings after signing in")
	if len(key) == 0 {
		return 0, "", bad
	}
	msgPart, macPart, ok := strings.Cut(strings.TrimSpace(token), ".")
	if !ok {
		return 0, "", bad
	}
	msg, err1 := base64.RawURLEncoding.DecodeString(msgPart)
	mac, err2 := base64.RawURLEncoding.DecodeString(macPart)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, unsubscribeMAC(key, string(msg))) {
		return 0, "", bad
	}
	parts := strings.Split(string(msg), ".")
	if len(parts) != 3 || parts[0] != unsubscribeVersion {
		return 0, "", bad
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	kind := models.NotificationKind(parts[2])
	if err != nil || id <= 0 || !kind.Valid() {
		return 0, "", bad
	}
	return id, kind, nil
}

// Unsubscribe verifies token and turns that kind of email off for its
// user, returning them and the kind for the confirmation page. The inbox
// still receives the kind.
func Unsubscribe(ctx context.Context, st *store.Store, key []byte, token string) (*models.User, models.NotificationKind, error) {
	id, kind, err := VerifyUnsubscribe(key, token)
	if err != nil {
		return nil, "", err
	}
	var u *models.User
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		if u, err = tx.User(ctx, id); err != nil {
			return err
		}
		return tx.SetNotificationPref(ctx, id, kind, models.DeliveryOff)
	})
	if err != nil {
		return nil, "", err
	}
	return u, kind, nil
}
