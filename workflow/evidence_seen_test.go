package workflow

import (
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
)

func TestCheckShows(t *testing.T) {
	t.Parallel()
	now := time.Now()
	ok := 200
	gone := 404
	checked := models.Evidence{Status: "verified", FetchedAt: &now, HTTPStatus: &ok, PageTitle: "Report", ExcerptStatus: "found"}
	later := checked
	later.FetchedAt = &now
	tests := []struct {
		name       string
		prev, next models.Evidence
		want       bool
	}{
		{"first check", models.Evidence{Status: "pending"}, checked, true},
		{"unchanged recheck", checked, later, false},
		{"new status", checked, models.Evidence{Status: "gone", FetchedAt: &now, HTTPStatus: &gone, PageTitle: "Report", ExcerptStatus: "found"}, true},
		{"quote lost", checked, func() models.Evidence { e := later; e.ExcerptStatus = "not_found"; return e }(), true},
	}
	for _, tt := range tests {
		if got := checkShows(tt.prev, tt.next); got != tt.want {
			t.Errorf("%s: checkShows = %v, want %v", tt.name, got, tt.want)
		}
	}
}
