// Package param reads the path and query parameters the API and the
// dashboard share, so both read them one way.
package param

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// ID reads a numeric path parameter; a non-number is a plain 404, since no
// such resource can exist.
func ID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.Errorf(models.ENotFound, "%s %q not found", strings.TrimSuffix(name, "_id"), c.Param(name))
	}
	return id, nil
}

// Assignee reads ?assignee=, a user id, "me" (the user me) or "none"
// (store.Unassigned: claims nobody is assigned to); absent means anyone. ok
// is false when the value is none of these.
func Assignee(c *gin.Context, me *models.User) (id int64, ok bool) {
	return assignee(c.Query("assignee"), me)
}

func assignee(a string, me *models.User) (id int64, ok bool) {
	switch a {
	case "":
		return 0, true
	case "me":
		return me.ID, true
	case "none":
		return store.Unassigned, true
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		return id, err == nil && id > 0
	}
}

// MaxBodyBytes caps request bodies, JSON and forms alike.
const MaxBodyBytes = 1 << 20
