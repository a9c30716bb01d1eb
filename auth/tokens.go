package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Integration token limits.
const (
	// DefaultTokenDays is an integration token's life when none is given.
	DefaultTokenDays = 90
	// MaxTokenDays is the longest life an integration token may have, so
	// every credential an integration holds runs out and is re-issued.
	MaxTokenDays = 730
	// MaxRateLimit is the largest per-minute limit a token may be given.
	MaxRateLimit = 100000
)

// serviceEmailDomain names service accounts' placeholder addresses: the
// .invalid top-level domain never resolves (RFC 2606), so no message can
// reach one, and the notification mailer skips service accounts anyway.
const serviceEmailDomain = "service.invalid"

// createServiceAccount adds a machine account: a name and a role, no
// password, and an address made from the name (it identifies the
// account; nothing is ever sent to it).
func (s *Service) createServiceAccount(ctx context.Context, in NewUser) (*models.User, error) {
	u := &models.User{Name: strings.TrimSpace(in.Name), Role: in.Role, Active: true, Kind: models.KindService}
	var fields []models.FieldError
	if fe := checkName(u.Name); fe != nil {
		fields = append(fields, *fe)
	}
	if !u.Role.Valid() {
		fields = append(fields, models.FieldError{Field: "role", Message: models.MustBeOneOf(models.Roles)})
	}
	if in.Email != "" {
		fields = append(fields, models.FieldError{Field: "email", Message: "a service account has no email; leave it out"})
	}
	if in.Password != "" {
		fields = append(fields, models.FieldError{Field: "password", Message: "a service account has no password; issue it integration tokens"})
	}
	if len(fields) > 0 {
		return nil, models.Invalid("the service account is not valid", fields...)
	}
	u.Email = serviceSlug(u.Name) + "@" + serviceEmailDomain
	err := s.store.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) })
	if models.IsCode(err, models.EConflict) {
		return nil, models.Errorf(models.EConflict, "a service account named like %q (%s) already exists", u.Name, u.Email)
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// serviceSlug is the local part of a service account's address: the
// name's letters and digits, lowercased, other runs joined by a dash.
func serviceSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "service"
	}
	return b.String()[:min(b.Len(), 60)]
}

// NewIntegrationToken is the input of CreateIntegrationToken.
type NewIntegrationToken struct {
	UserID int64          `json:"user_id"`
	Name   string         `json:"name"`
	Scopes []models.Scope `json:"scopes"`
	// ExpiresInDays is the token's life: DefaultTokenDays when 0, at most
	// MaxTokenDays.
	ExpiresInDays int `json:"expires_in_days"`
	// RateLimit is requests per minute; nil or 0 is unlimited.
	RateLimit *int `json:"rate_limit_per_minute"`
}

// CreateIntegrationToken issues a token for a service account. The token
// is returned this once; only its hash is kept.
func (s *Service) CreateIntegrationToken(ctx context.Context, actor *models.User, in NewIntegrationToken) (string, *Token, error) {
	if err := requireAdminPerson(actor); err != nil {
		return "", nil, err
	}
	name := strings.TrimSpace(in.Name)
	var fields []models.FieldError
	if name == "" || utf8.RuneCountInString(name) > 100 || strings.ContainsFunc(name, invisibleInName) {
		fields = append(fields, models.FieldError{Field: "name", Message: "a name of 1 to 100 visible characters is required, e.g. cms-publisher"})
	}
	scopes, fe := checkScopes(in.Scopes)
	if fe != nil {
		fields = append(fields, *fe)
	}
	days := in.ExpiresInDays
	if days == 0 {
		days = DefaultTokenDays
	}
	if days < 1 || days > MaxTokenDays {
		fields = append(fields, models.FieldError{Field: "expires_in_days", Message: fmt.Sprintf("must be from 1 to %d days", MaxTokenDays)})
	}
	var limit *int
	if in.RateLimit != nil && *in.RateLimit != 0 {
		if *in.RateLimit < 0 || *in.RateLimit > MaxRateLimit {
			fields = append(fields, models.FieldError{Field: "rate_limit_per_minute", Message: fmt.Sprintf("must be from 1 to %d requests a minute, or 0 for none", MaxRateLimit)})
		}
		limit = in.RateLimit
	}
	if in.UserID <= 0 {
		fields = append(fields, models.FieldError{Field: "user_id", Message: "name the service account the token is for"})
	}
	if len(fields) > 0 {
		return "", nil, models.Invalid("the token is not valid", fields...)
	}
	token, hash := NewToken()
	now := s.now()
	var out *store.IntegrationToken
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		u, err := tx.LockUser(ctx, in.UserID)
		if models.IsCode(err, models.ENotFound) {
			return models.Invalid("the token is not valid", models.FieldError{Field: "user_id", Message: fmt.Sprintf("there is no user %d", in.UserID)})
		}
		if err != nil {
			return err
		}
		if !u.IsService() {
			return models.Invalid("the token is not valid", models.FieldError{Field: "user_id",
				Message: fmt.Sprintf("%s is a person; integration tokens are issued to service accounts", u.Name)})
		}
		if !u.Active {
			return models.Errorf(models.EConflict, "service account %s is deactivated; reactivate it first", u.Name)
		}
		t := &models.APIToken{UserID: u.ID, TokenHash: hash, Name: name, CreatedAt: now, ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour),
			Scopes: scopes, RateLimit: limit, CreatedBy: &actor.ID}
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		out, err = tx.IntegrationTokenByID(ctx, t.ID)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, s.view(out), nil
}

// checkScopes validates and orders a token's scopes as models.Scopes
// lists them, dropping repeats.
func checkScopes(in []models.Scope) (models.StringArray, *models.FieldError) {
	if len(in) == 0 {
		return nil, &models.FieldError{Field: "scopes", Message: "give at least one scope: " + scopeList()}
	}
	for _, sc := range in {
		if !sc.Valid() {
			return nil, &models.FieldError{Field: "scopes", Message: fmt.Sprintf("%q is not a scope; use %s", sc, scopeList())}
		}
	}
	out := models.StringArray{}
	for _, sc := range models.Scopes {
		if slices.Contains(in, sc) {
			out = append(out, string(sc))
		}
	}
	return out, nil
}

func scopeList() string {
	names := make([]string, len(models.Scopes))
	for i, sc := range models.Scopes {
		names[i] = string(sc)
	}
	return strings.Join(names, ", ")
}

// RevokeIntegrationToken revokes a token at once: its next request is
// refused, in every process (the lookup reads the row each time).
func (s *Service) RevokeIntegrationToken(ctx context.Context, actor *models.User, id int64) (*Token, error) {
	if err := requireAdminPerson(actor); err != nil {
		return nil, err
	}
	var out *store.IntegrationToken
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeToken(ctx, id, s.now()); err != nil {
			return err
		}
		var err error
		out, err = tx.IntegrationTokenByID(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Other processes hear of it through TokensChannel; this one refuses
	// the token from its next request.
	s.tokens.forget(out.UserID)
	return s.view(out), nil
}

// Token is an integration token as admins see it, in the API and the
// dashboard: everything but the token itself, which is shown only when
// it is issued, and its hash.
type Token struct {
	ID                 int64       `json:"id"`
	Name               string      `json:"name"`
	UserID             int64       `json:"user_id"`
	UserName           string      `json:"user_name"`
	UserRole           models.Role `json:"user_role"`
	Scopes             []string    `json:"scopes"`
	RateLimitPerMinute *int        `json:"rate_limit_per_minute"`
	CreatedAt          time.Time   `json:"created_at"`
	CreatedBy          *int64      `json:"created_by"`
	CreatedByName      string      `json:"created_by_name"`
	ExpiresAt          time.Time   `json:"expires_at"`
	LastUsedAt         *time.Time  `json:"last_used_at"`
	LastUsedIP         *string     `json:"last_used_ip"`
	RevokedAt          *time.Time  `json:"revoked_at"`
	// Status is active, expired or revoked (a deactivated account's
	// tokens are revoked with it).
	Status string `json:"status"`
}

func (s *Service) view(t *store.IntegrationToken) *Token {
	v := &Token{ID: t.ID, Name: t.Name, UserID: t.UserID, UserName: t.UserName, UserRole: t.UserRole, Scopes: t.Scopes,
		RateLimitPerMinute: t.RateLimit, CreatedAt: t.CreatedAt, CreatedBy: t.CreatedBy, CreatedByName: t.CreatedByName,
		ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, LastUsedIP: t.LastUsedIP, RevokedAt: t.RevokedAt, Status: "active"}
	switch {
	case t.RevokedAt != nil:
		v.Status = "revoked"
	case !t.ExpiresAt.After(s.now()):
		v.Status = "expired"
	}
	return v
}

// IntegrationTokens lists every integration token, newest first (admins).
func (s *Service) IntegrationTokens(ctx context.Context, actor *models.User) ([]Token, error) {
	if err := requireAdminPerson(actor); err != nil {
		return nil, err
	}
	rows, err := s.store.IntegrationTokens(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Token, len(rows))
	for i := range rows {
		out[i] = *s.view(&rows[i])
	}
	return out, nil
}

// IntegrationToken loads one integration token (admins).
func (s *Service) IntegrationToken(ctx context.Context, actor *models.User, id int64) (*Token, error) {
	if err := requireAdminPerson(actor); err != nil {
		return nil, err
	}
	t, err := s.store.IntegrationTokenByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(t), nil
}

// ScopeInfo describes one scope, for the API and the dashboard.
type ScopeInfo struct {
	Scope       models.Scope `json:"scope"`
	Description string       `json:"description"`
}

// ScopeInfos lists every scope with what it opens.
func ScopeInfos() []ScopeInfo {
	out := make([]ScopeInfo, len(models.Scopes))
	for i, sc := range models.Scopes {
		out[i] = ScopeInfo{Scope: sc, Description: scopeDescriptions[sc]}
	}
	return out
}

var scopeDescriptions = map[models.Scope]string{
	models.ScopeClaimsRead:    "read claims, history, evidence, captures, comments, similar claims, articles, source alerts",
	models.ScopeClaimsWrite:   "file and edit claims, assign, take from the queue, workflow actions, bulk changes, comments",
	models.ScopeEvidenceWrite: "add, correct, retract and re-check evidence",
	models.ScopeArticlesWrite: "import articles and file their claims; import other outlets' fact-checks",
	models.ScopeExportRead:    "stream the claim export (CSV, JSON Lines)",
	models.ScopeSourcesRead:   "read the source registry",
	models.ScopeSourcesWrite:  "change the source registry",
	models.ScopeUsersRead:     "list users and desk members",
	models.ScopeUsersAdmin:    "create and change users",
	models.ScopeSettingsRead:  "read the desk settings",
	models.ScopeSettingsAdmin: "change the desk settings",
	models.ScopeWebhooksAdmin: "manage webhook endpoints and their deliveries",
	models.ScopeNotifications: "the account's own notifications, preferences and follows",
}

// requireAdminPerson lets only active human admins manage integrations:
// a machine account never mints credentials, whatever its role.
func requireAdminPerson(actor *models.User) error {
	if actor == nil || !actor.Active || actor.Role != models.RoleAdmin || actor.IsService() {
		return models.Errorf(models.EForbidden, "only an admin may manage integration tokens")
	}
	return nil
}

// Authenticate resolves a bearer token to its active user and the token.
// A person's sign-in token and an integration token are looked up alike,
// in one indexed statement. An integration token's use is recorded (time
// and address) at most once a minute, and a token with a rate limit
// counts the request first: past the limit it is refused until the
// minute ends, with the wait.
func (s *Service) Authenticate(ctx context.Context, token, clientIP string) (*models.User, *models.APIToken, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, nil, models.Errorf(models.EUnauthorized, "the token is not valid")
	}
	hash, now := HashToken(token), s.now()
	u, t, cached := s.tokens.get(hash, now)
	if !cached {
		var err error
		u, t, err = s.store.TokenAuth(ctx, hash, now)
		if models.IsCode(err, models.ENotFound) {
			return nil, nil, models.Errorf(models.EUnauthorized, "the token is not valid, expired or revoked")
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if t.RateLimit != nil {
		n, left, err := s.store.CountTokenRequest(ctx, t.ID)
		if err != nil {
			return nil, nil, err
		}
		if n > *t.RateLimit {
			return nil, nil, models.RateLimited(max(left, time.Second), "token rate limit of %d requests a minute reached; retry in %d s", *t.RateLimit, int(max(left, time.Second).Seconds()))
		}
	}
	if t.LastUsedAt == nil || t.LastUsedAt.Before(now.Add(-time.Minute)) {
		if err := s.store.TouchToken(ctx, t.ID, now, clientIP); err != nil {
			return nil, nil, err
		}
		t.LastUsedAt = &now
	}
	s.tokens.put(hash, u, t, now)
	return u, t, nil
}
