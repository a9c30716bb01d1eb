package events

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
)

func TestNewID(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^evt_[0-9A-HJKMNP-TV-Z]{26}$`)
	seen := map[string]bool{}
	prev := ""
	for i := range 1000 {
		id := NewID()
		if !shape.MatchString(id) {
			t.Fatalf("NewID() = %q, want evt_ and 26 Crockford base32 characters", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
		if i%100 == 0 {
			// Ids from a later millisecond sort after earlier ones.
			time.Sleep(2 * time.Millisecond)
			if prev != "" && id[:14] < prev[:14] {
				t.Errorf("id %s sorts before the earlier %s", id, prev)
			}
			prev = id
		}
	}
}

func TestTypesFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind   models.HistoryKind
		action models.Action
		want   []Type
	}{
		{models.HistoryCreated, "", []Type{ClaimCreated}},
		{models.HistoryUpdated, "", []Type{ClaimUpdated}},
		{models.HistoryAssigned, "", []Type{ClaimAssigned}},
		{models.HistoryUnassigned, "", []Type{ClaimUnassigned}},
		{models.HistoryTransitioned, models.ActionStart, []Type{ClaimTransitioned}},
		{models.HistoryTransitioned, models.ActionConfirm, []Type{ClaimTransitioned, ClaimConfirmed}},
		{models.HistoryTransitioned, models.ActionDispute, []Type{ClaimTransitioned, ClaimDisputed}},
		{models.HistoryEvidenceAdded, "", []Type{ClaimEvidenceAdded}},
		{models.HistoryCommentAdded, "", []Type{ClaimCommentAdded}},
		{models.HistoryEvidenceChanged, "", []Type{EvidenceChanged}},
		{models.HistoryEvidenceEdited, "", []Type{ClaimEvidenceEdited}},
		{models.HistoryEvidenceRetracted, "", []Type{ClaimEvidenceRetracted}},
		{"something_new", "", nil},
	}
	for _, c := range cases {
		got := typesFor(&models.HistoryEntry{Kind: c.kind, Action: c.action})
		if !slices.Equal(got, c.want) {
			t.Errorf("typesFor(%s, %s) = %v, want %v", c.kind, c.action, got, c.want)
		}
	}
	for _, typ := range Types {
		if !typ.Valid() {
			t.Errorf("%s is listed but not valid", typ)
		}
	}
	// Every kind of history entry reaches subscribers.
	for _, kind := range models.HistoryKinds {
		if len(typesFor(&models.HistoryEntry{Kind: kind})) == 0 {
			t.Errorf("history kind %s emits no event", kind)
		}
	}
	if Type("claim.deleted").Valid() {
		t.Error("an unknown type is valid")
	}
}
