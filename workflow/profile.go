package workflow

import (
	"context"
	"strings"
	"time"
	// The zone database is embedded so a server without /usr/share/zoneinfo
	// (a scratch container) still knows every zone a person may choose.
	_ "time/tzdata"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// SetTimeZone records the IANA zone actor's dashboard shows times in.
func (e *Engine) SetTimeZone(ctx context.Context, actor *models.User, zone string) (*time.Location, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	loc, err := ParseTimeZone(zone)
	if err != nil {
		return nil, err
	}
	if err := e.store.WithTx(ctx, func(tx *store.Tx) error { return tx.SetTimeZone(ctx, actor.ID, loc.String()) }); err != nil {
		return nil, err
	}
	return loc, nil
}

// ParseTimeZone reads an IANA zone name ("Europe/Paris", "UTC"). Local
// and abbreviations such as "CET" are refused: the one means the server's
// zone, the others are ambiguous or not zones at all.
func ParseTimeZone(zone string) (*time.Location, error) {
	zone = strings.TrimSpace(zone)
	bad := models.Invalid("the time zone is not valid", models.FieldError{Field: "time_zone",
		Message: "choose a time zone from the list, such as Europe/Berlin or America/New_York"})
	if zone == "" || len(zone) > 64 || (zone != "UTC" && !strings.Contains(zone, "/")) {
		return nil, bad
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, bad
	}
	return loc, nil
}
