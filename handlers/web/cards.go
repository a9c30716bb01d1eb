package web

import (
	"context"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/web"
)

// people maps user ids to users for naming actors and assignees. The desk
// has tens of users, so one query per page is cheaper than joins
// everywhere.
type people map[int64]models.User

func (s *Server) people(ctx context.Context) (people, error) {
	us, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make(people, len(us))
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}

func (p people) name(id int64) string {
	if u, ok := p[id]; ok {
		return u.Name
	}
	return "a former user"
}

func (p people) cards(claims []models.Claim, now time.Time) []web.Card {
	out := make([]web.Card, len(claims))
	for i := range claims {
		c := &claims[i]
		v := web.Card{Claim: c, Overdue: c.Overdue(now)}
		for _, a := range c.Assignees {
			v.Assignees = append(v.Assignees, p.name(a.UserID))
		}
		out[i] = v
	}
	return out
}

// withProposers names the proposer on the cards of claims waiting for
// review, of one list or more, in one query.
func (s *Server) withProposers(ctx context.Context, cards []web.Card, ppl people, more ...[]web.Card) error {
	lists := append([][]web.Card{cards}, more...)
	var ids []int64
	for _, cards := range lists {
		for _, c := range cards {
			if c.Claim.State == models.StateVerified || c.Claim.State == models.StateDisputed {
				ids = append(ids, c.Claim.ID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	by, err := s.store.Proposers(ctx, ids)
	if err != nil {
		return err
	}
	for _, cards := range lists {
		for i := range cards {
			if id, ok := by[cards[i].Claim.ID]; ok {
				cards[i].Proposer = ppl.name(id)
			}
		}
	}
	return nil
}
