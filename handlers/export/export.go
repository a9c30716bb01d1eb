// Package export writes claim exports, CSV or JSON Lines, for the API and
// the dashboard alike: rows stream from store.Export to the response a page
// at a time, so an export of any size runs in constant memory.
package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
	"github.com/factdesk/factdesk/store"
)

// Format is an export's file format.
type Format string

const (
	// CSV is RFC 4180 comma-separated values with a header row.
	CSV Format = "csv"
	// JSONL is JSON Lines: one JSON object per claim per line.
	JSONL Format = "jsonl"
)

// ParseFormat reads ?format=, CSV when absent.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case "", CSV:
		return CSV, nil
	case JSONL:
		return JSONL, nil
	}
	return "", models.Invalid("unknown export format", models.FieldError{Field: "format", Message: "must be csv or jsonl"})
}

// Columns are the CSV header, in order; JSON Lines uses the same names.
var Columns = []string{"id", "text", "claimant", "state", "verdict", "priority", "tags", "assignees", "language",
	"due_at", "created_at", "updated_at", "verifying_at", "verified_at", "disputed_at", "confirmed_at", "rejected_at",
	"time_to_verdict_hours", "sources", "public_url"}

// Exporter streams exports.
type Exporter struct {
	Store *store.Store
	// Site turns a published claim's slug into its public URL; nil leaves
	// public_url empty.
	Site *publish.Site
}

// record is a row of JSON Lines.
type record struct {
	ID                 int64           `json:"id"`
	Text               string          `json:"text"`
	Claimant           string          `json:"claimant"`
	State              models.State    `json:"state"`
	Verdict            *models.Verdict `json:"verdict"`
	Priority           models.Priority `json:"priority"`
	Tags               []string        `json:"tags"`
	Assignees          []string        `json:"assignees"`
	Language           string          `json:"language"`
	DueAt              *time.Time      `json:"due_at"`
	CreatedAt          time.Time       `json:"created_at"`
	UpdatedAt          time.Time       `json:"updated_at"`
	VerifyingAt        *time.Time      `json:"verifying_at"`
	VerifiedAt         *time.Time      `json:"verified_at"`
	DisputedAt         *time.Time      `json:"disputed_at"`
	ConfirmedAt        *time.Time      `json:"confirmed_at"`
	RejectedAt         *time.Time      `json:"rejected_at"`
	TimeToVerdictHours *float64        `json:"time_to_verdict_hours"`
	Sources            int             `json:"sources"`
	PublicURL          string          `json:"public_url"`
}

// Write sends the claims matching f to w in format, with the headers of a
// download named after the day. Once the first row is out the status is
// sent, so a failure midway ends the body early; it is returned for the
// log, and the client sees a truncated file rather than a wrong one.
func (e *Exporter) Write(ctx context.Context, w http.ResponseWriter, format Format, f store.ListFilter) error {
	ext, ctype := "csv", "text/csv; charset=utf-8"
	if format == JSONL {
		ext, ctype = "jsonl", "application/jsonl; charset=utf-8"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="claims-`+time.Now().UTC().Format("2006-01-02")+`.`+ext+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	rows := 0
	flush := func() {
		rows++
		if flusher != nil && rows%exportFlushEvery == 0 {
			flusher.Flush()
		}
	}
	if format == JSONL {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return e.Store.Export(ctx, f, func(r *store.ExportRow) error {
			defer flush()
			return enc.Encode(e.record(r))
		})
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	line := make([]string, len(Columns))
	err := e.Store.Export(ctx, f, func(r *store.ExportRow) error {
		rec := e.record(r)
		verdict := ""
		if rec.Verdict != nil {
			verdict = string(*rec.Verdict)
		}
		ttv := ""
		if rec.TimeToVerdictHours != nil {
			ttv = strconv.FormatFloat(*rec.TimeToVerdictHours, 'f', 2, 64)
		}
		line = append(line[:0], strconv.FormatInt(rec.ID, 10), safeCell(rec.Text), safeCell(rec.Claimant), string(rec.State), verdict,
			string(rec.Priority), safeCell(strings.Join(rec.Tags, "; ")), safeCell(strings.Join(rec.Assignees, "; ")), rec.Language,
			stamp(rec.DueAt), stamp(&rec.CreatedAt), stamp(&rec.UpdatedAt), stamp(rec.VerifyingAt), stamp(rec.VerifiedAt),
			stamp(rec.DisputedAt), stamp(rec.ConfirmedAt), stamp(rec.RejectedAt), ttv, strconv.Itoa(rec.Sources), rec.PublicURL)
		if err := cw.Write(line); err != nil {
			return err
		}
		if rows%exportFlushEvery == exportFlushEvery-1 {
			cw.Flush()
		}
		flush()
		return cw.Error()
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// exportFlushEvery rows the response is flushed, so a large export starts
// downloading at once and the buffers stay small.
const exportFlushEvery = 500

func (e *Exporter) record(r *store.ExportRow) record {
	out := record{ID: r.ID, Text: r.Text, Claimant: r.Claimant, State: r.State, Priority: r.Priority,
		Tags: nonNil(r.Tags), Assignees: nonNil(r.Assignees), Language: r.Language, DueAt: r.DueAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, VerifyingAt: r.VerifyingAt, VerifiedAt: r.VerifiedAt,
		DisputedAt: r.DisputedAt, ConfirmedAt: r.ConfirmedAt, RejectedAt: r.RejectedAt, Sources: r.Sources}
	if r.Verdict != "" {
		v := r.Verdict
		out.Verdict = &v
	}
	if d, ok := r.TimeToVerdict(); ok {
		hours := d.Hours()
		out.TimeToVerdictHours = &hours
	}
	if r.Slug != "" && e.Site != nil {
		out.PublicURL = e.Site.PageURL(&publish.Publication{Slug: r.Slug})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// safeCell defuses spreadsheet formulas: claims are typed or pasted by
// anyone on the desk, and a cell starting with = + - @ would run as a
// formula when the export is opened in a spreadsheet (CSV injection).
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
