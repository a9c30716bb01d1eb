package auth

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// MinPasswordLength follows NIST SP 800-63B's advice: length over
// composition rules.
const MinPasswordLength = 10

// TokenTTL is how long an API token lives.
const TokenTTL = 30 * 24 * time.Hour

// Service manages users and credentials.
type Service struct {
	store   *store.Store
	limiter limiter
	now     func() time.Time
	// verify checks a password against its hash; tests wrap it to count
	// how many attempts get this far.
	verify func(hash, password string) bool
	// OnDeactivate runs in the transaction that deactivates a user, after
	// their API tokens are revoked; the dashboard revokes sessions here.
	OnDeactivate []func(ctx context.Context, tx *store.Tx, userID int64) error
	// tokens remembers recently seen API tokens (tokencache.go).
	tokens *tokenCache
}

// NewService returns a Service over s.
func NewService(s *store.Store) *Service {
	return &Service{
		store:   s,
		limiter: limiter{store: s},
		now:     func() time.Time { return time.Now().UTC() },
		verify:  CheckPassword,
		tokens:  &tokenCache{ttl: DefaultTokenCacheTTL},
	}
}

// NewUser is the input of CreateUser.
type NewUser struct {
	Email    string      `json:"email"`
	Name     string      `json:"name"`
	Role     models.Role `json:"role"`
	Password string      `json:"password"`
	// Kind is person (the default) or service: a machine account, given
	// without email or password (tokens.go).
	Kind models.UserKind `json:"kind"`
}

// CreateUser adds a user. actor is nil only for bootstrap and the CLI.
func (s *Service) CreateUser(ctx context.Context, actor *models.User, in NewUser) (*models.User, error) {
	if actor != nil && !(actor.Active && actor.Role == models.RoleAdmin) {
		return nil, models.Errorf(models.EForbidden, "only an admin may create users")
	}
	if in.Kind == models.KindService {
		return s.createServiceAccount(ctx, in)
	}
	if in.Kind != "" && in.Kind != models.KindPerson {
		return nil, models.Invalid("the user is not valid", models.FieldError{Field: "kind", Message: "must be person or service"})
	}
	u := &models.User{Email: strings.TrimSpace(in.Email), Name: strings.TrimSpace(in.Name), Role: in.Role, Active: true, Kind: models.KindPerson}
	var fields []models.FieldError
	if addr, err := mail.ParseAddress(u.Email); err != nil || addr.Address != u.Email {
		fields = append(fields, models.FieldError{Field: "email", Message: "must be an email address such as ana@example.org"})
	}
	if fe := checkName(u.Name); fe != nil {
		fields = append(fields, *fe)
	}
	if !u.Role.Valid() {
		fields = append(fields, models.FieldError{Field: "role", Message: models.MustBeOneOf(models.Roles)})
	}
	if fe := checkPassword(in.Password); fe != nil {
		fields = append(fields, *fe)
	}
	if len(fields) > 0 {
		return nil, models.Invalid("the user is not valid", fields...)
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	err = s.store.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) })
	if err != nil {
		return nil, err
	}
	return u, nil
}

// checkName refuses characters that change how the text around a name
// reads without showing themselves: bidi overrides and isolates, direction
// marks, zero-width characters, line and paragraph separators, and every
// control character. A name sits beside other people's words in the history
// and on the board, so "Ana\u202e" could make them read backwards, and two
// names that look the same could belong to two people. They are refused,
// not stripped, so what is stored is exactly what the admin typed.
func checkName(name string) *models.FieldError {
	if name == "" || utf8.RuneCountInString(name) > 200 {
		return &models.FieldError{Field: "name", Message: "a name of 1 to 200 characters is required"}
	}
	for _, r := range name {
		if invisibleInName(r) {
			return &models.FieldError{Field: "name", Message: fmt.Sprintf("must not contain the invisible or control character %U", r)}
		}
	}
	return nil
}

func invisibleInName(r rune) bool {
	switch {
	case unicode.IsControl(r): // C0, DEL and C1, tabs and newlines among them
		return true
	case r >= 0x200b && r <= 0x200f, // zero-width space, (non-)joiner, direction marks
		r >= 0x202a && r <= 0x202e, // bidi embeddings and overrides
		r >= 0x2060 && r <= 0x2064, // word joiner and invisible operators
		r >= 0x2066 && r <= 0x2069, // bidi isolates
		r == 0x2028 || r == 0x2029, // line and paragraph separators
		r == 0x061c, r == 0xfeff, r == 0x180e, r == 0x00ad:
		return true
	}
	return false
}

func checkPassword(p string) *models.FieldError {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return &models.FieldError{Field: "password", Message: fmt.Sprintf("use at least %d characters", MinPasswordLength)}
	}
	if len(p) > 72 { // bcrypt ignores everything past 72 bytes
		return &models.FieldError{Field: "password", Message: "use at most 72 bytes"}
	}
	return nil
}

// UserPatch is a partial edit of a user.
type UserPatch struct {
	Name     models.Optional[string]      `json:"name"`
	Role     models.Optional[models.Role] `json:"role"`
	Active   models.Optional[bool]        `json:"active"`
	Password models.Optional[string]      `json:"password"`
}

// UpdateUser changes a user's name, role, active flag or password.
// Deactivating revokes every credential the user holds. The last active
// admin cannot be demoted or deactivated, so the desk is never locked out.
func (s *Service) UpdateUser(ctx context.Context, actor *models.User, id int64, p UserPatch) (*models.User, error) {
	if !(actor.Active && actor.Role == models.RoleAdmin) {
		return nil, models.Errorf(models.EForbidden, "only an admin may change users")
	}
	var fields []models.FieldError
	if p.Role.Set && !p.Role.Value.Valid() {
		fields = append(fields, models.FieldError{Field: "role", Message: models.MustBeOneOf(models.Roles)})
	}
	if p.Name.Set {
		if fe := checkName(strings.TrimSpace(p.Name.Value)); fe != nil {
			fields = append(fields, *fe)
		}
	}
	if p.Active.Set && p.Active.Null {
		fields = append(fields, models.FieldError{Field: "active", Message: "must be true or false"})
	}
	if p.Password.Set {
		if fe := checkPassword(p.Password.Value); fe != nil {
			fields = append(fields, *fe)
		}
	}
	if len(fields) > 0 {
		return nil, models.Invalid("the change is not valid", fields...)
	}
	var u *models.User
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.LockUser(ctx, id); err != nil {
			return err
		}
		if p.Password.Set && u.IsService() {
			return models.Invalid("the change is not valid", models.FieldError{Field: "password",
				Message: "a service account has no password; it signs in with integration tokens"})
		}
		wasAdmin := u.Role == models.RoleAdmin && u.Active
		if p.Name.Set {
			u.Name = strings.TrimSpace(p.Name.Value)
		}
		if p.Role.Set {
			u.Role = p.Role.Value
		}
		deactivated := false
		if p.Active.Set {
			deactivated = u.Active && !p.Active.Value
			u.Active = p.Active.Value
		}
		if p.Password.Set {
			if u.PasswordHash, err = HashPassword(p.Password.Value); err != nil {
				return err
			}
		}
		if wasAdmin && !(u.Role == models.RoleAdmin && u.Active) {
			n, err := tx.CountActiveAdmins(ctx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return models.Errorf(models.EConflict, "%s is the last active admin; make someone else admin first", u.Email)
			}
		}
		if err := tx.SaveUser(ctx, u); err != nil {
			return err
		}
		if deactivated || p.Password.Set {
			if err := tx.RevokeTokens(ctx, u.ID, s.now()); err != nil {
				return err
			}
			for _, h := range s.OnDeactivate {
				if err := h(ctx, tx, u.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Other processes hear of it through TokensChannel; this one need not
	// wait for its own notification.
	s.tokens.forget(u.ID)
	return u, nil
}

// Login checks an email and password. Attempts are counted per account and
// per client address before the password is looked at, so parallel guesses
// cannot slip in while bcrypt runs; past the limit every attempt is refused
// until the window passes, whether or not the password is right. The
// refusal carries the wait (models.RetryAfterOf).
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (*models.User, error) {
	now := s.now().Truncate(time.Microsecond) // PostgreSQL's precision
	email = strings.TrimSpace(email)
	keys := keysFor(email, clientIP)
	if err := s.limiter.reserve(ctx, keys, now); err != nil {
		return nil, err
	}
	u, err := s.store.UserByEmail(ctx, email)
	hash := ""
	if err == nil {
		hash = u.PasswordHash
	} else if !models.IsCode(err, models.ENotFound) {
		return nil, err
	}
	if !s.verify(hash, password) || !u.Active {
		return nil, models.Errorf(models.EUnauthorized, "wrong email or password")
	}
	if err := s.limiter.succeeded(ctx, keys, now); err != nil {
		return nil, err
	}
	return u, nil
}

// IssueToken logs in and returns a new API token for the user.
func (s *Service) IssueToken(ctx context.Context, email, password, clientIP string) (string, *models.User, error) {
	u, err := s.Login(ctx, email, password, clientIP)
	if err != nil {
		return "", nil, err
	}
	token, hash := NewToken()
	now := s.now()
	err = s.store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.CreateToken(ctx, &models.APIToken{UserID: u.ID, TokenHash: hash, Name: "api", CreatedAt: now, ExpiresAt: now.Add(TokenTTL)})
	})
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// Bootstrap creates the first admin when the desk has no users. It reports
// whether it created one.
func (s *Service) Bootstrap(ctx context.Context, email, password string) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	_, err = s.CreateUser(ctx, nil, NewUser{Email: email, Name: "Administrator", Role: models.RoleAdmin, Password: password})
	if models.IsCode(err, models.EConflict) { // another process bootstrapped first
		return false, nil
	}
	return err == nil, err
}

// SetPassword sets a person's password from the command line (there is no
// actor: whoever runs the command holds the database). It revokes the
// user's tokens and sessions as a password change from the API does.
func (s *Service) SetPassword(ctx context.Context, email, password string) (*models.User, error) {
	if fe := checkPassword(password); fe != nil {
		return nil, models.Invalid("the password is not valid", *fe)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	found, err := s.store.UserByEmail(ctx, strings.TrimSpace(email))
	if err != nil {
		return nil, err
	}
	var u *models.User
	err = s.store.WithTx(ctx, func(tx *store.Tx) error {
		if u, err = tx.LockUser(ctx, found.ID); err != nil {
			return err
		}
		if u.IsService() {
			return models.Errorf(models.EInvalid, "%s is a service account: it has no password", u.Email)
		}
		u.PasswordHash = hash
		if err := tx.SaveUser(ctx, u); err != nil {
			return err
		}
		if err := tx.RevokeTokens(ctx, u.ID, s.now()); err != nil {
			return err
		}
		for _, h := range s.OnDeactivate {
			if err := h(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
