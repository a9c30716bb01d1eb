package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/web"
	"github.com/factdesk/factdesk/workflow"
)

// listPage is how many rows the list shows per page: dense, but one screen
// of a laptop holds about this many.
const listPage = 50

// filterKeys are the query parameters that filter claims, shared by the
// board, the list and exports; a filtered view keeps them across links.
var filterKeys = []string{"q", "assignee", "state", "verdict", "priority", "tag"}

// listColumn is a column header of the list: sortable columns link to
// their sort.
type listColumn struct {
	Label string
	Sort  store.ListSort
	// URL sorts by the column (or flips the order when it already does);
	// Current says it does, Asc in which order, for aria-sort.
	URL     string
	Current bool
	Asc     bool
}

type listView struct {
	F             store.ListFilter
	AssigneeParam string
	People        []models.User
	Columns       []listColumn
	Rows          []web.Card
	// Next is the URL of the following page, "" on the last; First goes
	// back to the first when this is a later page.
	Next, First string
	// Matching counts the claims the filters match, up to workflow.MaxBulk
	// (Capped: more than that), for "select all N matching".
	Matching int64
	Capped   bool
	// Filters is the current filter as a query string, carried by the bulk
	// form so "all matching" means what the user sees.
	Filters string
	// Back is this page, where the bulk result links back to.
	Back string
	Bulk bulkForm
	// Sorts are the sortable columns, for the sort menu.
	Sorts []listColumn
	// ExportCSV and ExportJSONL download what the filters match.
	ExportCSV, ExportJSONL string
	// ViewPage and ViewQuery are what "Save view" saves: the filters and
	// the sort.
	ViewPage  models.ViewPage
	ViewQuery string
}

// filterQuery keeps the filter parameters of the request.
func filterQuery(c *gin.Context) url.Values {
	q := url.Values{}
	for _, k := range filterKeys {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	return q
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// webList is the claim list: a dense table with the board's filters,
// sortable columns and keyset pages, from which claims are selected for a
// bulk change or an export.
func (s *Server) webList(c *gin.Context) {
	f, err := param.ListFilter(c, actor(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	f.Limit = listPage
	ctx := c.Request.Context()
	claims, next, err := s.store.ClaimList(ctx, f)
	if err != nil {
		s.respondError(c, err)
		return
	}
	n, capped, err := s.store.CountClaims(ctx, f, workflow.MaxBulk)
	if err != nil {
		s.respondError(c, err)
		return
	}
	ppl, err := s.people(ctx)
	if err != nil {
		s.respondError(c, err)
		return
	}
	filters := filterQuery(c)
	sorted := url.Values{}
	for k, v := range filters {
		sorted[k] = v
	}
	if c.Query("sort") != "" {
		sorted.Set("sort", string(f.Sort))
	}
	if f.Asc {
		sorted.Set("dir", "asc")
	}
	v := &listView{
		F: f, AssigneeParam: c.Query("assignee"), Rows: ppl.cards(claims, time.Now().UTC()),
		Matching: n, Capped: capped, Filters: filters.Encode(), Back: withQuery("/claims", sorted),
		Bulk: s.bulkFormFor(actor(c), ppl), ViewPage: models.ViewList, ViewQuery: sorted.Encode(),
	}
	v.People = v.Bulk.People
	if err := s.withProposers(ctx, v.Rows, ppl); err != nil {
		s.respondError(c, err)
		return
	}
	v.ExportCSV, v.ExportJSONL = exportLinks(filters)
	if next != "" {
		q := url.Values{}
		for k, val := range sorted {
			q[k] = val
		}
		q.Set("cursor", next)
		v.Next = withQuery("/claims", q)
	}
	if f.Cursor != "" {
		v.First = v.Back
	}
	for _, col := range []struct {
		label string
		sort  store.ListSort
	}{{"#", store.SortID}, {"Claim", ""}, {"State", store.SortState}, {"Verdict", ""}, {"Priority", store.SortPriority},
		{"Assignees", ""}, {"Due", store.SortDue}, {"Updated", store.SortUpdated}} {
		lc := listColumn{Label: col.label, Sort: col.sort}
		if col.sort != "" {
			lc.Current, lc.Asc = f.Sort == col.sort, f.Asc
			q := url.Values{}
			for k, val := range filters {
				q[k] = val
			}
			q.Set("sort", string(col.sort))
			// A first click sorts the way one usually wants the column
			// (soonest due first, otherwise the largest or latest first);
			// a second click flips it.
			asc := col.sort == store.SortDue || col.sort == store.SortState
			if lc.Current {
				asc = !f.Asc
			}
			if asc {
				q.Set("dir", "asc")
			}
			lc.URL = withQuery("/claims", q)
		}
		v.Columns = append(v.Columns, lc)
		if col.sort != "" {
			v.Sorts = append(v.Sorts, listColumn{Label: sortLabels[col.sort], Sort: col.sort})
		}
	}
	p := &page{Title: "Claims", Nav: "list", Data: v}
	p.flash(c)
	s.render(c, http.StatusOK, "list", p)
}

// exportLinks are the download links of the claims the filters match.
func exportLinks(filters url.Values) (csv, jsonl string) {
	q := url.Values{}
	for k, v := range filters {
		q[k] = v
	}
	q.Set("format", "csv")
	csv = withQuery("/claims/export", q)
	q.Set("format", "jsonl")
	return csv, withQuery("/claims/export", q)
}

var sortLabels = map[store.ListSort]string{store.SortID: "Number (age)", store.SortState: "State",
	store.SortPriority: "Priority", store.SortDue: "Due date", store.SortUpdated: "Last updated"}
