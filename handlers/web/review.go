package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/web"
	"github.com/factdesk/factdesk/workflow"
)

// reviewLimit bounds the page: each row asks the workflow what the editor
// may do, and a queue longer than this needs triage, not scrolling.
const reviewLimit = 50

type confirmView struct {
	ClaimID int64
	Version int
	Allowed bool
	Reason  string
	// Checks are the pre-publish checks; Blocked asks for an override.
	Checks  []workflow.CheckResult
	Blocked bool
}

type reviewItem struct {
	Card     web.Card
	Proposer string
	Confirm  *confirmView
}

type reviewView struct{ Items []reviewItem }

// webReview is the editors' approval queue. The Confirm button comes from
// the workflow's options, so four eyes shows as a disabled button with the
// reason.
func (s *Server) webReview(c *gin.Context) {
	ctx := c.Request.Context()
	u := actor(c)
	claims, err := s.store.ReviewQueue(ctx, reviewLimit)
	if err != nil {
		s.respondError(c, err)
		return
	}
	ppl, err := s.people(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	cards := ppl.cards(claims, time.Now().UTC())
	v := reviewView{}
	for i, card := range cards {
		item := reviewItem{Card: card}
		if last, err := s.store.LastTransition(ctx, claims[i].ID); err != nil {
			s.respondError(c, err)
			return
		} else if last != nil && last.ActorID != nil {
			item.Proposer = ppl.name(*last.ActorID)
		}
		opts, err := s.engine.OptionsFor(ctx, u, &claims[i])
		if err != nil {
			s.respondError(c, err)
			return
		}
		for _, o := range opts {
			if o.Action == models.ActionConfirm {
				item.Confirm = &confirmView{ClaimID: claims[i].ID, Version: claims[i].Version, Allowed: o.Allowed, Reason: o.Reason,
					Checks: o.Checks, Blocked: anyBlocking(o.Checks)}
			}
		}
		v.Items = append(v.Items, item)
	}
	p := &page{Title: "Review", Nav: "review", Data: v}
	p.flash(c)
	s.render(c, http.StatusOK, "review", p)
}
