package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/web"
)

type overviewView struct {
	O            any
	Open         int64
	Confirmed30  int64
	Median       time.Duration
	StateChart   web.Chart
	DayChart     web.Chart
	CheckerChart web.Chart
	Overdue      []cardView
	// SourceAlerts are confirmed claims whose sources changed since
	// their confirmation, for an editor to review.
	SourceAlerts []store.SourceAlert
}

// overviewSourceAlerts caps the "Sources needing review" card.
const overviewSourceAlerts = 20

// webOverview charts the desk: claims per state, confirmations per day,
// the median time to confirm, each checker's load, and what is overdue.
func (s *Server) webOverview(c *gin.Context) {
	ctx := c.Request.Context()
	now := time.Now().UTC()
	today := now.Truncate(24 * time.Hour)
	since := today.AddDate(0, 0, -29)
	o, err := s.store.Overview(ctx, now, since)
	if err != nil {
		s.respondError(c, err)
		return
	}
	ppl, err := s.people(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	alerts, err := s.store.SourceAlerts(ctx, overviewSourceAlerts)
	if err != nil {
		s.respondError(c, err)
		return
	}
	v := overviewView{O: o, Overdue: ppl.cards(o.Overdue, now), SourceAlerts: alerts}
	if o.MedianToConfirm != nil {
		v.Median = *o.MedianToConfirm
	}

	byState := map[models.State]int64{}
	for _, sc := range o.ByState {
		byState[sc.State] = sc.N
		if sc.State.Open() {
			v.Open += sc.N
		}
	}
	var stateBars []web.Bar
	for _, st := range models.States {
		stateBars = append(stateBars, web.Bar{Label: web.StateLabel(st), Value: byState[st], Class: "state-" + string(st)})
	}
	v.StateChart = web.HBarChart("by-state", "Claims per state", "Number of claims in each workflow state.", stateBars)

	perDay := map[string]int64{}
	for _, d := range o.ConfirmedPerDay {
		perDay[d.Day.UTC().Format("2006-01-02")] = d.N
	}
	var dayBars []web.Bar
	for i := 0; i < 30; i++ {
		day := since.AddDate(0, 0, i)
		n := perDay[day.Format("2006-01-02")]
		v.Confirmed30 += n
		dayBars = append(dayBars, web.Bar{Label: day.Format("2 Jan"), Value: n, Class: "state-confirmed"})
	}
	v.DayChart = web.VBarChart("per-day", "Claims confirmed per day, last 30 days",
		fmt.Sprintf("%d claims confirmed between %s and %s.", v.Confirmed30, since.Format("2 Jan"), today.Format("2 Jan")), dayBars)

	var checkerBars []web.Bar
	for _, uc := range o.OpenPerChecker {
		checkerBars = append(checkerBars, web.Bar{Label: uc.Name, Value: uc.N, Class: "state-verifying"})
	}
	v.CheckerChart = web.HBarChart("per-checker", "Open claims per checker", "Open claims each checker is assigned to.", checkerBars)

	s.render(c, http.StatusOK, "overview", &page{Title: "Overview", Nav: "overview", Data: v})
}
