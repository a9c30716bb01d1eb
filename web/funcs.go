package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

// Funcs are the helpers templates may call. They only format; the
// handlers decide what is shown.
var Funcs = template.FuncMap{
	"asset":        Asset,
	"actionLabel":  ActionLabel,
	"stateLabel":   StateLabel,
	"verdictLabel": func(v models.Verdict) string { return v.Label() },
	"roleLabel":    func(r models.Role) string { return titleCase(string(r)) },
	"titleCase":    titleCase,
	"languageName": extract.LanguageName,
	"truncate":     truncate,
	"datetime":     func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") },
	"isoTime":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"duePtr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2 Jan 2006 15:04 UTC")
	},
	"duration": HumanDuration,
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
	// dueInput is a due date as <input type=datetime-local> wants it.
	"dueInput": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02T15:04")
	},
	"timePtr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2 Jan 2006 15:04 UTC")
	},
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
