package api

import (
	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

// Route scopes that are not a models.Scope an integration token holds.
const (
	// scopePublic routes take no token at all.
	scopePublic models.Scope = "(public)"
	// scopeAnyToken routes take any valid token, whatever its scopes.
	scopeAnyToken models.Scope = "(any token)"
	// scopePerson routes take only a person's sign-in token: no
	// integration token, whatever its scopes, manages integrations or
	// keeps saved views (a person's filters of the dashboard).
	scopePerson models.Scope = "(person)"
)

// routeScopes is the third column of the route table (routes.go): the
// scope an integration token needs for each API route, keyed "METHOD
// /template". A person's sign-in token passes every scope; the workflow's
// rules for the account's role apply after it either way.
// TestEveryRouteDeclaresScope fails when a route is missing here, and a
// route missing at run time is refused with a 500 rather than let through.
var routeScopes = map[string]models.Scope{
	"POST /api/v1/auth/token":    scopePublic,
	"GET /api/v1/workflow":       scopePublic,
	"GET /api/v1/openapi.json":   scopePublic,
	"GET /api/docs":              scopePublic,
	"GET /api/docs/assets/:file": scopePublic,
	"GET /api/v1/me":             scopeAnyToken,

	"GET /api/v1/users":       models.ScopeUsersRead,
	"GET /api/v1/users/:id":   models.ScopeUsersRead,
	"GET /api/v1/members":     models.ScopeUsersRead,
	"POST /api/v1/users":      models.ScopeUsersAdmin,
	"PATCH /api/v1/users/:id": models.ScopeUsersAdmin,
	"GET /api/v1/settings":    models.ScopeSettingsRead,
	"PATCH /api/v1/settings":  models.ScopeSettingsAdmin,

	"GET /api/v1/claims":                                      models.ScopeClaimsRead,
	"GET /api/v1/claims/:id":                                  models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/options":                          models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/evidence":                         models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/history":                          models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/comments":                         models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/similar":                          models.ScopeClaimsRead,
	"POST /api/v1/claims/similar":                             models.ScopeClaimsRead,
	"GET /api/v1/articles/:id":                                models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/evidence/:eid/snapshot":           models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/evidence/:eid/captures":           models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/evidence/:eid/captures/:cid":      models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/evidence/:eid/captures/:cid/warc": models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/evidence-packet":                  models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/source-warnings":                  models.ScopeClaimsRead,
	"GET /api/v1/claims/:id/claimreview":                      models.ScopeClaimsRead,
	"GET /api/v1/source-alerts":                               models.ScopeClaimsRead,

	"POST /api/v1/claims":                            models.ScopeClaimsWrite,
	"PATCH /api/v1/claims/:id":                       models.ScopeClaimsWrite,
	"POST /api/v1/claims/bulk":                       models.ScopeClaimsWrite,
	"POST /api/v1/claims/:id/assignments":            models.ScopeClaimsWrite,
	"DELETE /api/v1/claims/:id/assignments/:user_id": models.ScopeClaimsWrite,
	"POST /api/v1/queue/next":                        models.ScopeClaimsWrite,
	"POST /api/v1/claims/:id/transitions":            models.ScopeClaimsWrite,
	"POST /api/v1/claims/:id/comments":               models.ScopeClaimsWrite,

	"POST /api/v1/claims/:id/evidence":              models.ScopeEvidenceWrite,
	"PATCH /api/v1/claims/:id/evidence/:eid":        models.ScopeEvidenceWrite,
	"POST /api/v1/claims/:id/evidence/:eid/retract": models.ScopeEvidenceWrite,
	"POST /api/v1/claims/:id/evidence/:eid/check":   models.ScopeEvidenceWrite,

	"POST /api/v1/articles":            models.ScopeArticlesWrite,
	"POST /api/v1/articles/:id/claims": models.ScopeArticlesWrite,
	"POST /api/v1/factchecks/import":   models.ScopeArticlesWrite,

	"GET /api/v1/claims/export": models.ScopeExportRead,

	"GET /api/v1/sources":        models.ScopeSourcesRead,
	"POST /api/v1/sources":       models.ScopeSourcesWrite,
	"PATCH /api/v1/sources/:id":  models.ScopeSourcesWrite,
	"DELETE /api/v1/sources/:id": models.ScopeSourcesWrite,

	"GET /api/v1/notifications":             models.ScopeNotifications,
	"POST /api/v1/notifications/read":       models.ScopeNotifications,
	"GET /api/v1/notifications/preferences": models.ScopeNotifications,
	"PUT /api/v1/notifications/preferences": models.ScopeNotifications,
	"PUT /api/v1/claims/:id/follow":         models.ScopeNotifications,
	"DELETE /api/v1/claims/:id/follow":      models.ScopeNotifications,

	"GET /api/v1/webhooks/event-types":                         models.ScopeWebhooksAdmin,
	"POST /api/v1/webhooks":                                    models.ScopeWebhooksAdmin,
	"GET /api/v1/webhooks":                                     models.ScopeWebhooksAdmin,
	"GET /api/v1/webhooks/:id":                                 models.ScopeWebhooksAdmin,
	"PATCH /api/v1/webhooks/:id":                               models.ScopeWebhooksAdmin,
	"DELETE /api/v1/webhooks/:id":                              models.ScopeWebhooksAdmin,
	"POST /api/v1/webhooks/:id/rotate-secret":                  models.ScopeWebhooksAdmin,
	"POST /api/v1/webhooks/:id/ping":                           models.ScopeWebhooksAdmin,
	"GET /api/v1/webhooks/:id/deliveries":                      models.ScopeWebhooksAdmin,
	"POST /api/v1/webhooks/:id/deliveries/:event_id/redeliver": models.ScopeWebhooksAdmin,
	"POST /api/v1/webhooks/:id/recover":                        models.ScopeWebhooksAdmin,

	// Saved views are a person's filters of the board and the list.
	"GET /api/v1/views":        scopePerson,
	"POST /api/v1/views":       scopePerson,
	"GET /api/v1/views/:id":    scopePerson,
	"PATCH /api/v1/views/:id":  scopePerson,
	"DELETE /api/v1/views/:id": scopePerson,

	"GET /api/v1/tokens":             scopePerson,
	"GET /api/v1/tokens/scopes":      scopePerson,
	"POST /api/v1/tokens":            scopePerson,
	"GET /api/v1/tokens/:id":         scopePerson,
	"POST /api/v1/tokens/:id/revoke": scopePerson,
}

// RouteScope is the scope route (METHOD /template) needs, and false for a
// route the table does not list.
func RouteScope(route string) (models.Scope, bool) {
	sc, ok := routeScopes[route]
	return sc, ok
}

// allowScope refuses an integration token that lacks the route's scope,
// naming the scope. It runs after requireUser.
func allowScope(c *gin.Context, t *models.APIToken) error {
	route := c.Request.Method + " " + c.FullPath()
	sc, ok := routeScopes[route]
	switch {
	case !ok:
		return models.Errorf(models.EInternal, "api: route %s declares no scope", route)
	case sc == scopePublic || sc == scopeAnyToken || !t.Integration():
		return nil
	case sc == scopePerson:
		return models.Errorf(models.EForbidden, "integration tokens may not call %s: it takes a person's sign-in token", route)
	case !t.HasScope(sc):
		return models.Errorf(models.EForbidden, "this token lacks the scope %s, which %s needs", sc, route)
	}
	return nil
}

// ScopedRoutes lists the routes the table declares, for its test.
func ScopedRoutes() []string {
	out := make([]string, 0, len(routeScopes))
	for k := range routeScopes {
		out = append(out, k)
	}
	return out
}
