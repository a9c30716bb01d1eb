// Package publish makes confirmed fact checks public: the page at
// /factchecks/{slug} with its schema.org ClaimReview, the list and the
// JSON Feed and RSS feeds, and the corrections a re-confirmation leaves.
//
// What is public is what an editor confirmed last, copied into the
// publications table by a hook inside the confirm transaction. A claim
// reopened for review therefore keeps its page, marked under review, until
// the next confirmation replaces the verdict and adds a dated correction.
package publish

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// Publication is the public record of a confirmed claim.
type Publication = models.Publication

// Correction is a dated note left when a reopened claim is confirmed again.
type Correction = models.Correction

// Config says who publishes and where.
type Config struct {
	// PublicURL is the absolute base of public pages, such as
	// https://factcheck.example.org; links in JSON-LD and feeds need it.
	PublicURL     string
	PublisherName string
	PublisherURL  string
	// Captures reads the desk's captures of the public sources for their
	// archived copies (sources.Service); nil shows no archived copies.
	Captures CaptureReader
}

// Site builds the public pages and feeds.
type Site struct {
	store *store.Store
	cfg   Config
	now   func() time.Time
}

// NewSite returns a Site over st. Empty publisher fields fall back to
// "factdesk" and the public URL.
func NewSite(st *store.Store, cfg Config) *Site {
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.PublisherName == "" {
		cfg.PublisherName = models.DefaultDeskName
	}
	if cfg.PublisherURL == "" {
		cfg.PublisherURL = cfg.PublicURL
	}
	return &Site{store: st, cfg: cfg, now: func() time.Time { return time.Now().UTC() }}
}

// Publisher is the organization named as author of every ClaimReview,
// under the configured publisher name.
func (s *Site) Publisher() Organization {
	return Organization{Type: "Organization", Name: s.cfg.PublisherName, URL: s.cfg.PublisherURL}
}

// publisher is the organization under the desk's brand name.
func (s *Site) publisher(b Brand) Organization {
	o := s.Publisher()
	if b.Name != "" {
		o.Name = b.Name
	}
	return o
}

// PageURL is the absolute URL of a publication's page.
func (s *Site) PageURL(p *Publication) string { return s.cfg.PublicURL + "/factchecks/" + p.Slug }

// Hook publishes inside the confirm transaction, so a confirmed claim is
// public exactly when the confirmation commits. A claim that was published
// before gets a correction saying what changed and why.
func (s *Site) Hook(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
	if ch.Entry == nil {
		return nil
	}
	switch ch.Entry.Kind {
	case models.HistoryEvidenceEdited, models.HistoryEvidenceRetracted, models.HistoryEvidenceChanged:
		// A published page lists its sources.
		return publicChangedIfPublished(ctx, tx, ch.Claim.ID)
	case models.HistoryTransitioned:
	default:
		return nil
	}
	if ch.Entry.Action == models.ActionReopen {
		// Only a confirmed, so published, claim can be reopened: its page
		// now says it is under review.
		return tx.PublicChanged(ctx)
	}
	if ch.Entry.Action == models.ActionReject {
		// A published check the desk rejects is retracted, not removed:
		// its address keeps a dated notice with the editor's reason.
		_, err := tx.RetractPublication(ctx, ch.Claim.ID, ch.Entry.At, ch.Entry.Comment)
		return err
	}
	if ch.Entry.Action != models.ActionConfirm {
		return nil
	}
	c := ch.Claim
	at := ch.Entry.At
	p := &Publication{ClaimID: c.ID, Slug: Slug(c.ID, c.Text), FirstPublishedAt: at, ClaimCreatedAt: c.CreatedAt}
	existing, err := tx.Publication(ctx, c.ID)
	switch {
	case err == nil:
		p = existing
		reason, err := tx.ReopenReason(ctx, c.ID)
		if err != nil {
			return err
		}
		corr := Correction{ClaimID: c.ID, OldVerdict: p.Verdict, NewVerdict: c.Verdict, Reason: reason, At: at}
		if err := tx.AddCorrection(ctx, &corr); err != nil {
			return err
		}
	case !models.IsCode(err, models.ENotFound):
		return err
	}
	// The slug stays as first published: links to the page must keep
	// working even when a correction rewords the claim.
	p.Text, p.Claimant, p.SourceURL, p.Verdict, p.Summary, p.PublishedAt = c.Text, c.Claimant, c.SourceURL, c.Verdict, c.Summary, at
	// A retracted check restored and confirmed again is live again; the
	// retraction stays in its change log.
	p.RetractedAt, p.RetractionReason = nil, ""
	return tx.SavePublication(ctx, p)
}

// publicChangedIfPublished announces a change to a claim's sources when
// the claim has a public page (store.Tx.PublicChanged).
func publicChangedIfPublished(ctx context.Context, tx *store.Tx, claimID int64) error {
	_, err := tx.Publication(ctx, claimID)
	switch {
	case err == nil:
		return tx.PublicChanged(ctx)
	case models.IsCode(err, models.ENotFound):
		return nil
	default:
		return err
	}
}

// Slug is the public path segment of a claim: its id, then up to about 60
// characters of its text in lowercase ASCII. The id makes it unique and
// lets a mistyped tail redirect to the right page.
func Slug(id int64, text string) string {
	var b strings.Builder
	dash := false
loop:
	for _, r := range norm.NFKD.String(strings.ToLower(text)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				// Stop between words once long enough, and mid-word only
				// for a freak word.
				if b.Len() >= 60 {
					break loop
				}
				b.WriteByte('-')
			}
			if b.Len() >= 80 {
				break loop
			}
			b.WriteRune(r)
			dash = false
		case unicode.Is(unicode.Mn, r):
			// An accent split off by NFKD: "é" becomes "e".
		default:
			dash = true
		}
	}
	tail := strings.Trim(b.String(), "-")
	if tail == "" {
		return strconv.FormatInt(id, 10)
	}
	return strconv.FormatInt(id, 10) + "-" + tail
}

// ClaimIDFromSlug reads the id a slug starts with.
func ClaimIDFromSlug(slug string) (int64, bool) {
	head, _, _ := strings.Cut(slug, "-")
	id, err := strconv.ParseInt(head, 10, 64)
	return id, err == nil && id > 0
}

// Page is everything the public page of one fact check shows.
type Page struct {
	Publication
	// Record is what the page says about the desk's log; nil leaves it out.
	Record       *Record
	URL          string
	VerdictLabel string
	// UnderReview: the claim was reopened; the verdict shown is the last
	// confirmed one.
	UnderReview bool
	// Retracted: the desk withdrew the check; the page shows the notice
	// (Publication.RetractedAt and RetractionReason) and no ClaimReview.
	Retracted   bool
	Sources     []PublicSource
	Corrections []Correction
	// Log is the check's own change log, from its history.
	Log []LogEntry
	// Bylines name who checked and who confirmed, when the desk opts in.
	CheckedBy, ConfirmedBy string
	// ClaimReview is nil on a retracted page: the rating is withdrawn.
	ClaimReview *ClaimReview
	// Brand is the desk's branding the page is rendered with.
	Brand Brand
}

// PublicSource is an evidence item as a reader sees it: what the source is
// and where, never the desk's check status, its internal notes or who added
// it.
type PublicSource struct {
	// EvidenceID numbers the source in the archived copy's address.
	EvidenceID int64
	URL        string
	Title      string
	Outlet     string
	Stance     models.Stance
	Note       string
	// Excerpt is the passage the desk quotes from the source.
	Excerpt string
	// ArchiveURL is the page of the desk's archived copy (site-relative),
	// and ArchivedAt the newest capture's time; empty when the desk has
	// not captured the page.
	ArchiveURL string
	ArchivedAt time.Time
}

// LogEntry is one line of a check's public change log.
type LogEntry struct {
	At   time.Time
	Text string
	// Reason is the editor's account, for reopenings and retractions
	// (the same words the corrections and the retraction notice show).
	Reason string
}

// ErrNotPublished is the not-found for anything not public.
func errNotPublished(claimID int64) error {
	return models.Errorf(models.ENotFound, "no published fact check %d", claimID)
}

// Load returns the page of a published claim. Claims never confirmed, and
// claims rejected without ever being published, are not found; a published
// claim rejected since shows its retraction.
func (s *Site) Load(ctx context.Context, claimID int64) (*Page, error) {
	p, err := s.store.Publication(ctx, claimID)
	if err != nil {
		return nil, err
	}
	c, err := s.store.ClaimWithEvidence(ctx, claimID)
	if err != nil {
		return nil, err
	}
	retracted := p.RetractedAt != nil
	if c.State == models.StateRejected && !retracted {
		return nil, errNotPublished(claimID)
	}
	page := &Page{Publication: *p, URL: s.PageURL(p), VerdictLabel: p.Verdict.Label(), Retracted: retracted,
		UnderReview: !retracted && c.State != models.StateConfirmed}
	captured, err := s.store.CapturedEvidence(ctx, claimID)
	if err != nil {
		return nil, err
	}
	outlets := map[int64]string{}
	for _, e := range c.Evidence {
		// Evidence added while the claim is under review is not part of
		// the published check until the next confirmation; retracted
		// evidence is not part of it at all.
		if e.CreatedAt.After(p.PublishedAt) || e.Retracted() {
			continue
		}
		ps := PublicSource{EvidenceID: e.ID, URL: e.URL, Title: e.Title, Stance: e.Stance, Excerpt: e.Excerpt}
		if at, ok := captured[e.ID]; ok && s.cfg.Captures != nil {
			ps.ArchiveURL, ps.ArchivedAt = ArchivePath(p.Slug, e.ID), at
		}
		if ps.Title == "" {
			ps.Title = e.PageTitle
		}
		if !e.Internal {
			ps.Note = e.Note
		}
		if e.OutletID != nil {
			name, ok := outlets[*e.OutletID]
			if !ok {
				if o, err := s.store.Outlet(ctx, *e.OutletID); err == nil {
					name = o.Name
				} else if !models.IsCode(err, models.ENotFound) {
					return nil, err
				}
				outlets[*e.OutletID] = name
			}
			ps.Outlet = name
		}
		page.Sources = append(page.Sources, ps)
	}
	if page.Corrections, err = s.store.Corrections(ctx, claimID); err != nil {
		return nil, err
	}
	history, err := s.store.PublicLog(ctx, claimID)
	if err != nil {
		return nil, err
	}
	page.Log = changeLog(history)
	settings, err := s.store.DeskSettings(ctx)
	if err != nil {
		return nil, err
	}
	page.Brand = s.brandFrom(settings)
	if settings.Bylines {
		if err := s.bylines(ctx, page, claimID, history); err != nil {
			return nil, err
		}
	}
	if !retracted {
		cr := BuildClaimReview(p, page.URL, s.publisher(page.Brand))
		for _, src := range page.Sources {
			cw := CreativeWork{Type: "CreativeWork", URL: src.URL, Name: src.Title}
			if src.ArchiveURL != "" {
				cw.ArchivedAt = s.cfg.PublicURL + src.ArchiveURL
			}
			cr.Citation = append(cr.Citation, cw)
		}
		page.ClaimReview = &cr
	}
	return page, nil
}

// changeLog words a claim's public change log, audit.ChangeLog: the same
// list of entries the page's proof covers, so what the page says and what
// the proof proves cannot drift apart.
func changeLog(hs []models.HistoryEntry) []LogEntry {
	changes := audit.ChangeLog(hs)
	out := make([]LogEntry, 0, len(changes))
	for _, c := range changes {
		e := LogEntry{At: c.At, Reason: c.Reason}
		switch c.Kind {
		case audit.ChangePublished:
			e.Text = "Published with the verdict " + c.Verdict.Label() + "."
		case audit.ChangeVerdictChanged:
			e.Text = "Verdict changed from " + c.PreviousVerdict.Label() + " to " + c.Verdict.Label() + "."
		case audit.ChangeCorrected:
			e.Text = "Reviewed and confirmed again as " + c.Verdict.Label() + "."
		case audit.ChangeReopened:
			e.Text = "Reopened for review."
		case audit.ChangeRetracted:
			e.Text = "Retracted."
		}
		out = append(out, e)
	}
	return out
}

// bylines names the checker who proposed the published verdict and the
// editor who confirmed it (when the desk opts in).
func (s *Site) bylines(ctx context.Context, page *Page, claimID int64, public []models.HistoryEntry) error {
	var confirmer *int64
	for _, h := range public {
		if h.Action == models.ActionConfirm {
			confirmer = h.ActorID
		}
	}
	checker, err := s.store.LastProposer(ctx, claimID)
	if err != nil {
		return err
	}
	var ids []int64
	for _, id := range []*int64{checker, confirmer} {
		if id != nil {
			ids = append(ids, *id)
		}
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return err
	}
	if checker != nil {
		page.CheckedBy = names[*checker]
	}
	if confirmer != nil {
		page.ConfirmedBy = names[*confirmer]
	}
	return nil
}

// StatusLabel is the reader-facing name of an evidence status.
func StatusLabel(status string) string { return sources.Status(status).Label() }

// Listed is one entry of the list and the feeds.
type Listed struct {
	Publication
	URL          string
	VerdictLabel string
	UnderReview  bool
	Retracted    bool
}

// Recent lists published checks, most recently (re)published or retracted
// first. A retracted check stays listed, marked, as its page stays up.
func (s *Site) Recent(ctx context.Context, limit int) ([]Listed, error) {
	rows, err := s.store.RecentPublications(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Listed, len(rows))
	for i, r := range rows {
		retracted := r.RetractedAt != nil
		out[i] = Listed{Publication: r.Publication, URL: s.PageURL(&r.Publication), VerdictLabel: r.Verdict.Label(),
			Retracted: retracted, UnderReview: !retracted && r.State != models.StateConfirmed}
	}
	return out, nil
}

// Record is what a page says about the desk's tamper-evident log
// (docs/audit.md): where its proof is, and the newest checkpoint.
type Record struct {
	ProofURL string
	// Size and Root (standard base64, as on the checkpoint's third line)
	// name the newest checkpoint; Size is 0 before the first. Covered says
	// it includes every line of the page's change log.
	Size    int
	Root    string
	Covered bool
}
