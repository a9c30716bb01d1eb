package public_test

// Helpers these tests share with the API's: the desk, the loopback site
// and the article page come from internal/apptest; these read the API's
// JSON as this package's tests assert on it.

import (
	"net/http"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
)

type srcEvidence struct {
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

func srcAddEvidence(t *testing.T, env *apptest.Env, by apptest.User, claimID int64, body map[string]any) srcEvidence {
	t.Helper()
	if body["stance"] == nil {
		body["stance"] = "supports"
	}
	res := env.Do(t, "POST", "/api/v1/claims/"+itoa(claimID)+"/evidence", by.Token, body)
	wantStatus(t, res, http.StatusCreated, "POST evidence")
	var ev srcEvidence
	res.Decode(t, &ev)
	return ev
}

func srcTransition(t *testing.T, env *apptest.Env, by apptest.User, claimID int64, body map[string]any) {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(claimID), by.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET claim")
	body["version"] = res.JSON(t)["version"]
	res = env.Do(t, "POST", "/api/v1/claims/"+itoa(claimID)+"/transitions", by.Token, body)
	wantStatus(t, res, http.StatusOK, "POST transition "+body["action"].(string))
}
