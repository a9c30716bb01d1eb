package web

import (
	"context"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
)

// claimNotifyView fills in what notifications add to the claim page: the
// comments with their mentions as links, and whether u follows the claim.
func (s *Server) claimNotifyView(ctx context.Context, u *models.User, v *claimView, comments []models.Comment, ppl people) error {
	r, err := notify.NewRenderer(ctx, s.store)
	if err != nil {
		return err
	}
	for _, cm := range comments {
		v.Comments = append(v.Comments, commentView{ID: cm.ID, Author: ppl.name(cm.AuthorID), At: cm.CreatedAt, Body: cm.Body, HTML: r.Render(cm.Body)})
	}
	v.Following, err = s.store.IsFollowing(ctx, v.Claim.ID, u.ID)
	return err
}
