package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// Dashboard sessions.
//
// The browser holds 256 random bits in an HttpOnly, SameSite=Lax cookie;
// the database holds only their SHA-256, so reading the sessions table does
// not let anyone sign in. Sessions live in Postgres: they survive restarts,
// every process sees them, and deactivating a user deletes them in the same
// transaction (auth.Service.OnDeactivate).
//
// CSRF is defended twice. Go's http.CrossOriginProtection rejects unsafe
// requests that a modern browser marks as cross-site (Sec-Fetch-Site or
// Origin); and every signed-in form carries the session's synchroniser
// token, checked in constant time, which also covers old browsers that send
// neither header. The sign-in form has no session yet, so it relies on the
// first check alone.

const sessionCookie = "factdesk_session"

const (
	sessionKey = "factdesk.session"
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

func hashSessionID(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:]
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails on supported platforms (Go 1.24+ panics instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// isDashboardPath tells the pages from the API and the probes, which
// authenticate differently and want no session lookup.
func isDashboardPath(p string) bool {
	return !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/static/") && p != "/healthz" && p != "/readyz"
}

// webSession loads the signed-in user from the session cookie, if any, for
// every dashboard path (including unknown ones, so a 404 page still shows
// the navigation).
func (s *Server) webSession(c *gin.Context) {
	if !isDashboardPath(c.Request.URL.Path) {
		c.Next()
		return
	}
	cookie, err := c.Cookie(sessionCookie)
	if err == nil && cookie != "" {
		sess, u, err := s.store.SessionUser(c.Request.Context(), hashSessionID(cookie), time.Now().UTC())
		switch {
		case err == nil:
			c.Set(sessionKey, sess)
			c.Set(actorKey, u)
		case models.IsCode(err, models.EUnauthorized):
			s.clearSessionCookie(c) // expired or revoked: forget it
		case c.Request.Context().Err() != nil:
			// The client went away (a closed tab's event stream): nothing
			// to answer and nothing worth logging as an error.
			c.Abort()
			return
		default:
			s.respondError(c, err)
			return
		}
	}
	c.Next()
}

func session(c *gin.Context) *store.Session {
	v, _ := c.Get(sessionKey)
	sess, _ := v.(*store.Session)
	return sess
}

func csrfToken(c *gin.Context) string {
	if sess := session(c); sess != nil {
		return sess.CSRFToken
	}
	return ""
}

// webRequireUser lets only signed-in users through. A GET is sent to the
// sign-in page and comes back afterwards; anything else gets the 401 page.
func (s *Server) webRequireUser(c *gin.Context) {
	if actor(c) != nil {
		c.Next()
		return
	}
	s.respondError(c, models.Errorf(models.EUnauthorized, "please sign in to continue"))
}

// webRequire lets through only users the workflow grants capability cap.
func (s *Server) webRequire(cap workflow.Capability) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := workflow.CanDo(actor(c), nil, cap); err != nil {
			s.respondError(c, err)
			return
		}
		c.Next()
	}
}

// webCrossOrigin rejects unsafe cross-site requests by their Fetch
// metadata.
func (s *Server) webCrossOrigin(c *gin.Context) {
	if err := s.dash.origin.Check(c.Request); err != nil {
		s.respondError(c, models.Errorf(models.EForbidden, "this form was sent from another site, so it was refused; open factdesk directly and try again"))
		return
	}
	c.Next()
}

// webCSRF checks the session's token on every unsafe request.
func (s *Server) webCSRF(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		c.Next()
		return
	}
	if err := s.dash.origin.Check(c.Request); err != nil {
		s.respondError(c, models.Errorf(models.EForbidden, "this form was sent from another site, so it was refused; open factdesk directly and try again"))
		return
	}
	if c.Request.ContentLength > param.MaxBodyBytes {
		// Said before the body is read: past the limit the token could not
		// be read either, and "the form has expired" would mislead.
		s.respondError(c, models.Errorf(models.ETooLarge, "this form is larger than %d MB, so it was not sent; choose a smaller file", param.MaxBodyBytes>>20))
		return
	}
	sent := c.GetHeader(csrfHeader)
	if sent == "" {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, param.MaxBodyBytes)
		sent = c.PostForm(csrfField)
	}
	want := csrfToken(c)
	if want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		s.respondError(c, models.Errorf(models.EForbidden, "this form has expired or did not come from factdesk; reload the page and try again"))
		return
	}
	c.Next()
}

// secure reports whether the request reached us over TLS, directly or
// through a trusted proxy.
func (s *Server) secure(c *gin.Context) bool {
	if c.Request.TLS != nil {
		return true
	}
	return s.dash.trustProxy && strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https")
}

// clientIP is the address the sign-in limiter counts. Forwarded headers are
// believed only when configured, or anyone could rotate them to dodge the
// limit.
func (s *Server) clientIP(c *gin.Context) string {
	if s.dash != nil && s.dash.trustProxy {
		return c.ClientIP()
	}
	return c.RemoteIP()
}

func (s *Server) setSessionCookie(c *gin.Context, id string, ttl time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", MaxAge: int(ttl.Seconds()),
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode,
	})
}

// startSession stores a new session for u and sets its cookie.
func (s *Server) startSession(c *gin.Context, u *models.User) error {
	id := randomToken()
	now := time.Now().UTC()
	sess := &store.Session{IDHash: hashSessionID(id), UserID: u.ID, CSRFToken: randomToken(), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.dash.sessionTTL)}
	ctx := c.Request.Context()
	if err := s.store.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, sess) }); err != nil {
		return err
	}
	s.setSessionCookie(c, id, s.dash.sessionTTL)
	return nil
}

func queryEscape(s string) string { return url.QueryEscape(s) }
