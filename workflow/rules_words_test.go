package workflow

import (
	"strings"
	"testing"

	"github.com/factdesk/factdesk/models"
)

// TestRequirementWordsAndFields: every requirement is named in words for
// people while its unmet problem names the API field.
func TestRequirementWordsAndFields(t *testing.T) {
	t.Parallel()
	for _, tr := range Table {
		for _, req := range tr.Requires {
			if req.Field == "" || strings.Contains(req.Name, "_") {
				t.Errorf("%s: requirement %q (field %q) must be words with a field", tr.Action, req.Name, req.Field)
			}
		}
	}
	self := int64(7)
	fe := duplicateOfExists.unmet(Facts{Claim: &models.Claim{ID: 7}}, Request{DuplicateOf: &self})
	if fe == nil || fe.Field != "duplicate_of" || fe.Message != "a claim cannot be a duplicate of itself" {
		t.Errorf("duplicate of itself = %+v", fe)
	}
	if fe := duplicateOfExists.unmet(Facts{Claim: &models.Claim{ID: 7}}, Request{}); fe != nil {
		t.Errorf("no duplicate given = %+v", fe)
	}
}
