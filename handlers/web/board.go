package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/web"
	"github.com/factdesk/factdesk/workflow"
)

// boardPerColumn caps the cards per column: a column of thousands helps
// nobody, and the cap keeps the page fast at any size of desk.
const boardPerColumn = 25

type boardColumnView struct {
	State  models.State
	Total  int64
	Capped bool
	Cards  []web.Card
	More   int64
	// MoreURL loads the column's next cards with the same filters.
	MoreURL string
}

type boardView struct {
	F             store.BoardFilter
	AssigneeParam string
	People        []models.User
	Columns       []boardColumnView
	// FragmentURL re-fetches the columns with the same filters for live
	// updates.
	FragmentURL string
	// EventsURL is the board's event stream, stamped with what it shows
	// (the page only: the columns' live refresh keeps the page's stream).
	EventsURL string
	// The bulk bar and the exports (bulk.go, list.go).
	Bulk                   bulkForm
	Filters, Back          string
	Matching               int64
	Capped                 bool
	ExportCSV, ExportJSONL string
	ListURL                string
	// ViewPage and ViewQuery are what "Save view" saves.
	ViewPage  models.ViewPage
	ViewQuery string
}

// boardFilter reads the filters from the URL, so a filtered view can be
// bookmarked and shared.
func boardFilter(c *gin.Context) (store.BoardFilter, error) {
	f := store.BoardFilter{
		Verdict: models.Verdict(c.Query("verdict")), Priority: models.Priority(c.Query("priority")),
		Tag: strings.ToLower(strings.TrimSpace(c.Query("tag"))), Query: strings.TrimSpace(c.Query("q")),
		PerColumn: boardPerColumn,
	}
	var fields []models.FieldError
	if f.Verdict != "" && !f.Verdict.Valid() {
		fields = append(fields, models.FieldError{Field: "verdict", Message: "choose a verdict from the list"})
	}
	if f.Priority != "" && !f.Priority.Valid() {
		fields = append(fields, models.FieldError{Field: "priority", Message: "choose a priority from the list"})
	}
	var ok bool
	if f.Assignee, ok = param.Assignee(c, actor(c)); !ok {
		fields = append(fields, models.FieldError{Field: "assignee", Message: "choose a person from the list"})
	}
	if len(fields) > 0 {
		return f, models.Invalid("the board filter is not valid", fields...)
	}
	return f, nil
}

func (s *Server) boardView(c *gin.Context) (*boardView, error) {
	f, err := boardFilter(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	cols, err := s.store.Board(ctx, f)
	if err != nil {
		return nil, err
	}
	ppl, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, col := range cols {
		for _, cl := range col.Claims {
			ids = append(ids, cl.ID)
		}
	}
	alerts, err := s.store.NeedsSourceReview(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	v := &boardView{F: f, AssigneeParam: c.Query("assignee")}
	// The proposers of every column in one query: the cards share one
	// backing slice, each column a window of it.
	var claims []models.Claim
	for _, col := range cols {
		claims = append(claims, col.Claims...)
	}
	cards := ppl.cards(claims, now)
	if err := s.withProposers(ctx, cards, ppl); err != nil {
		return nil, err
	}
	for _, col := range cols {
		cv := boardColumnView{State: col.State, Total: col.Total, Capped: col.Capped, Cards: cards[:len(col.Claims):len(col.Claims)]}
		cards = cards[len(col.Claims):]
		for i := range cv.Cards {
			cv.Cards[i].SourceAlert = alerts[cv.Cards[i].Claim.ID]
		}
		cv.More = col.Total - int64(len(col.Claims))
		if cv.More > 0 {
			cv.MoreURL = columnMoreURL(c, col.State, &col.Claims[len(col.Claims)-1])
		}
		v.Columns = append(v.Columns, cv)
	}
	v.Bulk = s.bulkFormFor(actor(c), ppl)
	v.People = v.Bulk.People
	q := filterQuery(c)
	q.Del("state")
	v.FragmentURL = withQuery("/board/columns", q)
	v.Filters, v.Back = q.Encode(), withQuery("/board", q)
	v.ExportCSV, v.ExportJSONL = exportLinks(q)
	v.ListURL = withQuery("/claims", q)
	v.ViewPage, v.ViewQuery = models.ViewBoard, q.Encode()
	// "Select all matching" counts what the columns counted: their sum is
	// exact unless a column stopped at its cap, and then there are more
	// matches than a bulk action takes anyway.
	for _, col := range cols {
		v.Matching += col.Total
		v.Capped = v.Capped || col.Capped
	}
	if v.Matching > workflow.MaxBulk {
		v.Matching, v.Capped = workflow.MaxBulk, true
	}
	return v, nil
}

// webBoard shows one column per state with the filters from the URL.
func (s *Server) webBoard(c *gin.Context) {
	// Stamped before the columns are read: a change landing in between
	// makes the stream refresh once more, never miss it.
	latest, err := s.store.LatestHistoryID(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	v, err := s.boardView(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	v.EventsURL = withQuery("/events", url.Values{"shown": {live.DeskStamp(latest)}})
	p := &page{Title: "Board", Nav: "board", Data: v}
	p.flash(c)
	s.render(c, http.StatusOK, "board", p)
}

// columnMoreURL loads the cards of state after last, in the board's order
// (priority, then newest), with the request's filters.
func columnMoreURL(c *gin.Context, state models.State, last *models.Claim) string {
	q := filterQuery(c)
	q.Set("state", string(state))
	q.Set("cursor", store.ListCursorAfter(store.SortPriority, false, last))
	return withQuery("/board/column", q)
}

// webBoardColumn is the next cards of one column, for "load more": the
// board's order is the list's priority sort, so the column pages on as a
// keyset list of that state.
func (s *Server) webBoardColumn(c *gin.Context) {
	f, err := param.ListFilter(c, actor(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	if f.State == "" {
		s.respondError(c, models.Invalid("name the column", models.FieldError{Field: "state", Message: "choose a state"}))
		return
	}
	f.Sort, f.Asc, f.Limit = store.SortPriority, false, boardPerColumn
	ctx := c.Request.Context()
	claims, next, err := s.store.ClaimList(ctx, f)
	if err != nil {
		s.respondError(c, err)
		return
	}
	ppl, err := s.people(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	col := boardColumnView{State: f.State, Cards: ppl.cards(claims, time.Now().UTC())}
	if err := s.withProposers(ctx, col.Cards, ppl); err != nil {
		s.respondError(c, err)
		return
	}
	if next != "" {
		col.MoreURL = columnMoreURL(c, f.State, &claims[len(claims)-1])
	}
	s.renderTemplate(c, http.StatusOK, "board", "column-cards", col)
}

// webBoardColumns is the columns alone, for the live refresh.
func (s *Server) webBoardColumns(c *gin.Context) {
	v, err := s.boardView(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	s.renderTemplate(c, http.StatusOK, "board", "board-columns", v)
}
