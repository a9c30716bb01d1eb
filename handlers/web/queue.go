package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

type queueView struct {
	Cards   []cardView
	Waiting int64
}

// webQueue is the home page: the caller's open claims, overdue and most
// urgent first.
func (s *Server) webQueue(c *gin.Context) {
	ctx := c.Request.Context()
	now := time.Now().UTC()
	claims, err := s.store.MyQueue(ctx, actor(c).ID, now)
	if err != nil {
		s.respondError(c, err)
		return
	}
	waiting, err := s.store.QueueWaiting(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	ppl, err := s.people(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "My queue", Nav: "queue", Data: queueView{Cards: ppl.cards(claims, now), Waiting: waiting}}
	p.flash(c)
	s.render(c, http.StatusOK, "queue", p)
}
