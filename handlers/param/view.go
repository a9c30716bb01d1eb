package param

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/factdesk/factdesk/models"
)

// viewKeys are the filter parameters a saved view of each page may hold:
// the board's filters, and on the list also its state, sort and order.
// Cursors, limits and selections are a moment of browsing, not a view.
var viewKeys = map[models.ViewPage][]string{
	models.ViewBoard: {"q", "assignee", "verdict", "priority", "tag"},
	models.ViewList:  {"q", "assignee", "state", "verdict", "priority", "tag", "sort", "dir"},
}

// ViewQuery checks the filter of a saved view of page with the parser the
// page itself uses and returns it canonical: known keys only, empty values
// dropped, sorted. "assignee=me" stays "me", so a shared "My claims" view
// shows each person their own.
func ViewQuery(page models.ViewPage, raw string) (string, error) {
	keys, ok := viewKeys[page]
	if !ok {
		return "", models.Invalid("the view is not valid", models.FieldError{Field: "page", Message: models.MustBeOneOf(models.ViewPages)})
	}
	v, err := url.ParseQuery(strings.TrimPrefix(raw, "?"))
	if err != nil {
		return "", models.Invalid("the view's filter is not valid", models.FieldError{Field: "query", Message: "is not a query string (key=value&…)"})
	}
	var fields []models.FieldError
	out := url.Values{}
	for k, vals := range v {
		if !slices.Contains(keys, k) {
			fields = append(fields, models.FieldError{Field: "query", Message: "the " + string(page) + " has no filter " + strings.ToValidUTF8(truncated(k), "?") + "; its filters are " + strings.Join(keys, ", ")})
			continue
		}
		if len(vals) > 1 {
			fields = append(fields, models.FieldError{Field: "query." + k, Message: "give one value"})
			continue
		}
		if s := strings.TrimSpace(vals[0]); s != "" {
			out.Set(k, s)
		}
	}
	// The page's parser has the last word on each value; me is a
	// placeholder user, since "me" means whoever opens the view.
	if _, err := ListFilterFrom(out, &models.User{}); err != nil {
		var e *models.Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				fields = append(fields, models.FieldError{Field: "query." + f.Field, Message: f.Message})
			}
		} else {
			return "", err
		}
	}
	if len(fields) > 0 {
		slices.SortFunc(fields, func(a, b models.FieldError) int {
			if c := strings.Compare(a.Field, b.Field); c != 0 {
				return c
			}
			return strings.Compare(a.Message, b.Message)
		})
		return "", models.Invalid("the view's filter is not valid", fields...)
	}
	return out.Encode(), nil
}

func truncated(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
