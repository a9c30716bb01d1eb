package apptest

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
)

// SourceEvidence is an evidence item as the API answers it, with the
// fields of its source check the tests of the three HTTP surfaces read.
type SourceEvidence struct {
	ID                  int64   `json:"id"`
	URL                 string  `json:"url"`
	Status              string  `json:"status"`
	HTTPStatus          *int    `json:"http_status"`
	FinalURL            string  `json:"final_url"`
	FetchedAt           *string `json:"fetched_at"`
	ContentType         string  `json:"content_type"`
	BodySHA256          string  `json:"body_sha256"`
	PageTitle           string  `json:"page_title"`
	ExcerptStatus       string  `json:"excerpt_status"`
	ExcerptStart        *int    `json:"excerpt_start"`
	ExcerptEnd          *int    `json:"excerpt_end"`
	FetchError          string  `json:"fetch_error"`
	ConsecutiveFailures int     `json:"consecutive_failures"`
	SourceRating        string  `json:"source_rating"`
	OutletID            *int64  `json:"outlet_id"`
	Internal            bool    `json:"internal"`
}

// mustStatus stops the test when res is not the status it needs to go on.
func mustStatus(t testing.TB, res *Response, want int, what string) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("%s: status %d, want %d: %s", what, res.Status, want, res.Body)
	}
}

func claimPath(claimID int64) string { return "/api/v1/claims/" + strconv.FormatInt(claimID, 10) }

// AddEvidence cites a source on the claim through the API, as by
// (supporting, unless body gives a stance).
func (e *Env) AddEvidence(t testing.TB, by User, claimID int64, body map[string]any) SourceEvidence {
	t.Helper()
	if body["stance"] == nil {
		body["stance"] = "supports"
	}
	res := e.Do(t, "POST", claimPath(claimID)+"/evidence", by.Token, body)
	mustStatus(t, res, http.StatusCreated, "POST evidence")
	var ev SourceEvidence
	res.Decode(t, &ev)
	return ev
}

// EvidenceOf reads one evidence item through GET /claims/{id}, the way
// the API and the dashboard show it.
func (e *Env) EvidenceOf(t testing.TB, token string, claimID, evidenceID int64) SourceEvidence {
	t.Helper()
	res := e.Do(t, "GET", claimPath(claimID), token, nil)
	mustStatus(t, res, http.StatusOK, "GET claim")
	var c struct {
		Evidence []SourceEvidence `json:"evidence"`
	}
	res.Decode(t, &c)
	for _, ev := range c.Evidence {
		if ev.ID == evidenceID {
			return ev
		}
	}
	t.Fatalf("claim %d has no evidence %d", claimID, evidenceID)
	return SourceEvidence{}
}

// WaitChecked polls until the evidence has left pending: its first source
// check is done.
func (e *Env) WaitChecked(t testing.TB, token string, claimID, evidenceID int64) SourceEvidence {
	t.Helper()
	var ev SourceEvidence
	Eventually(t, 15*time.Second, "the first source check", func() bool {
		ev = e.EvidenceOf(t, token, claimID, evidenceID)
		return ev.Status != "pending"
	})
	return ev
}

// Transition takes a workflow action on the claim through the API, as by,
// at the claim's current version.
func (e *Env) Transition(t testing.TB, by User, claimID int64, body map[string]any) {
	t.Helper()
	res := e.Do(t, "GET", claimPath(claimID), by.Token, nil)
	mustStatus(t, res, http.StatusOK, "GET claim")
	body["version"] = res.JSON(t)["version"]
	res = e.Do(t, "POST", claimPath(claimID)+"/transitions", by.Token, body)
	mustStatus(t, res, http.StatusOK, "POST transition "+body["action"].(string))
}

// ConfirmedWith walks a claim to confirmed with supporting evidence at url
// quoting excerpt, and returns the claim and evidence ids.
func (e *Env) ConfirmedWith(t testing.TB, checker, editor User, text, url, excerpt string) (int64, int64) {
	t.Helper()
	c := e.ClaimIn(t, models.StateVerifying, checker, editor, text)
	ev := e.AddEvidence(t, checker, c.ID, map[string]any{"url": url, "excerpt": excerpt})
	e.Transition(t, checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "The figures match."})
	e.Transition(t, editor, c.ID, map[string]any{"action": "confirm"})
	return c.ID, ev.ID
}
