package handlers_test

import (
	"net/http"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestCreateAndGetClaim(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)

	res := env.Do(t, "POST", "/api/v1/claims", checker.Token, map[string]any{
		"text": "A minister from Poland attended the meeting.", "claimant": "a source", "priority": "high", "tags": []string{"NATO", "nato "},
	})
	if res.Status != http.StatusCreated {
		t.Fatalf("POST /claims = %d, want 201: %s", res.Status, res.Body)
	}
	var c models.Claim
	res.Decode(t, &c)
	if c.State != models.StateNew || c.Version != 1 || c.Priority != models.PriorityHigh || len(c.Tags) != 1 || c.CreatedBy != checker.ID {
		t.Errorf("created claim = %+v", c)
	}
	got := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID), checker.Token, nil)
	body := got.JSON(t)
	if got.Status != 200 || body["evidence"] == nil || body["assignees"] == nil {
		t.Errorf("GET claim = %d %s, want evidence and assignees lists", got.Status, got.Body)
	}
}
