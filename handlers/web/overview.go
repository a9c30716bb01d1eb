package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/web"
)

type overviewView struct {
	// AsOf is when the figures were computed (they are cached for
	// overviewFresh).
	AsOf        time.Time
	O           any
	Open        int64
	Confirmed30 int64
	Median      time.Duration
	// The charts, in the order the page shows them.
	VerdictChart web.Chart
	StatesChart  web.Chart
	StateChart   web.Chart
	DayChart     web.Chart
	CheckerChart web.Chart
	Overdue      []web.Card
	// SourceAlerts are confirmed claims whose sources changed since
	// their confirmation, for an editor to review.
	SourceAlerts []store.SourceAlert
}

// overviewSourceAlerts caps the "Sources needing review" card;
// overviewWeeks is how far back the weekly charts go.
const (
	overviewSourceAlerts = 20
	overviewWeeks        = 12
)

// overviewFresh is how long the overview's figures are reused. They
// aggregate the whole desk (every claim's state, every confirmation's
// time, twelve weeks of state changes: about 180,000 history rows at
// 100,000 claims, 200 ms and more a view) and a newsroom keeps the page
// open all day, so each desk computes them at most twice a minute per time
// zone and the page says when they were computed. Sources needing review
// are read on every view: they are an editor's to-do list, and cheap.
const overviewFresh = 30 * time.Second

// overviewFigures are the overview's aggregates as computed at At.
type overviewFigures struct {
	At      time.Time
	O       *store.Overview
	Times   []store.WeekTimes
	Changes []store.StateChange
}

// overviewCache keeps each time zone's latest figures. The lock is held
// while they are computed, so viewers arriving together wait for one
// computation instead of each running their own.
type overviewCache struct {
	mu      sync.Mutex
	entries map[string]overviewFigures
}

// overviewFigures returns the figures for the days and weeks of zone loc from
// since and firstWeek on, computed at most overviewFresh before now.
func (s *Server) overviewFigures(ctx context.Context, now, since, firstWeek time.Time, loc *time.Location) (overviewFigures, error) {
	c := &s.overviewCache
	c.mu.Lock()
	defer c.mu.Unlock()
	key := loc.String() + " " + since.Format(time.DateOnly)
	if f, ok := c.entries[key]; ok && !now.Before(f.At) && now.Sub(f.At) < overviewFresh {
		return f, nil
	}
	f := overviewFigures{At: now}
	var err error
	if f.O, err = s.store.Overview(ctx, now, since, loc); err != nil {
		return f, err
	}
	if f.Times, err = s.store.TimeToVerdict(ctx, firstWeek, loc); err != nil {
		return f, err
	}
	if f.Changes, err = s.store.StateChanges(ctx, firstWeek, loc); err != nil {
		return f, err
	}
	for k, old := range c.entries {
		if now.Sub(old.At) >= overviewFresh {
			delete(c.entries, k)
		}
	}
	if c.entries == nil {
		c.entries = map[string]overviewFigures{}
	}
	c.entries[key] = f
	return f, nil
}

// webOverview charts the desk: the time to a verdict and the claims in
// each state per week, claims per state now, confirmations per day, the
// median time to confirm, each checker's load, and what is overdue. Days
// and weeks are those of the user's time zone.
func (s *Server) webOverview(c *gin.Context) {
	ctx := c.Request.Context()
	loc := zone(c)
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	since := today.AddDate(0, 0, -29)
	weekStart := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7)) // Monday
	firstWeek := weekStart.AddDate(0, 0, -7*(overviewWeeks-1))
	fig, err := s.overviewFigures(ctx, now, since, firstWeek, loc)
	if err != nil {
		s.respondError(c, err)
		return
	}
	o, times, changes := fig.O, fig.Times, fig.Changes
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
	v := overviewView{AsOf: fig.At, O: o, Overdue: ppl.cards(o.Overdue, fig.At), SourceAlerts: alerts}
	if o.MedianToConfirm != nil {
		v.Median = *o.MedianToConfirm
	}
	weeks := make([]time.Time, overviewWeeks)
	weekLabels := make([]string, overviewWeeks)
	for i := range weeks {
		weeks[i] = firstWeek.AddDate(0, 0, 7*i)
		weekLabels[i] = weeks[i].Format("2 Jan")
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
	v.StateChart = web.HBarChart("by-state", "Claims per state", "Number of claims in each workflow state now.", "State", stateBars)
	v.VerdictChart = verdictChart(times, weeks, weekLabels)
	v.StatesChart = statesChart(byState, changes, weeks, weekLabels)

	perDay := map[string]int64{}
	for _, d := range o.ConfirmedPerDay {
		perDay[d.Day.Format("2006-01-02")] = d.N
	}
	var dayBars []web.Bar
	for i := 0; i < 30; i++ {
		day := since.AddDate(0, 0, i)
		n := perDay[day.Format("2006-01-02")]
		v.Confirmed30 += n
		dayBars = append(dayBars, web.Bar{Label: day.Format("2 Jan"), Value: n, Class: "state-confirmed"})
	}
	v.DayChart = web.VBarChart("per-day", "Claims confirmed per day, last 30 days",
		fmt.Sprintf("%d claims confirmed between %s and %s.", v.Confirmed30, since.Format("2 Jan"), today.Format("2 Jan")),
		"Day", "Claims confirmed", dayBars, 7, 14)

	var checkerBars []web.Bar
	for _, uc := range o.OpenPerChecker {
		checkerBars = append(checkerBars, web.Bar{Label: uc.Name, Value: uc.N, Class: "state-verifying"})
	}
	v.CheckerChart = web.HBarChart("per-checker", "Open claims per checker", "Open claims each checker is assigned to.", "Checker", checkerBars)

	s.render(c, http.StatusOK, "overview", &page{Title: "Overview", Nav: "overview", Data: v})
}

// verdictChart draws the median and 90th percentile of the time from
// filing to confirmation per week, in hours, or in days when that reads
// better.
func verdictChart(times []store.WeekTimes, weeks []time.Time, labels []string) web.Chart {
	byWeek := map[string]store.WeekTimes{}
	longest := 0.0
	for _, t := range times {
		byWeek[t.Week.Format("2006-01-02")] = t
		longest = max(longest, t.P90)
	}
	unit, per := "hours", 3600.0
	if longest > 72*3600 {
		unit, per = "days", 86400.0
	}
	median := web.Series{Name: "Median", Class: "series-median", Values: make([]float64, len(weeks))}
	p90 := web.Series{Name: "90th percentile", Class: "series-p90", Values: make([]float64, len(weeks))}
	valid := make([]bool, len(weeks))
	var n int64
	for i, w := range weeks {
		if t, ok := byWeek[w.Format("2006-01-02")]; ok {
			median.Values[i] = roundTo(t.Median/per, 0.1)
			p90.Values[i] = roundTo(t.P90/per, 0.1)
			valid[i] = true
			n += t.N
		}
	}
	desc := fmt.Sprintf("For the %d confirmations of the last %d weeks, by the week of confirmation: the median and the 90th percentile of the time from filing to confirmation, in %s. The numbers are in the table below.", n, len(weeks), unit)
	return web.LineChart("time-to-verdict", "Time to verdict per week", desc, "Week starting", "Time to confirm ("+unit+")",
		labels, []web.Series{median, p90}, valid, 2, 4)
}

// statesChart stacks the claims in each state at the end of each week:
// today's counts, walked back through each later week's state changes.
func statesChart(now map[models.State]int64, changes []store.StateChange, weeks []time.Time, labels []string) web.Chart {
	index := map[string]int{}
	for i, w := range weeks {
		index[w.Format("2006-01-02")] = i
	}
	delta := make([]map[models.State]int64, len(weeks))
	for i := range delta {
		delta[i] = map[models.State]int64{}
	}
	for _, ch := range changes {
		if i, ok := index[ch.Week.Format("2006-01-02")]; ok {
			delta[i][ch.State] += ch.N
		}
	}
	var series []web.Series
	for _, st := range models.States {
		s := web.Series{Name: web.StateLabel(st), Class: "state-" + string(st), Values: make([]float64, len(weeks))}
		n := now[st]
		for i := len(weeks) - 1; i >= 0; i-- {
			s.Values[i] = float64(max(n, 0))
			n -= delta[i][st]
		}
		series = append(series, s)
	}
	desc := fmt.Sprintf("How many claims were in each workflow state at the end of each of the last %d weeks (the current week: now). The numbers are in the table below.", len(weeks))
	return web.StackedChart("states-over-time", "Claims per state over time", desc, "Week starting", "Claims", labels, series, 2, 4)
}

func roundTo(v, step float64) float64 { return float64(int64(v/step+0.5)) * step }
