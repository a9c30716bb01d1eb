package api

import (
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

// queryParams is the second column of the route table (routes.go): the
// query parameters each API route reads, keyed "METHOD /template". A
// route missing here takes none, so an unknown or misspelt parameter is
// refused rather than silently ignored (?stat=new would otherwise list
// every claim). TestEveryRouteDeclaresQueryParams keeps the two tables in
// step.
var queryParams = map[string][]string{
	"GET /api/v1/claims":                  {"state", "verdict", "priority", "tag", "q", "assignee", "cursor", "limit"},
	"GET /api/v1/claims/:id/similar":      {"limit"},
	"GET /api/v1/webhooks/:id/deliveries": {"status", "event_type", "cursor", "limit"},
	"GET /api/v1/claims/export":           {"format", "ids", "state", "verdict", "priority", "tag", "q", "assignee", "sort", "dir", "cursor", "limit"},
	"GET /api/v1/notifications":           {"kind", "unread", "before", "limit"},
	"GET /api/v1/members":                 {"q"},
}

// QueryParams lists the query parameters route (METHOD /template) accepts.
func QueryParams(route string) []string { return queryParams[route] }

// knownQuery refuses query parameters the route does not read, naming
// each of them.
func (s *Server) knownQuery(c *gin.Context) {
	q := c.Request.URL.Query()
	if len(q) == 0 {
		c.Next()
		return
	}
	accepted := queryParams[c.Request.Method+" "+c.FullPath()]
	var unknown []string
	for name := range q {
		if !slices.Contains(accepted, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		c.Next()
		return
	}
	sort.Strings(unknown)
	fields := make([]models.FieldError, len(unknown))
	for i, name := range unknown {
		msg := "not a query parameter of this route"
		if len(accepted) > 0 {
			msg += "; it takes " + strings.Join(accepted, ", ")
		}
		fields[i] = models.FieldError{Field: name, Message: msg}
	}
	s.respondError(c, &models.Error{Code: models.EBadRequest,
		Message: "unknown query parameter(s): " + strings.Join(unknown, ", "), Fields: fields})
}
