package param

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// MaxSelected caps the ids one request may name (?ids= or a form's
// selection), the same cap as a bulk change.
const MaxSelected = 500

// ListFilter reads the claim list's query: the board's filters (q,
// assignee, state, verdict, priority, tag), an optional selection (ids,
// repeated or comma-separated), sort and dir, cursor and limit. Unknown
// values are refused rather than silently matching nothing.
func ListFilter(c *gin.Context, me *models.User) (store.ListFilter, error) {
	return ListFilterFrom(c.Request.URL.Query(), me)
}

// ListFilterFrom is ListFilter over values, for a filter carried in a form
// (the dashboard's "all matching" selection).
func ListFilterFrom(v url.Values, me *models.User) (store.ListFilter, error) {
	f := store.ListFilter{
		State:    models.State(v.Get("state")),
		Verdict:  models.Verdict(v.Get("verdict")),
		Priority: models.Priority(v.Get("priority")),
		Tag:      strings.TrimSpace(v.Get("tag")),
		Query:    strings.TrimSpace(v.Get("q")),
		Sort:     store.ListSort(v.Get("sort")),
		Asc:      v.Get("dir") == "asc",
		Cursor:   v.Get("cursor"),
	}
	var fields []models.FieldError
	if f.State != "" && !f.State.Valid() {
		fields = append(fields, models.FieldError{Field: "state", Message: models.MustBeOneOf(models.States)})
	}
	if f.Verdict != "" && !f.Verdict.Valid() {
		fields = append(fields, models.FieldError{Field: "verdict", Message: models.MustBeOneOf(models.Verdicts)})
	}
	if f.Priority != "" && !f.Priority.Valid() {
		fields = append(fields, models.FieldError{Field: "priority", Message: models.MustBeOneOf(models.Priorities)})
	}
	if f.Sort == "" {
		f.Sort = store.SortUpdated
	} else if !slices.Contains(store.ListSorts, f.Sort) {
		fields = append(fields, models.FieldError{Field: "sort", Message: models.MustBeOneOf(store.ListSorts)})
	}
	if d := v.Get("dir"); d != "" && d != "asc" && d != "desc" {
		fields = append(fields, models.FieldError{Field: "dir", Message: "must be asc or desc"})
	}
	var ok bool
	if f.Assignee, ok = assignee(v.Get("assignee"), me); !ok {
		fields = append(fields, models.FieldError{Field: "assignee", Message: "must be a user id, me or none"})
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxPageSize {
			fields = append(fields, models.FieldError{Field: "limit", Message: "must be a number from 1 to " + strconv.Itoa(store.MaxPageSize)})
		}
		f.Limit = n
	}
	if raw := v["ids"]; len(raw) > 0 {
		ids, err := IDList(raw)
		if err != nil {
			fields = append(fields, models.FieldError{Field: "ids", Message: err.Error()})
		}
		f.IDs = ids
	}
	if len(fields) > 0 {
		return f, models.Invalid("the filter is not valid", fields...)
	}
	return f, nil
}

// IDList reads claim ids from values that are each an id or a
// comma-separated list of them, at most MaxSelected, without duplicates.
func IDList(values []string) ([]int64, error) {
	ids := []int64{}
	seen := map[int64]bool{}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil || id <= 0 {
				return nil, fmt.Errorf("%q is not a claim id", part)
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) > MaxSelected {
		return nil, fmt.Errorf("%d claims named; at most %d at once", len(ids), MaxSelected)
	}
	return ids, nil
}
