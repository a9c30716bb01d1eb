package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
)

// webUserUpdate changes a user's role or deactivates or reactivates them
// (admins). Deactivation revokes their tokens and deletes their sessions in
// the same transaction. It happens only from the confirmation page
// (confirm=yes); a deactivation posted without it is sent there instead.
func (s *Server) webUserUpdate(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var patch auth.UserPatch
	if role, ok := c.GetPostForm("role"); ok {
		patch.Role = models.Some(models.Role(role))
	}
	switch active, _ := c.GetPostForm("active"); active {
	case "true":
		patch.Active = models.Some(true)
	case "false":
		if c.PostForm("confirm") != "yes" {
			redirect(c, "/admin/users/"+strconv.FormatInt(id, 10)+"/deactivate")
			return
		}
		patch.Active = models.Some(false)
	case "":
	default:
		s.userFormError(c, models.Invalid("the change is not valid", models.FieldError{Field: "active", Message: "must be true or false"}))
		return
	}
	if !patch.Role.Set && !patch.Active.Set {
		s.userFormError(c, models.Invalid("nothing to change", models.FieldError{Field: "role", Message: "choose a role, or deactivate"}))
		return
	}
	if _, err := s.auth.UpdateUser(c.Request.Context(), actor(c), id, patch); err != nil {
		s.userFormError(c, err)
		return
	}
	redirect(c, "/admin/users?done=user-saved")
}

// webUserDeactivatePage asks an admin to confirm a deactivation: a page of
// its own, so the question is asked without JavaScript too.
func (s *Server) webUserDeactivatePage(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	u, err := s.store.User(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	if !u.Active {
		redirect(c, "/admin/users?done=user-inactive")
		return
	}
	s.render(c, http.StatusOK, "user_deactivate", &page{Title: "Deactivate " + u.Name, Nav: "users", Data: u})
}
