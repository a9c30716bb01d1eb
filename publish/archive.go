package publish

import (
	"context"
	"strconv"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

// CaptureReader is the part of the source service the archived copies
// read: an evidence item's captures, one capture's readable text, and one
// capture's WARC records.
type CaptureReader interface {
	Captures(ctx context.Context, claimID, evidenceID int64) ([]sources.CaptureView, error)
	Capture(ctx context.Context, claimID, evidenceID, captureID int64) (*sources.CaptureText, error)
	CaptureRecords(ctx context.Context, claimID, evidenceID, captureID int64) ([]byte, error)
}

// ArchivePath is the site-relative address of the desk's archived copy of
// one source of a published check.
func ArchivePath(slug string, evidenceID int64) string {
	return "/factchecks/" + slug + "/sources/" + strconv.FormatInt(evidenceID, 10)
}

// WARCPath is where one capture's WARC records download from.
func WARCPath(slug string, evidenceID, captureID int64) string {
	return ArchivePath(slug, evidenceID) + "/captures/" + strconv.FormatInt(captureID, 10) + "/warc"
}

// Archive is the public view of the desk's archived copy of one source:
// every capture (time, digests, timestamps) and one capture's readable
// text with the quoted passage marked. It holds nothing of the desk's own
// judgement: no check status, no internal note, nobody's name.
type Archive struct {
	// Page is the fact check the source belongs to (for its title and
	// address).
	Page   *Page
	Source PublicSource
	// Captures are newest first; Selected is the one whose text is shown.
	Captures []sources.CaptureView
	Selected *sources.CaptureView
	sources.Highlighted
}

// LoadArchive returns the archived copy of evidence item evidenceID of
// the published check of claimID, showing capture captureID (0: the newest
// capture taken when the check was published, or the oldest after it). It
// is found exactly when the check's page lists the source and the desk has
// a capture of it: evidence retracted, added since the publication, or of
// an unpublished claim is not found.
func (s *Site) LoadArchive(ctx context.Context, claimID, evidenceID, captureID int64) (*Archive, error) {
	page, src, err := s.publicSource(ctx, claimID, evidenceID)
	if err != nil {
		return nil, err
	}
	caps, err := s.cfg.Captures.Captures(ctx, claimID, evidenceID)
	if err != nil {
		return nil, err
	}
	if len(caps) == 0 {
		return nil, noArchive(claimID, evidenceID)
	}
	a := &Archive{Page: page, Source: src, Captures: caps}
	if captureID == 0 {
		// Newest first: the first capture not after the publication is
		// what the desk saw when it published.
		captureID = caps[len(caps)-1].ID
		for _, c := range caps {
			if !c.FetchedAt.After(page.PublishedAt) {
				captureID = c.ID
				break
			}
		}
	}
	ct, err := s.cfg.Captures.Capture(ctx, claimID, evidenceID, captureID)
	if err != nil {
		return nil, err
	}
	a.Selected = &ct.Capture
	a.Highlighted = sources.Highlight(ct.Text, ct.Capture)
	return a, nil
}

// ArchiveWARC returns one capture's WARC records under the same rule as
// LoadArchive.
func (s *Site) ArchiveWARC(ctx context.Context, claimID, evidenceID, captureID int64) (*Page, []byte, error) {
	page, _, err := s.publicSource(ctx, claimID, evidenceID)
	if err != nil {
		return nil, nil, err
	}
	data, err := s.cfg.Captures.CaptureRecords(ctx, claimID, evidenceID, captureID)
	if err != nil {
		return nil, nil, err
	}
	return page, data, nil
}

// publicSource loads the published page of claimID and the source on it
// that is evidence item evidenceID, with its archived copy.
func (s *Site) publicSource(ctx context.Context, claimID, evidenceID int64) (*Page, PublicSource, error) {
	if s.cfg.Captures == nil {
		return nil, PublicSource{}, noArchive(claimID, evidenceID)
	}
	page, err := s.Load(ctx, claimID)
	if err != nil {
		return nil, PublicSource{}, err
	}
	for _, src := range page.Sources {
		if src.EvidenceID == evidenceID && src.ArchiveURL != "" {
			return page, src, nil
		}
	}
	return nil, PublicSource{}, noArchive(claimID, evidenceID)
}

func noArchive(claimID, evidenceID int64) error {
	return models.Errorf(models.ENotFound, "fact check %d has no archived source %d", claimID, evidenceID)
}
