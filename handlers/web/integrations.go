package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
)

// tokenDayChoices are the lives the token form offers.
var tokenDayChoices = []int{7, 30, 90, 180, 365, 730}

type integrationsView struct {
	Accounts []models.User
	Tokens   []auth.Token
	Scopes   []auth.ScopeInfo
	Days     []int
	// Created is the token just issued, with its value: the only time it
	// is ever shown. The page is not stored (no-store).
	Created      *auth.Token
	CreatedValue string
	// Checked keeps the scope boxes of a failed form ticked.
	Checked map[string]bool
}

// webIntegrations lists service accounts and their tokens (admins).
func (s *Server) webIntegrations(c *gin.Context) {
	p := &page{Title: "Integrations", Nav: "integrations"}
	p.flash(c)
	s.renderIntegrations(c, http.StatusOK, p, &integrationsView{})
}

func (s *Server) renderIntegrations(c *gin.Context, status int, p *page, v *integrationsView) {
	ctx := c.Request.Context()
	users, err := s.store.Users(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	for _, u := range users {
		if u.IsService() {
			v.Accounts = append(v.Accounts, u)
		}
	}
	if v.Tokens, err = s.auth.IntegrationTokens(ctx, actor(c)); err != nil {
		s.respondError(c, err)
		return
	}
	v.Scopes, v.Days = auth.ScopeInfos(), tokenDayChoices
	if v.Checked == nil {
		v.Checked = map[string]bool{}
	}
	p.Data = v
	s.render(c, status, "integrations", p)
}

// integrationFormError re-renders the page for errors an admin can fix.
func (s *Server) integrationFormError(c *gin.Context, err error) {
	if code := models.CodeOf(err); code != models.EInvalid && code != models.EConflict {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Integrations", Nav: "integrations", Form: c.Request.PostForm}
	status := s.withProblem(c, p, err)
	v := &integrationsView{Checked: map[string]bool{}}
	for _, sc := range c.PostFormArray("scopes") {
		v.Checked[sc] = true
	}
	s.renderIntegrations(c, status, p, v)
}

// webServiceAccountCreate adds a machine account (admins).
func (s *Server) webServiceAccountCreate(c *gin.Context) {
	in := auth.NewUser{Kind: models.KindService, Name: c.PostForm("name"), Role: models.Role(c.PostForm("role"))}
	if _, err := s.auth.CreateUser(c.Request.Context(), actor(c), in); err != nil {
		s.integrationFormError(c, err)
		return
	}
	redirect(c, "/admin/integrations?done=account-created")
}

// webTokenCreate issues an integration token (admins). It answers with
// the page itself, not a redirect: the token is shown this once and is
// never stored where a redirect could fetch it again.
func (s *Server) webTokenCreate(c *gin.Context) {
	in := auth.NewIntegrationToken{Name: c.PostForm("name")}
	var fields []models.FieldError
	var err error
	if in.UserID, err = strconv.ParseInt(c.PostForm("user_id"), 10, 64); err != nil {
		fields = append(fields, models.FieldError{Field: "user_id", Message: "choose a service account"})
	}
	if in.ExpiresInDays, err = strconv.Atoi(c.PostForm("expires_in_days")); err != nil {
		fields = append(fields, models.FieldError{Field: "expires_in_days", Message: "choose how long the token lives"})
	}
	if v := strings.TrimSpace(c.PostForm("rate_limit_per_minute")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fields = append(fields, models.FieldError{Field: "rate_limit_per_minute", Message: "a whole number of requests a minute, or empty for none"})
		}
		in.RateLimit = &n
	}
	for _, sc := range c.PostFormArray("scopes") {
		in.Scopes = append(in.Scopes, models.Scope(sc))
	}
	if len(fields) > 0 {
		s.integrationFormError(c, models.Invalid("the token is not valid", fields...))
		return
	}
	token, t, err := s.auth.CreateIntegrationToken(c.Request.Context(), actor(c), in)
	if err != nil {
		s.integrationFormError(c, err)
		return
	}
	p := &page{Title: "Integrations", Nav: "integrations", NoticeKind: "ok",
		Notice: "Token issued. Copy it now: it is shown only this once."}
	s.renderIntegrations(c, http.StatusCreated, p, &integrationsView{Created: t, CreatedValue: token})
}

// webTokenRevoke revokes an integration token at once (admins).
func (s *Server) webTokenRevoke(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if _, err := s.auth.RevokeIntegrationToken(c.Request.Context(), actor(c), id); err != nil {
		s.respondError(c, err)
		return
	}
	redirect(c, "/admin/integrations?done=token-revoked")
}
