package sources

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Outlet is one entry of the source registry: a domain the editors have
// rated, matching the domain and every host below it.
type Outlet = models.Outlet

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
	if msg := checkHostname(s); msg != "" {
		return "", fmt.Errorf("%q is not a domain such as example.org: %s", in, msg)
	}
	if _, err := publicsuffix.EffectiveTLDPlusOne(s); err != nil {
		return "", fmt.Errorf("%q is a public suffix; name the outlet's own domain, such as example.co.uk", in)
	}
	return s, nil
}

// checkHostname returns why the ASCII host h is not a DNS host name
// (RFC 1123: labels of 1 to 63 letters, digits and inner hyphens, 253
// characters in all), or "". Wildcards such as *.example match nothing a
// piece of evidence can cite.
func checkHostname(h string) string {
	if len(h) > 253 {
		return "a domain has at most 253 characters"
	}
	for _, label := range strings.Split(h, ".") {
		switch {
		case label == "":
			return "it has an empty label"
		case len(label) > 63:
			return "each dot-separated part has at most 63 characters"
		case label[0] == '-' || label[len(label)-1] == '-':
			return "a part cannot start or end with a hyphen"
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return "use only letters, digits and hyphens"
			}
		}
	}
	return ""
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
	return s.store.Outlets(ctx)
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
		if err := tx.CreateOutlet(ctx, o); err != nil {
			return err
		}
		return tx.RerateDomain(ctx, o.Domain)
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
		locked, err := tx.LockOutlet(ctx, id)
		if err != nil {
			return err
		}
		o = *locked
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
		if err := tx.UpdateOutlet(ctx, &o); err != nil {
			return err
		}
		if err := tx.RerateDomain(ctx, oldDomain); err != nil {
			return err
		}
		return tx.RerateDomain(ctx, o.Domain)
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
		o, err := tx.Outlet(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteOutlet(ctx, id); err != nil {
			return err
		}
		return tx.RerateDomain(ctx, o.Domain)
	})
}

// rateEvidence sets one new evidence item's host and rating, and copies
// them onto ev so the response that created it shows them.
func rateEvidence(ctx context.Context, tx *store.Tx, ev *models.Evidence) error {
	return tx.RateEvidence(ctx, ev, Host(ev.URL))
}

func requireEditor(actor *models.User) error {
	if actor == nil || !actor.Active || !actor.Role.AtLeast(models.RoleEditor) {
		return models.Errorf(models.EForbidden, "only editors may change the source registry")
	}
	return nil
}
