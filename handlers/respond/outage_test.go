package respond

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

// TestOutageLoggedOnce: fifty requests refused during one outage log one
// ERROR line, the recovery one INFO line, and the next outage again one.
func TestOutageLoggedOnce(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	r := New(slog.New(slog.NewTextHandler(&buf, nil)))
	down := &models.Error{Code: models.EUnavailable, Message: "the database is not answering", RetryAfter: 5 * time.Second}
	request := func(fail bool) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/claims", nil)
		if fail {
			r.Error(c, down)
		} else {
			r.Recovered(c)
		}
		return w
	}
	for range 50 {
		if w := request(true); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
			t.Fatalf("outage answer = %d, Retry-After %q; want 503, 5", w.Code, w.Header().Get("Retry-After"))
		}
	}
	request(false)
	request(false)
	request(true)
	if n := strings.Count(buf.String(), "level=ERROR"); n != 2 {
		t.Errorf("%d ERROR lines for two outages, want 2:\n%s", n, buf.String())
	}
	if n := strings.Count(buf.String(), "outage is over"); n != 1 {
		t.Errorf("%d recovery lines, want 1:\n%s", n, buf.String())
	}
}
