// Package factchecks reads fact-checks published by other outlets
// (ClaimReview JSON-LD, the Google Fact Check Tools claims:search shape,
// or CSV) one record at a time, so a feed of any size is read in constant
// memory, and imports them into the archive through the store.
package factchecks

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/factdesk/factdesk/models"
)

// Format is an accepted input shape.
type Format string

const (
	// JSON covers ClaimReview JSON-LD (one object, an array, or @graph)
	// and the claims:search response; the document says which.
	JSON Format = "json"
	// CSV has the header claim,claimant,rating,outlet,url,date.
	CSV Format = "csv"
)

// FormatOf maps a Content-Type to a Format.
func FormatOf(contentType string) (Format, bool) {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	switch ct {
	case "application/json", "application/ld+json":
		return JSON, true
	case "text/csv", "application/csv":
		return CSV, true
	}
	return "", false
}

// Visit receives each record in order; line is the CSV line or the
// record's position (1-based) in a JSON document. A non-nil bad says why
// the record cannot be imported; returning an error stops the read.
type Visit func(line int, rec models.PriorCheck, bad error) error

// Read streams the records of r in format f to visit. It fails only when
// the document itself cannot be read (not JSON, no CSV header).
func Read(r io.Reader, f Format, visit Visit) error {
	switch f {
	case CSV:
		return readCSV(r, visit)
	case JSON:
		return readJSON(r, visit)
	}
	return models.Errorf(models.EInvalid, "unknown fact-check format %q", f)
}

var csvColumns = []string{"claim", "claimant", "rating", "outlet", "url", "date"}

func readCSV(r io.Reader, visit Visit) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return models.Errorf(models.EInvalid, "the CSV has no header line (want %s)", strings.Join(csvColumns, ","))
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range []string{"claim", "url"} {
		if _, ok := col[c]; !ok {
			return models.Errorf(models.EInvalid, "the CSV header lacks the %q column (want %s)", c, strings.Join(csvColumns, ","))
		}
	}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if verr := visit(pe.Line, models.PriorCheck{}, fmt.Errorf("not valid CSV: %v", pe.Err)); verr != nil {
					return verr
				}
				continue
			}
			return err
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		rec := models.PriorCheck{Claim: get("claim"), Claimant: get("claimant"), Rating: get("rating"), Outlet: get("outlet"), URL: get("url")}
		var bad error
		rec.ReviewedOn, bad = parseDate(get("date"))
		if bad == nil {
			bad = check(rec)
		}
		if err := visit(line, rec, bad); err != nil {
			return err
		}
	}
}

// readJSON walks the document's tokens: an array is read element by
// element; in an object, "claims" (claims:search) and "@graph" (JSON-LD)
// are read element by element and any other key is kept, so an object
// that holds neither is itself one ClaimReview.
func readJSON(r io.Reader, visit Visit) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return models.Errorf(models.EInvalid, "the body is not JSON: %v", err)
	}
	n := 0
	each := func(kind string) error {
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return models.Errorf(models.EInvalid, "the JSON breaks off after record %d: %v", n, err)
			}
			recs, bad := decodeNode(kind, raw)
			if bad != nil {
				n++
				if err := visit(n, models.PriorCheck{}, bad); err != nil {
					return err
				}
			}
			for _, rec := range recs {
				n++
				if err := visit(n, rec, check(rec)); err != nil {
					return err
				}
			}
		}
		_, err := dec.Token() // the closing bracket
		return err
	}
	switch tok {
	case json.Delim('['):
		return each("claimreview")
	case json.Delim('{'):
	default:
		return models.Errorf(models.EInvalid, "the JSON is neither an object nor an array")
	}
	rest := map[string]json.RawMessage{}
	streamed := false
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return models.Errorf(models.EInvalid, "the JSON is not valid: %v", err)
		}
		key, _ := kt.(string)
		if key == "claims" || key == "@graph" {
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return models.Errorf(models.EInvalid, "%q must be an array", key)
			}
			kind := "claimreview"
			if key == "claims" {
				kind = "search"
			}
			if err := each(kind); err != nil {
				return err
			}
			streamed = true
			continue
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return models.Errorf(models.EInvalid, "the JSON is not valid: %v", err)
		}
		if !streamed {
			rest[key] = v
		}
	}
	if streamed {
		return nil
	}
	whole, _ := json.Marshal(rest)
	return each1(whole, visit)
}

func each1(raw json.RawMessage, visit Visit) error {
	recs, bad := decodeNode("claimreview", raw)
	if bad != nil {
		return visit(1, models.PriorCheck{}, bad)
	}
	for i, rec := range recs {
		if err := visit(i+1, rec, check(rec)); err != nil {
			return err
		}
	}
	return nil
}

// named is schema.org's Organization or Person: a name, or a bare string.
type named struct {
	Name string
	URL  string
}

func (n *named) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		n.Name = s
		return nil
	}
	var many []named
	if json.Unmarshal(b, &many) == nil {
		if len(many) > 0 {
			*n = many[0]
		}
		return nil
	}
	var o struct {
		Name string `json:"name"`
		URL  string `json:"url"`
		Site string `json:"site"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	n.Name, n.URL = o.Name, o.URL
	if n.URL == "" {
		n.URL = o.Site
	}
	return nil
}

type claimReviewLD struct {
	Type          json.RawMessage `json:"@type"`
	URL           string          `json:"url"`
	ClaimReviewed string          `json:"claimReviewed"`
	DatePublished string          `json:"datePublished"`
	Headline      string          `json:"headline"`
	Name          string          `json:"name"`
	InLanguage    string          `json:"inLanguage"`
	Author        named           `json:"author"`
	Publisher     named           `json:"publisher"`
	ReviewRating  struct {
		AlternateName string `json:"alternateName"`
		Name          string `json:"name"`
	} `json:"reviewRating"`
	ItemReviewed struct {
		Author        named  `json:"author"`
		DatePublished string `json:"datePublished"`
	} `json:"itemReviewed"`
}

type searchClaim struct {
	Text        string `json:"text"`
	Claimant    string `json:"claimant"`
	ClaimDate   string `json:"claimDate"`
	ClaimReview []struct {
		Publisher     named  `json:"publisher"`
		URL           string `json:"url"`
		Title         string `json:"title"`
		ReviewDate    string `json:"reviewDate"`
		TextualRating string `json:"textualRating"`
		LanguageCode  string `json:"languageCode"`
	} `json:"claimReview"`
}

// errNotClaimReview marks a @graph node of another type, which is skipped.
var errNotClaimReview = errors.New("not a ClaimReview")

func decodeNode(kind string, raw json.RawMessage) ([]models.PriorCheck, error) {
	if kind == "search" {
		var sc searchClaim
		if err := json.Unmarshal(raw, &sc); err != nil {
			return nil, fmt.Errorf("not a claims:search claim: %v", err)
		}
		claimed, _ := parseDate(sc.ClaimDate)
		if len(sc.ClaimReview) == 0 {
			return nil, errors.New("the claim has no claimReview")
		}
		out := make([]models.PriorCheck, 0, len(sc.ClaimReview))
		for _, cr := range sc.ClaimReview {
			rec := models.PriorCheck{URL: strings.TrimSpace(cr.URL), Outlet: cr.Publisher.Name, OutletSite: cr.Publisher.URL,
				Rating: strings.TrimSpace(cr.TextualRating), Claim: strings.TrimSpace(sc.Text), Claimant: strings.TrimSpace(sc.Claimant),
				ClaimedOn: claimed, Language: cr.LanguageCode, Title: cr.Title}
			rec.ReviewedOn, _ = parseDate(cr.ReviewDate)
			out = append(out, rec)
		}
		return out, nil
	}
	var ld claimReviewLD
	if err := json.Unmarshal(raw, &ld); err != nil {
		return nil, fmt.Errorf("not a ClaimReview: %v", err)
	}
	if !isClaimReview(ld.Type) {
		return nil, errNotClaimReview
	}
	outlet := ld.Author
	if outlet.Name == "" {
		outlet = ld.Publisher
	}
	rating := ld.ReviewRating.AlternateName
	if rating == "" {
		rating = ld.ReviewRating.Name
	}
	title := ld.Headline
	if title == "" {
		title = ld.Name
	}
	rec := models.PriorCheck{URL: strings.TrimSpace(ld.URL), Outlet: outlet.Name, OutletSite: outlet.URL, Rating: strings.TrimSpace(rating),
		Claim: strings.TrimSpace(ld.ClaimReviewed), Claimant: strings.TrimSpace(ld.ItemReviewed.Author.Name), Language: ld.InLanguage, Title: title}
	rec.ReviewedOn, _ = parseDate(ld.DatePublished)
	rec.ClaimedOn, _ = parseDate(ld.ItemReviewed.DatePublished)
	return []models.PriorCheck{rec}, nil
}

func isClaimReview(t json.RawMessage) bool {
	var s string
	if json.Unmarshal(t, &s) == nil {
		return s == "ClaimReview" || strings.HasSuffix(s, "/ClaimReview")
	}
	var many []string
	if json.Unmarshal(t, &many) == nil {
		for _, s := range many {
			if s == "ClaimReview" || strings.HasSuffix(s, "/ClaimReview") {
				return true
			}
		}
	}
	return false
}

// check says why a record cannot be archived.
func check(rec models.PriorCheck) error {
	switch {
	case rec.URL == "":
		return errors.New("no url")
	case !strings.HasPrefix(rec.URL, "https://") && !strings.HasPrefix(rec.URL, "http://"):
		return errors.New("the url is not http(s)")
	case rec.Claim == "":
		return errors.New("no claim text")
	case len(rec.Claim) > 5000:
		return errors.New("the claim text is longer than 5000 bytes")
	}
	return nil
}

var dateLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02", "2 January 2006", "January 2, 2006"}

func parseDate(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			return &d, nil
		}
	}
	return nil, fmt.Errorf("the date %q is not a date (want YYYY-MM-DD)", s)
}
