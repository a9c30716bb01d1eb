package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/store"
)

// Format is how a delivery's body is written.
type Format = models.WebhookFormat

const (
	// FormatStandard posts the event envelope as JSON.
	FormatStandard Format = "standard"
	// FormatSlack posts {"text": "..."}, a message a Slack incoming webhook
	// shows as is. Deliveries are still signed.
	FormatSlack Format = "slack"
	// FormatGoogleChat posts {"text": "..."} in Google Chat's markup, for a
	// space's incoming webhook.
	FormatGoogleChat Format = "googlechat"
	// FormatTeams posts an Adaptive Card message, for a Microsoft Teams
	// workflow that posts webhook requests to a channel.
	FormatTeams Format = "teams"
)

// Formats lists every format, in the order forms offer them.
var Formats = []Format{FormatStandard, FormatSlack, FormatGoogleChat, FormatTeams}

// FormatLabel names a format for people.
func FormatLabel(f Format) string {
	switch f {
	case FormatSlack:
		return "Slack message"
	case FormatGoogleChat:
		return "Google Chat message"
	case FormatTeams:
		return "Microsoft Teams card"
	}
	return "Standard JSON event"
}

func validFormat(f Format) bool {
	for _, x := range Formats {
		if x == f {
			return true
		}
	}
	return false
}

// AllEvents subscribes an endpoint to every event type, present and future.
const AllEvents = "*"

// OldSecretTTL is how long the previous secret keeps signing after a
// rotation, so receivers can switch without dropping a delivery.
const OldSecretTTL = 24 * time.Hour

// Endpoint is a registered receiver. Secret is set only in the responses
// to creation and rotation; it is never shown again.
type Endpoint = models.WebhookEndpoint

// NewEndpoint is the input of Create.
type NewEndpoint struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
	Format      Format   `json:"format"`
	// AllowDuplicate registers the endpoint even when one with the same
	// URL, event set and format exists. Without it that is refused as a
	// conflict: an accidental second registration (a resubmitted form, a
	// retried script) would deliver every event twice.
	AllowDuplicate bool `json:"allow_duplicate"`
}

// EndpointPatch is a partial update; absent fields are left alone.
type EndpointPatch struct {
	URL         models.Optional[string]   `json:"url"`
	Events      models.Optional[[]string] `json:"events"`
	Active      models.Optional[bool]     `json:"active"`
	Description models.Optional[string]   `json:"description"`
	// AllowDuplicate lets a change of URL or events make this endpoint
	// repeat another's URL, events and format (see NewEndpoint).
	AllowDuplicate bool `json:"allow_duplicate"`
}

// ErrDuplicate marks Create's refusal of an endpoint that repeats another's
// URL, events and format (a conflict, errors.Is-able for forms that offer
// to register it anyway).
var ErrDuplicate = errors.New("webhooks: duplicate endpoint")

// Create registers an endpoint and returns it with its secret.
func (s *Service) Create(ctx context.Context, actor *models.User, in NewEndpoint) (*Endpoint, error) {
	e := &Endpoint{
		URL: strings.TrimSpace(in.URL), Description: strings.TrimSpace(in.Description),
		Format: in.Format, Active: true,
	}
	if e.Format == "" {
		e.Format = FormatStandard
	}
	var fields []models.FieldError
	fields = append(fields, s.checkURL(ctx, e.URL)...)
	evs, bad := cleanEvents(in.Events)
	e.Events = evs
	fields = append(fields, bad...)
	if !validFormat(e.Format) {
		fields = append(fields, models.FieldError{Field: "format", Message: "The format must be standard, slack, googlechat or teams."})
	}
	fields = append(fields, checkDescription(e.Description)...)
	if len(fields) > 0 {
		return nil, models.Invalid("the webhook is not valid", fields...)
	}
	if actor != nil {
		e.CreatedBy = &actor.ID
	}
	secret := NewSecret()
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		// The id is the sealing's additional data, so take it first.
		var err error
		same, err := tx.LockWebhookURL(ctx, e.URL)
		if err != nil {
			return err
		}
		if dup := duplicateOf(same, e); dup != nil && !in.AllowDuplicate {
			return fmt.Errorf("%w: %w", ErrDuplicate, models.Errorf(models.EConflict, "webhook %d already sends these events to %s in this format; "+
				"change the events or format, or register it again on purpose with allow_duplicate", dup.ID, e.URL))
		}
		if e.ID, err = tx.NextWebhookEndpointID(ctx); err != nil {
			return err
		}
		now := s.now()
		e.CreatedAt, e.UpdatedAt = now, now
		e.SecretSealed = s.sealer.seal(e.ID, secret)
		return tx.CreateWebhookEndpoint(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	e.Secret = secret
	return e, nil
}

// duplicateOf returns the endpoint among same (all at e's URL) that has
// e's format and exactly e's event set, in any order, or nil.
func duplicateOf(same []Endpoint, e *Endpoint) *Endpoint {
	for i := range same {
		if same[i].Format == e.Format && sameSet(same[i].Events, e.Events) {
			return &same[i]
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]bool{}
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}

// List returns every endpoint, oldest first.
func (s *Service) List(ctx context.Context) ([]Endpoint, error) {
	return s.store.WebhookEndpoints(ctx)
}

// Get returns one endpoint.
func (s *Service) Get(ctx context.Context, id int64) (*Endpoint, error) {
	return s.store.WebhookEndpoint(ctx, id)
}

// Update applies a partial change. Setting active to true re-enables a
// disabled endpoint: new events flow again and its failure counters start
// over. Events emitted while it was disabled are not queued for it; resend
// them with Recover from disabled_at.
func (s *Service) Update(ctx context.Context, id int64, p EndpointPatch) (*Endpoint, error) {
	if !p.URL.Set && !p.Events.Set && !p.Active.Set && !p.Description.Set {
		return nil, models.Invalid("nothing to change", models.FieldError{Field: "body", Message: "send at least one of url, events, active, description"})
	}
	var fields []models.FieldError
	var url, description string
	var evs models.StringArray
	if p.URL.Set {
		url = strings.TrimSpace(p.URL.Value)
		fields = append(fields, s.checkURL(ctx, url)...)
	}
	if p.Events.Set {
		var bad []models.FieldError
		evs, bad = cleanEvents(p.Events.Value)
		fields = append(fields, bad...)
	}
	if p.Description.Set {
		description = strings.TrimSpace(p.Description.Value)
		fields = append(fields, checkDescription(description)...)
	}
	if p.Active.Set && p.Active.Null {
		fields = append(fields, models.FieldError{Field: "active", Message: "must be true or false"})
	}
	if len(fields) > 0 {
		return nil, models.Invalid("the webhook is not valid", fields...)
	}
	var e *Endpoint
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if e, err = tx.LockWebhookEndpoint(ctx, id); err != nil {
			return err
		}
		now := s.now()
		if p.URL.Set {
			e.URL = url
		}
		if p.Events.Set {
			e.Events = evs
		}
		if p.Description.Set {
			e.Description = description
		}
		if (p.URL.Set || p.Events.Set) && !p.AllowDuplicate {
			same, err := tx.LockWebhookURL(ctx, e.URL)
			if err != nil {
				return err
			}
			others := slices.DeleteFunc(same, func(o Endpoint) bool { return o.ID == e.ID })
			if dup := duplicateOf(others, e); dup != nil {
				return fmt.Errorf("%w: %w", ErrDuplicate, models.Errorf(models.EConflict, "webhook %d already sends these events to %s in this format; "+
					"change the events, or make it repeat on purpose with allow_duplicate", dup.ID, e.URL))
			}
		}
		if p.Active.Set && p.Active.Value != e.Active {
			e.Active = p.Active.Value
			if p.Active.Value {
				e.DisabledAt, e.DisabledReason = nil, ""
				e.ConsecutiveFailures, e.FailingSince = 0, nil
			} else {
				e.DisabledAt, e.DisabledReason = &now, "disabled by an admin"
			}
		}
		e.UpdatedAt = now
		if err := tx.SaveWebhookEndpoint(ctx, e); err != nil {
			return err
		}
		e, err = tx.WebhookEndpoint(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Delete removes an endpoint with its delivery log. Queued attempts find it
// gone and end without sending.
func (s *Service) Delete(ctx context.Context, id int64) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error { return tx.DeleteWebhookEndpoint(ctx, id) })
}

// RotateSecret replaces the secret and returns the endpoint with the new
// one. For OldSecretTTL, deliveries carry signatures by both secrets. A
// second rotation within that window retires the oldest secret at once:
// only the two newest ever sign.
func (s *Service) RotateSecret(ctx context.Context, id int64) (*Endpoint, error) {
	secret := NewSecret()
	var e *Endpoint
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if _, err = tx.LockWebhookEndpoint(ctx, id); err != nil {
			return err
		}
		now := s.now()
		if err := tx.RotateWebhookSecret(ctx, id, s.sealer.seal(id, secret), now.Add(OldSecretTTL), now); err != nil {
			return err
		}
		e, err = tx.WebhookEndpoint(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	e.Secret = secret
	return e, nil
}

// signingSecrets opens the secrets that sign a delivery now: the current
// one, and the previous one while it has not expired.
func (s *Service) signingSecrets(id int64, sealed, oldSealed []byte, oldExpires *time.Time) ([]string, error) {
	cur, err := s.sealer.open(id, sealed)
	if err != nil {
		return nil, err
	}
	out := []string{cur}
	if len(oldSealed) > 0 && oldExpires != nil && s.now().Before(*oldExpires) {
		old, err := s.sealer.open(id, oldSealed)
		if err != nil {
			return nil, err
		}
		out = append(out, old)
	}
	return out, nil
}

// Ping queues a webhook.ping event for this endpoint alone and returns its
// id. It goes through the same queue, signing and log as any event.
func (s *Service) Ping(ctx context.Context, id int64) (string, error) {
	evID := events.NewID()
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockWebhookEndpoint(ctx, id)
		if err != nil {
			return err
		}
		if !e.Active {
			return models.Errorf(models.EConflict, "webhook %d is disabled (%s); enable it with PATCH {\"active\": true} first", id, e.DisabledReason)
		}
		return events.Emit(ctx, tx, events.Event{
			ID: evID, Type: events.WebhookPing, OnlyEndpoint: id,
			Data: map[string]any{"webhook": map[string]any{"id": e.ID, "url": e.URL}},
		})
	})
	if err != nil {
		return "", err
	}
	return evID, nil
}

// checkURL validates an endpoint URL, including the SSRF policy: a URL
// that is, or resolves to, an internal address is refused with the reason.
func (s *Service) checkURL(ctx context.Context, raw string) []models.FieldError {
	field := func(msg string) []models.FieldError { return []models.FieldError{{Field: "url", Message: msg}} }
	if raw == "" {
		return field("Enter the URL the events are sent to.")
	}
	if len(raw) > 2048 {
		return field("The URL must be at most 2048 characters long.")
	}
	err := s.http.CheckURL(ctx, raw)
	if err == nil {
		return nil
	}
	var blocked *safehttp.BlockedError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &blocked):
		return field("The URL points at an internal address (" + strings.TrimPrefix(blocked.Error(), "safehttp: ") +
			"). Webhooks may not, unless FACTDESK_WEBHOOK_ALLOW_CIDRS allows the range.")
	case errors.Is(err, safehttp.ErrInvalidURL):
		return field("The URL must start with http:// or https:// and name a host, such as https://cms.example.org/hooks.")
	case errors.As(err, &dnsErr):
		return field(fmt.Sprintf("The host %s was not found (%s). Check the URL for typos.", dnsErr.Name, dnsErr.Err))
	}
	return field("This URL cannot be checked: " + strings.TrimPrefix(err.Error(), "safehttp: ") + ".")
}

// cleanEvents validates a subscription list and removes duplicates.
func cleanEvents(in []string) (models.StringArray, []models.FieldError) {
	if len(in) == 0 {
		return nil, []models.FieldError{{Field: "events", Message: `Choose at least one event to send, or all events ("*").`}}
	}
	out := models.StringArray{}
	seen := map[string]bool{}
	var bad []models.FieldError
	for _, t := range in {
		t = strings.TrimSpace(t)
		if seen[t] {
			continue
		}
		seen[t] = true
		if t != AllEvents && !events.Type(t).Valid() {
			bad = append(bad, models.FieldError{Field: "events", Message: fmt.Sprintf("%q is not an event type (GET /api/v1/webhooks/event-types lists them).", t)})
			continue
		}
		out = append(out, t)
	}
	return out, bad
}

func checkDescription(d string) []models.FieldError {
	if utf8.RuneCountInString(d) > 500 {
		return []models.FieldError{{Field: "description", Message: "The description must be at most 500 characters long."}}
	}
	return nil
}
