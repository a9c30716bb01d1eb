package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/web"
	"github.com/factdesk/factdesk/workflow"
)

// queueReviewLimit is how much of the review queue an editor's home shows;
// /review has the rest.
const queueReviewLimit = 10

type queueView struct {
	// ToDo are the claims the user must act on; Waiting their proposed
	// verdicts that wait for an editor.
	ToDo, Waiting []web.Card
	// Review is the start of the review queue, on an editor's home (the
	// page's Counts.Review counts all of it).
	Review   []web.Card
	IsEditor bool
	// New counts new claims nobody has taken, for "Take next claim".
	New int64
}

// webQueue is the home page: what the caller must act on, overdue and most
// urgent first, then what waits for an editor; an editor also sees the
// oldest of the review queue.
func (s *Server) webQueue(c *gin.Context) {
	ctx := c.Request.Context()
	u := actor(c)
	now := time.Now().UTC()
	todo, waiting, err := s.store.MyQueue(ctx, u.ID, now)
	if err != nil {
		s.respondError(c, err)
		return
	}
	waitingNew, err := s.store.QueueWaiting(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	ppl, err := s.people(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	v := queueView{ToDo: ppl.cards(todo, now), Waiting: ppl.cards(waiting, now), New: waitingNew,
		IsEditor: workflow.Can(u, nil, workflow.ViewReview)}
	if v.IsEditor {
		review, err := s.store.ReviewQueue(ctx, queueReviewLimit)
		if err != nil {
			s.respondError(c, err)
			return
		}
		v.Review = ppl.cards(review, now)
	}
	if err := s.withProposers(ctx, v.ToDo, ppl, v.Waiting, v.Review); err != nil {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "My queue", Nav: "queue", Data: &v}
	p.flash(c)
	s.render(c, http.StatusOK, "queue", p)
}
