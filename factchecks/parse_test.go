package factchecks

import (
	"strings"
	"testing"

	"github.com/factdesk/factdesk/models"
)

func readAll(t *testing.T, f Format, doc string) ([]models.PriorCheck, []string) {
	t.Helper()
	var recs []models.PriorCheck
	var bad []string
	err := Read(strings.NewReader(doc), f, func(_ int, rec models.PriorCheck, why error) error {
		if why != nil {
			bad = append(bad, why.Error())
			return nil
		}
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		t.Fatalf("Read(%s): %v", doc, err)
	}
	return recs, bad
}

func TestReadShapes(t *testing.T) {
	t.Parallel()
	one := `{"@context":"https://schema.org","@type":"ClaimReview","url":"https://a.example/1","claimReviewed":"X rose 5%.",
		"datePublished":"2024-05-03T09:00:00+02:00","author":"Outlet A","reviewRating":{"name":"False"}}`
	recs, bad := readAll(t, JSON, one)
	if len(recs) != 1 || len(bad) != 0 || recs[0].Outlet != "Outlet A" || recs[0].Rating != "False" ||
		recs[0].ReviewedOn == nil || recs[0].ReviewedOn.Format("2006-01-02") != "2024-05-03" {
		t.Errorf("single object = %+v %v", recs, bad)
	}
	recs, bad = readAll(t, JSON, "["+one+`,{"@type":["Review","ClaimReview"],"url":"ftp://x","claimReviewed":"Y"}]`)
	if len(recs) != 1 || len(bad) != 1 || bad[0] != "the url is not http(s)" {
		t.Errorf("array = %+v %v", recs, bad)
	}
	// claims:search with a key before the stream.
	recs, _ = readAll(t, JSON, `{"nextPageToken":"x","claims":[{"text":"Z fell.","claimant":"Q","claimReview":[{"publisher":{"name":"P","site":"p.example"},"url":"https://p.example/z","textualRating":"Misleading"}]}]}`)
	if len(recs) != 1 || recs[0].Claim != "Z fell." || recs[0].Claimant != "Q" || recs[0].OutletSite != "p.example" {
		t.Errorf("claims:search = %+v", recs)
	}
	recs, bad = readAll(t, CSV, "url,claim\nhttps://c.example/1,\"A, quoted claim\"\n,no url\n")
	if len(recs) != 1 || recs[0].Claim != "A, quoted claim" || len(bad) != 1 {
		t.Errorf("csv = %+v %v", recs, bad)
	}
	if err := Read(strings.NewReader(`"a string"`), JSON, func(int, models.PriorCheck, error) error { return nil }); !models.IsCode(err, models.EInvalid) {
		t.Errorf("a JSON string = %v, want invalid", err)
	}
}
