package api_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// wantStatus fails the test when res has another status, and for errors
// checks the body is problem+json.
func wantStatus(t *testing.T, res *apptest.Response, want int, what string) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("%s = %d, want %d: %s", what, res.Status, want, res.Body)
	}
	if want >= 400 {
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Fatalf("%s: Content-Type = %q, want application/problem+json", what, ct)
		}
	}
}

// problemFields lists the fields named in a problem's errors.
func problemFields(t *testing.T, res *apptest.Response) []string {
	t.Helper()
	var p struct {
		Status int `json:"status"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	res.Decode(t, &p)
	if p.Status != res.Status {
		t.Errorf("problem status %d, response status %d", p.Status, res.Status)
	}
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}
