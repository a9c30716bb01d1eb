package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/webhooks"
)

// Funcs are the helpers templates may call. They only format; the
// handlers decide what is shown.
var Funcs = template.FuncMap{
	"asset":         Asset,
	"actionLabel":   ActionLabel,
	"stateLabel":    StateLabel,
	"stateBadge":    stateBadge,
	"priorityBadge": priorityBadge,
	"verdictBadge":  verdictBadge,
	"verdictLabel":  func(v models.Verdict) string { return v.Label() },
	"roleLabel":     func(r models.Role) string { return titleCase(string(r)) },
	"titleCase":     titleCase,
	"fieldMessage":  FieldMessage,
	"formatLabel":   webhooks.FormatLabel,
	"languageName":  extract.LanguageName,
	"truncate":      truncate,
	"isoTime":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"duration":      HumanDuration,
	"fetchFailure":  FetchFailure,
	// ordinal counts from one what the API counts from zero (an
	// article's candidate sentences), for people.
	"ordinal": func(i int) int { return i + 1 },
	// navCount is the data of the layout's "nav-count" badge: its id, the
	// number and what the number counts, for screen readers.
	"navCount": func(id string, n int64, label string) NavCount {
		return NavCount{ID: id, N: n, Text: CountText(n), Label: label}
	},
	"countText": CountText,
	// chartLayout picks one layout of a chart for the "chart-svg" template.
	"chartLayout": func(c Chart, size string) ChartLayout {
		l := c.Wide
		if size == "narrow" {
			l = c.Narrow
		}
		return ChartLayout{Chart: c, Layout: l, Size: size}
	},
	"states":   func() []models.State { return models.States },
	"verdicts": func() []models.Verdict { return models.Verdicts },
	"stances":  func() []models.Stance { return models.Stances },
	"priorities": func() []models.Priority {
		return []models.Priority{models.PriorityUrgent, models.PriorityHigh, models.PriorityNormal, models.PriorityLow}
	},
	"roles": func() []models.Role { return models.Roles },
	// sourceStatusLabel and ratingLabel name an evidence check's status
	// and a source rating (see the sources package) for the desk.
	"sourceStatusLabel": SourceStatusLabel,
	"ratingLabel":       RatingLabel,
	"join":              func(s []string, sep string) string { return strings.Join(s, sep) },
}

func init() {
	for name, f := range TimeFuncs(time.UTC) {
		Funcs[name] = f
	}
}

// TimeFuncs are the helpers that show a time, all in zone loc: every time a
// page shows goes through one of them, so a person's time zone setting
// reaches every page. (isoTime, for <time datetime>, stays UTC.)
func TimeFuncs(loc *time.Location) template.FuncMap {
	show := func(t time.Time) string { return FormatTime(t, loc) }
	ptr := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return show(*t)
	}
	return template.FuncMap{
		"datetime":       show,
		"claimCard":      claimCard(loc),
		"selectableCard": selectableCard(loc),
		"duePtr":         ptr,
		"timePtr":        ptr,
		// datetimeSeconds is for captures, where the second matters.
		"datetimeSeconds": func(t time.Time) string { return t.In(loc).Format("2 Jan 2006 15:04:05 MST") },
		// dueInput is a due date as <input type=datetime-local> wants it,
		// in loc, which is how the form's answer is read back.
		"dueInput": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(loc).Format("2006-01-02T15:04")
		},
		// clock is the time of day alone, for "as of 14:05" beside a date
		// the page already shows.
		"clock": func(t time.Time) string { return t.In(loc).Format("15:04") },
		// zoneName names loc for labels ("Due (Europe/Paris)").
		"zoneName": loc.String,
	}
}

// FormatTime is how the dashboard writes a time: day, month, year, hour
// and minute in zone loc, with the zone's abbreviation.
func FormatTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2 Jan 2006 15:04 MST")
}

// Zone is the location named name, UTC when the name is empty or unknown
// (models.Zone).
func Zone(name string) *time.Location { return models.Zone(name) }

// ChartLayout is one of a chart's layouts with the chart it belongs to.
type ChartLayout struct {
	Chart  Chart
	Layout Layout
	Size   string
}

// NavCount is one count beside a navigation link.
type NavCount struct {
	ID    string
	N     int64
	Text  string
	Label string
}

// CountText writes a navigation count, "99+" past the cap the store
// counts to (store.NavCountCap).
func CountText(n int64) string {
	if n > 99 {
		return "99+"
	}
	return fmt.Sprint(n)
}

// SourceStatusLabel is the badge text of an evidence status.
func SourceStatusLabel(status string) string { return sources.Status(status).Label() }

// RatingLabel is the text of a source rating; an empty one is unknown.
func RatingLabel(rating string) string {
	if rating == "" {
		return "Unknown"
	}
	return titleCase(rating)
}

// ActionLabel is the button name of a workflow action.
func ActionLabel(a models.Action) string {
	if a == models.ActionSendBack {
		return "Send back"
	}
	return titleCase(string(a))
}

// fieldNames are the words for the API field names forms share.
var fieldNames = map[string]string{
	"url": "URL", "due_at": "Due date", "user_id": "Person", "source_url": "Source URL", "events": "Events",
	"logo": "Logo", "duplicate_of": "Duplicate of",
}

// FieldMessage writes one field error for people. A message that is a
// sentence of its own (it starts with a capital) is shown as it is;
// otherwise the field's name, in words, leads it ("Due date: must be in
// the future"), never the API's field name.
func FieldMessage(f models.FieldError) string {
	if r, _ := utf8.DecodeRuneInString(f.Message); unicode.IsUpper(r) || f.Field == "" {
		return f.Message
	}
	name, ok := fieldNames[f.Field]
	if !ok {
		name = titleCase(strings.ReplaceAll(f.Field, ".", " "))
	}
	return name + ": " + f.Message
}

// StateLabel is the column and badge name of a state.
func StateLabel(s models.State) string { return titleCase(string(s)) }

func titleCase(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

func truncate(n int, s string) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// HumanDuration writes a duration the way an editor would say it.
func HumanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		h := int(d.Hours())
		m := int(d.Minutes()) - h*60
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// fetchFailures say in words why a source check failed, by its class
// (safehttp.ErrorClass, sources.ClassHTTPStatus); the stored detail is the
// technical account, shown on request.
var fetchFailures = map[string]string{
	"timeout":     "the site did not answer in time",
	"canceled":    "the check was interrupted",
	"dns":         "the site's name could not be found",
	"refused":     "the site could not be reached",
	"blocked":     "the address is on a network the desk may not fetch from",
	"tls":         "the site's certificate was not accepted",
	"too_large":   "the page is too large to keep",
	"redirect":    "the page redirects too often or to an address that is not a web page",
	"http":        "the request failed",
	"http_status": "the page answered with an error",
}

// FetchFailure is why a source check failed, in words.
func FetchFailure(class string) string {
	if w, ok := fetchFailures[class]; ok {
		return w
	}
	return "the check failed (" + class + ")"
}
