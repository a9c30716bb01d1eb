package sources

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Outlet is one entry of the source registry: a domain the editors have
// rated. It matches the domain itself and every host below it, so
// "example.org" rates news.example.org too, while a more specific entry
// ("blogs.example.org") wins over it.
type Outlet struct {
	ID        int64     `json:"id" gorm:"primaryKey"`
	Domain    string    `json:"domain"`
	Name      string    `json:"name"`
	Rating    Rating    `json:"rating"`
	Note      string    `json:"note"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table name explicit rather than inflected.
func (Outlet) TableName() string { return "outlets" }

// OutletInput is the body of a create; every field of a patch is optional.
type OutletInput struct {
	Domain string `json:"domain"`
	Name   string `json:"name"`
	Rating Rating `json:"rating"`
	Note   string `json:"note"`
}

// OutletPatch changes some fields of an outlet.
type OutletPatch struct {
	Domain models.Optional[string] `json:"domain"`
	Name   models.Optional[string] `json:"name"`
	Rating models.Optional[Rating] `json:"rating"`
	Note   models.Optional[string] `json:"note"`
}

// Host returns rawURL's host name as ratings match it: lowercased, in ASCII
// (punycode), without a trailing dot. It returns "" for a URL without one.
func Host(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return ""
	}
	return cleanHost(u.Hostname())
}

func cleanHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	if ascii, err := idna.Lookup.ToASCII(h); err == nil {
		h = ascii
	}
	return h
}

// RegistrableDomain is the part of host a person registers ("bbc.co.uk" for
// www.bbc.co.uk). Two pieces of evidence from one registrable domain are not
// independent sources. Hosts without one (IP addresses, localhost) stand
// for themselves.
func RegistrableDomain(host string) string {
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// NormalizeDomain turns what an editor typed ("https://www.Example.org/x",
// "example.org.") into the stored form ("example.org"), refusing public
// suffixes such as "co.uk", which would rate half the web at once.
func NormalizeDomain(in string) (string, error) {
	s := strings.TrimSpace(in)
	if strings.Contains(s, "://") {
		s = Host(s)
	} else {
		s, _, _ = strings.Cut(s, "/")
		s = cleanHost(s)
	}
	s = strings.TrimPrefix(s, "www.")
	if s == "" || strings.ContainsAny(s, " :@[]") || !strings.Contains(s, ".") {
		return "", fmt.Errorf("%q is not a domain such as example.org", in)
	}
	if _, err := publicsuffix.EffectiveTLDPlusOne(s); err != nil {
		return "", fmt.Errorf("%q is a public suffix; name the outlet's own domain, such as example.co.uk", in)
	}
	return s, nil
}

func validateOutlet(o *Outlet) error {
	var fields []models.FieldError
	if !o.Rating.Valid() {
		fields = append(fields, models.FieldError{Field: "rating", Message: models.MustBeOneOf(Ratings)})
	}
	if utf8.RuneCountInString(o.Name) > 200 {
		fields = append(fields, models.FieldError{Field: "name", Message: "at most 200 characters"})
	}
	if utf8.RuneCountInString(o.Note) > 2000 {
		fields = append(fields, models.FieldError{Field: "note", Message: "at most 2000 characters"})
	}
	if len(fields) > 0 {
		return models.Invalid("the source is not valid", fields...)
	}
	return nil
}

// Outlets lists the registry alphabetically by domain.
func (s *Service) Outlets(ctx context.Context) ([]Outlet, error) {
	out := []Outlet{}
	if err := s.store.DB(ctx).Order("domain").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("sources: list outlets: %w", err)
	}
	return out, nil
}

// CreateOutlet adds a registry entry and re-rates the evidence it covers,
// in one transaction.
func (s *Service) CreateOutlet(ctx context.Context, actor *models.User, in OutletInput) (*Outlet, error) {
	if err := requireEditor(actor); err != nil {
		return nil, err
	}
	domain, err := NormalizeDomain(in.Domain)
	if err != nil {
		return nil, models.Invalid("the source is not valid", models.FieldError{Field: "domain", Message: err.Error()})
	}
	now := s.now()
	o := &Outlet{Domain: domain, Name: strings.TrimSpace(in.Name), Rating: in.Rating, Note: strings.TrimSpace(in.Note),
		CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now}
	if err := validateOutlet(o); err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB(ctx).Create(o).Error; err != nil {
			return outletWriteError(err, o.Domain)
		}
		return rerate(ctx, tx, o.Domain)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// UpdateOutlet edits a registry entry; evidence under its old and new
// domain is re-rated in the same transaction.
func (s *Service) UpdateOutlet(ctx context.Context, actor *models.User, id int64, p OutletPatch) (*Outlet, error) {
	if err := requireEditor(actor); err != nil {
		return nil, err
	}
	var o Outlet
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).First(&o, id).Error; err != nil {
			return outletNotFound(err, id)
		}
		oldDomain := o.Domain
		if p.Domain.Set {
			d, err := NormalizeDomain(p.Domain.Value)
			if err != nil {
				return models.Invalid("the source is not valid", models.FieldError{Field: "domain", Message: err.Error()})
			}
			o.Domain = d
		}
		if p.Name.Set {
			o.Name = strings.TrimSpace(p.Name.Value)
		}
		if p.Rating.Set {
			o.Rating = p.Rating.Value
		}
		if p.Note.Set {
			o.Note = strings.TrimSpace(p.Note.Value)
		}
		if err := validateOutlet(&o); err != nil {
			return err
		}
		o.UpdatedAt = s.now()
		err := tx.DB(ctx).Model(&o).Select("domain", "name", "rating", "note", "updated_at").Updates(&o).Error
		if err != nil {
			return outletWriteError(err, o.Domain)
		}
		if err := rerate(ctx, tx, oldDomain); err != nil {
			return err
		}
		return rerate(ctx, tx, o.Domain)
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// DeleteOutlet removes a registry entry; the evidence it rated falls back to
// a broader entry or to unknown.
func (s *Service) DeleteOutlet(ctx context.Context, actor *models.User, id int64) error {
	if err := requireEditor(actor); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		var o Outlet
		if err := tx.DB(ctx).First(&o, id).Error; err != nil {
			return outletNotFound(err, id)
		}
		if err := tx.DB(ctx).Delete(&Outlet{}, id).Error; err != nil {
			return fmt.Errorf("sources: delete outlet %d: %w", id, err)
		}
		return rerate(ctx, tx, o.Domain)
	})
}

// rateSQL sets each selected evidence row's outlet and rating from the most
// specific registry entry covering its host. right(...) rather than LIKE,
// so a domain's characters are never read as a pattern.
const rateSQL = `
UPDATE evidence e SET
    outlet_id = m.id,
    source_rating = COALESCE(m.rating, 'unknown')
FROM evidence e2
LEFT JOIN LATERAL (
    SELECT o.id, o.rating FROM outlets o
    WHERE e2.host = o.domain OR right(e2.host, length(o.domain) + 1) = '.' || o.domain
    ORDER BY length(o.domain) DESC
    LIMIT 1
) m ON true
WHERE e.id = e2.id AND `

// rerate refreshes the rating of every evidence item under domain.
func rerate(ctx context.Context, tx *store.Tx, domain string) error {
	err := tx.Exec(ctx, rateSQL+`(e2.host = ? OR right(e2.host, length(?) + 1) = '.' || ?)`, domain, domain, domain)
	if err != nil {
		return fmt.Errorf("sources: re-rate evidence under %s: %w", domain, err)
	}
	return nil
}

// rateEvidence sets one new evidence item's host and rating, and copies
// them onto ev so the response that created it shows them.
func rateEvidence(ctx context.Context, tx *store.Tx, ev *models.Evidence) error {
	host := Host(ev.URL)
	if err := tx.Exec(ctx, "UPDATE evidence SET host = ? WHERE id = ?", host, ev.ID); err != nil {
		return fmt.Errorf("sources: set host of evidence %d: %w", ev.ID, err)
	}
	if err := tx.Exec(ctx, rateSQL+"e2.id = ?", ev.ID); err != nil {
		return fmt.Errorf("sources: rate evidence %d: %w", ev.ID, err)
	}
	var row struct {
		OutletID     *int64
		SourceRating string
	}
	if err := tx.DB(ctx).Raw("SELECT outlet_id, source_rating FROM evidence WHERE id = ?", ev.ID).Scan(&row).Error; err != nil {
		return fmt.Errorf("sources: read rating of evidence %d: %w", ev.ID, err)
	}
	ev.OutletID, ev.SourceRating = row.OutletID, row.SourceRating
	return nil
}

func outletWriteError(err error, domain string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return models.Errorf(models.EConflict, "%s is already in the source registry", domain)
	}
	return fmt.Errorf("sources: write outlet %s: %w", domain, err)
}

func outletNotFound(err error, id int64) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Errorf(models.ENotFound, "source %d not found", id)
	}
	return fmt.Errorf("sources: outlet %d: %w", id, err)
}

func requireEditor(actor *models.User) error {
	if actor == nil || !actor.Active || !actor.Role.AtLeast(models.RoleEditor) {
		return models.Errorf(models.EForbidden, "only editors may change the source registry")
	}
	return nil
}
