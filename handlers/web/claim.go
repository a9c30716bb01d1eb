package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/web"
	"github.com/factdesk/factdesk/workflow"
)

type assigneeView struct {
	UserID    int64
	Name      string
	Role      models.AssignmentRole
	CanRemove bool
}

type commentView struct {
	ID     int64
	Author string
	At     time.Time
	Body   string
	// HTML is Body escaped, with its mentions as links (notify.Renderer).
	HTML template.HTML
}

type timelineItem struct {
	Seq     int
	At      time.Time
	Actor   string
	Text    string
	Comment string
	// Changes are an edit's fields with their old and new values.
	Changes []fieldChange
}

// fieldChange is one field an edit changed, its values as text.
type fieldChange struct {
	Field, Old, New string
}

// fieldChanges reads an edit's "changed" and "previous" details into
// sorted old → new pairs.
func fieldChanges(changed, previous map[string]json.RawMessage) []fieldChange {
	out := make([]fieldChange, 0, len(changed))
	for k, v := range changed {
		out = append(out, fieldChange{Field: strings.ReplaceAll(strings.ReplaceAll(k, "_at", " date"), "_", " "),
			Old: valueText(previous[k]), New: valueText(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// valueText shows one JSON value of a history entry to a person: text as
// it is, lists comma-separated, nothing as "(none)".
func valueText(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil || v == nil {
		return "(none)"
	}
	switch x := v.(type) {
	case string:
		if x == "" {
			return "(none)"
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.UTC().Format("2 Jan 2006 15:04 UTC")
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		if len(parts) == 0 {
			return "(none)"
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// claimView is everything the claim page shows.
type claimView struct {
	Claim     *models.Claim
	CSRF      string
	Stale     bool
	Overdue   bool
	CreatedBy string
	Assignees []assigneeView
	Comments  []commentView
	Timeline  []timelineItem
	// Options are the actions the claim's state allows, from the workflow
	// table; the ones this user may not take come disabled with a reason.
	Options                              []workflow.Option
	AskVerdict, AskComment, AskDuplicate bool
	CanTake, CanAssign                   bool
	CanAddEvidence, CanComment           bool
	// CanEdit offers the edit form (claim_edit.go); CanReopen says this
	// user may reopen the claim, the way to correct a published wording.
	CanEdit, CanReopen bool
	People             []models.User
	LiveURL            string
	// EventsURL is the live region's event stream, stamped with what the
	// page shows so the stream can say at once what it missed.
	EventsURL string
	// Following says whether the user follows the claim (notify).
	Following bool
	// CanCheck offers "Check now" on each evidence item
	// (workflow.CheckSource).
	CanCheck bool
	// Warnings are the sourcing warnings for the current evidence; they
	// advise and never block an action.
	Warnings []sources.Warning
	// Checks are the pre-publish checks of the confirm option; Blocked
	// says one of them blocks, so the form asks for an override reason.
	Checks  []workflow.CheckResult
	Blocked bool
	// Overrides are the confirms that went past a blocking check.
	Overrides []overrideView
	// Duplicate is the claim a rejected claim duplicates, when it names
	// one.
	Duplicate *models.Claim
	// PublicURL is the published fact check's page, once confirmed;
	// Retracted says the desk withdrew it.
	PublicURL string
	Retracted bool
}

// overrideView is a confirm that overrode a blocking pre-publish check.
type overrideView struct {
	At     time.Time
	Editor string
	Reason string
	Checks []workflow.CheckName
}

// claimView loads the claim page for u. seen is the version the user's page
// was rendered from (0 for a fresh load); when it differs the page says the
// claim changed.
func (s *Server) claimView(ctx context.Context, u *models.User, csrf string, id int64, seen int) (*claimView, error) {
	claim, err := s.store.ClaimWithEvidence(ctx, id)
	if err != nil {
		return nil, err
	}
	comments, err := s.store.Comments(ctx, id)
	if err != nil {
		return nil, err
	}
	history, err := s.store.History(ctx, id)
	if err != nil {
		return nil, err
	}
	opts, err := s.engine.OptionsFor(ctx, u, claim)
	if err != nil {
		return nil, err
	}
	ppl, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	v := &claimView{
		Claim: claim, CSRF: csrf, Stale: seen != 0 && seen != claim.Version, Overdue: claim.Overdue(now),
		CreatedBy: ppl.name(claim.CreatedBy), Options: opts,
	}
	v.LiveURL = fmt.Sprintf("/claims/%d/live?v=%d", claim.ID, claim.Version)
	v.EventsURL = withQuery("/events", url.Values{"claim": {strconv.FormatInt(claim.ID, 10)}, "shown": {live.ClaimStamp(claim)}})
	if err := s.claimLinks(ctx, v); err != nil {
		return nil, err
	}
	for _, a := range claim.Assignees {
		v.Assignees = append(v.Assignees, assigneeView{
			UserID: a.UserID, Name: ppl.name(a.UserID), Role: a.Role,
			CanRemove: workflow.Can(u, claim, workflow.Unassign) || (a.UserID == u.ID && workflow.Can(u, claim, workflow.UnassignSelf)),
		})
	}
	if err := s.claimNotifyView(ctx, u, v, comments, ppl); err != nil {
		return nil, err
	}
	for _, h := range history {
		it := describe(h, ppl)
		it.Seq = h.Seq
		v.Timeline = append(v.Timeline, it)
		if o := overrideOf(h); o != nil {
			o.Editor = it.Actor
			v.Overrides = append(v.Overrides, *o)
		}
	}
	for _, o := range opts {
		switch o.Action {
		case models.ActionConfirm:
			v.Checks, v.Blocked = o.Checks, anyBlocking(o.Checks)
		case models.ActionVerify, models.ActionDispute:
			v.AskVerdict = v.AskVerdict || o.Allowed
		case models.ActionSendBack, models.ActionReopen:
			v.AskComment = v.AskComment || o.Allowed
			v.CanReopen = v.CanReopen || o.Action == models.ActionReopen && o.Allowed
		case models.ActionReject:
			v.AskComment = v.AskComment || o.Allowed
			v.AskDuplicate = v.AskDuplicate || o.Allowed
		}
	}
	v.CanAssign = workflow.Can(u, claim, workflow.Assign)
	// Whoever may assign others gets the assign form instead of "take it".
	v.CanTake = workflow.Can(u, claim, workflow.TakeClaim) && !v.CanAssign
	v.CanAddEvidence = workflow.Can(u, claim, workflow.AddEvidence)
	v.CanComment = workflow.Can(u, claim, workflow.Comment)
	v.CanEdit = workflow.Can(u, claim, workflow.EditClaim)
	v.CanCheck = workflow.Can(u, claim, workflow.CheckSource)
	v.Warnings = sources.Warn(claim.Evidence)
	if v.CanAssign {
		for _, p := range ppl {
			if workflow.Assignable(&p, models.AssignChecker) {
				v.People = append(v.People, p)
			}
		}
		sortUsers(v.People)
	}
	return v, nil
}

// claimLinks fills the claim page's links to other places: the claim a
// rejected duplicate repeats, and the public page of a published check.
func (s *Server) claimLinks(ctx context.Context, v *claimView) error {
	c := v.Claim
	if c.DuplicateOf != nil {
		dup, err := s.store.Claim(ctx, *c.DuplicateOf)
		switch {
		case err == nil:
			v.Duplicate = dup
		case models.CodeOf(err) != models.ENotFound:
			return err
		}
	}
	if c.State == models.StateNew || c.State == models.StateVerifying {
		return nil // never confirmed, so never published
	}
	pub, err := s.store.Publication(ctx, c.ID)
	if err != nil {
		if models.CodeOf(err) == models.ENotFound {
			return nil
		}
		return err
	}
	// This server serves the public pages too, so the path works whatever
	// public address the desk is configured with.
	v.PublicURL, v.Retracted = "/factchecks/"+pub.Slug, pub.RetractedAt != nil
	return nil
}

// overrideOf reads the override kept on a confirm entry, or nil.
func overrideOf(h models.HistoryEntry) *overrideView {
	if h.Action != models.ActionConfirm || len(h.Details) == 0 {
		return nil
	}
	var d struct {
		Override *struct {
			Reason string               `json:"reason"`
			Checks []workflow.CheckName `json:"checks"`
		} `json:"override"`
	}
	if json.Unmarshal(h.Details, &d) != nil || d.Override == nil {
		return nil
	}
	return &overrideView{At: h.At, Reason: d.Override.Reason, Checks: d.Override.Checks}
}

func anyBlocking(rs []workflow.CheckResult) bool {
	for _, r := range rs {
		if r.Blocking() {
			return true
		}
	}
	return false
}

// describe writes one history entry as a sentence.
func describe(h models.HistoryEntry, ppl people) timelineItem {
	it := timelineItem{At: h.At, Actor: "The system"}
	if h.ActorID != nil {
		it.Actor = ppl.name(*h.ActorID)
	}
	var d struct {
		UserID int64  `json:"user_id"`
		Role   string `json:"role"`
		Stance string `json:"stance"`
		URL    string `json:"url"`
		Via    string `json:"via"`
		// Changed and Previous hold the fields an edit set, by name,
		// with their new and old values.
		Changed  map[string]json.RawMessage `json:"changed"`
		Previous map[string]json.RawMessage `json:"previous"`
		// Edited is a candidate's edit before it was filed
		// (workflow.FileCandidates).
		Edited *struct {
			Fields   []string `json:"fields"`
			Sentence string   `json:"sentence"`
			Claimant string   `json:"claimant"`
			Span     string   `json:"span"`
		} `json:"edited"`
	}
	if len(h.Details) > 0 {
		json.Unmarshal(h.Details, &d)
	}
	switch h.Kind {
	case models.HistoryCreated:
		it.Text = "created the claim."
		if e := d.Edited; e != nil {
			it.Text = describeFiledEdit(e.Fields, e.Span, e.Claimant)
			if slices.Contains(e.Fields, "text") && e.Span != "narrowed" {
				it.Comment = e.Sentence
			}
		}
	case models.HistoryUpdated:
		it.Text = "edited the claim."
		if len(d.Changed) > 0 {
			names := make([]string, 0, len(d.Changed))
			for k := range d.Changed {
				names = append(names, strings.ReplaceAll(k, "_at", " date"))
			}
			sort.Strings(names)
			it.Text = "edited the claim: " + strings.Join(names, ", ") + "."
			it.Changes = fieldChanges(d.Changed, d.Previous)
		}
		if h.ToState != "" {
			it.Text = strings.TrimSuffix(it.Text, ".") + "; that changed what was judged, so the proposed verdict was withdrawn: back to " + web.StateLabel(h.ToState) + "."
		}
	case models.HistoryEvidenceEdited:
		it.Text = "corrected evidence: " + d.URL
		if h.ToState != "" {
			it.Text += "; the proposed verdict was withdrawn for a fresh verify"
		}
		it.Text += "."
		it.Changes = fieldChanges(d.Changed, d.Previous)
	case models.HistoryEvidenceRetracted:
		it.Text = "retracted evidence: " + d.URL
		if h.ToState != "" {
			it.Text += "; the proposed verdict was withdrawn for a fresh verify"
		}
		it.Text += "."
		it.Comment = h.Comment
	case models.HistoryAssigned:
		it.Text = fmt.Sprintf("assigned %s as %s.", ppl.name(d.UserID), d.Role)
		if d.Via == "queue" {
			it.Text = "took the claim from the queue."
		}
	case models.HistoryUnassigned:
		it.Text = fmt.Sprintf("removed %s as %s.", ppl.name(d.UserID), d.Role)
	case models.HistoryTransitioned:
		it.Text = fmt.Sprintf("%s: %s → %s", web.ActionLabel(h.Action), web.StateLabel(h.FromState), web.StateLabel(h.ToState))
		if h.Verdict != "" && (h.Action == models.ActionVerify || h.Action == models.ActionDispute || h.Action == models.ActionConfirm) {
			it.Text += " (verdict " + h.Verdict.Label() + ")"
		}
		it.Text += "."
		if o := overrideOf(h); o != nil {
			it.Text += " Overrode the blocking pre-publish check(s) " + models.Join(o.Checks) + ": " + o.Reason
		}
		it.Comment = h.Comment
	case models.HistoryEvidenceAdded:
		it.Text = fmt.Sprintf("added evidence that %s the claim: %s", d.Stance, d.URL)
		if d.Stance == string(models.StanceContext) {
			it.Text = "added context: " + d.URL
		}
	case models.HistoryCommentAdded:
		it.Text = "commented."
	case models.HistoryEvidenceChanged:
		it.Text = "noticed that a cited source changed."
	default:
		it.Text = string(h.Kind) + "."
	}
	return it
}

// describeFiledEdit says how a candidate was edited before it was filed:
// cut to some of its words (the claim points at them), or reworded (the
// entry's comment then quotes the sentence), and its claimant changed.
func describeFiledEdit(fields []string, span, claimant string) string {
	var parts []string
	if slices.Contains(fields, "text") {
		if span == "narrowed" {
			parts = append(parts, "cut to the words checked")
		} else {
			parts = append(parts, "reworded")
		}
	}
	if slices.Contains(fields, "claimant") {
		if claimant == "" {
			parts = append(parts, "the claimant was added")
		} else {
			parts = append(parts, "the claimant was changed from “"+claimant+"”")
		}
	}
	text := "created the claim from its article, " + strings.Join(parts, "; ")
	if slices.Contains(fields, "text") && span != "narrowed" {
		return text + "; the article's sentence reads "
	}
	return text + "."
}

// webClaim shows one claim with everything needed to work it.
func (s *Server) webClaim(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	v, err := s.claimView(c.Request.Context(), actor(c), csrfToken(c), id, 0)
	if err != nil {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Claim #" + strconv.FormatInt(id, 10), Nav: "board", Data: v}
	p.flash(c)
	s.render(c, http.StatusOK, "claim", p)
}

// webClaimLive is the claim page's live region alone; v is the version the
// page was rendered from, so the fragment can say the claim changed.
func (s *Server) webClaimLive(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	seen, _ := strconv.Atoi(c.Query("v"))
	v, err := s.claimView(c.Request.Context(), actor(c), csrfToken(c), id, seen)
	if err != nil {
		s.respondError(c, err)
		return
	}
	s.renderTemplate(c, http.StatusOK, "claim", "claim-live-fragment", v)
}

// rerenderClaim answers a failed claim form by showing the claim as it now
// is, the message and the fields at fault, and the user's input kept. A
// stale version is said in plain words: the page never silently
// overwrites someone else's change.
func (s *Server) rerenderClaim(c *gin.Context, id int64, err error) {
	code := models.CodeOf(err)
	if code != models.EConflict && code != models.EInvalid {
		s.respondError(c, err)
		return
	}
	v, loadErr := s.claimView(c.Request.Context(), actor(c), csrfToken(c), id, 0)
	if loadErr != nil {
		s.respondError(c, loadErr)
		return
	}
	p := &page{Title: "Claim #" + strconv.FormatInt(id, 10), Nav: "board", Data: v, Form: c.Request.PostForm}
	status := s.withProblem(c, p, err)
	if sent, _ := strconv.Atoi(c.PostForm("version")); code == models.EConflict && sent != 0 && sent != v.Claim.Version {
		p.Notice = fmt.Sprintf("This claim changed since you opened it (you had version %d; it is now version %d, %s). The page now shows the current claim; check it and try again.",
			sent, v.Claim.Version, web.StateLabel(v.Claim.State))
		p.NoticeKind = "warning"
	}
	s.render(c, status, "claim", p)
}
