package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/factdesk/factdesk/models"
)

// OutageRetryAfter is what a request refused during a database outage is
// told to wait: the pool reconnects on the next query, and recovery takes
// well under a second once PostgreSQL answers again.
const OutageRetryAfter = 5 * time.Second

// dbDown is a query that failed because the database could not be reached.
// It reads as models.EUnavailable with a Retry-After to every caller,
// while errors.Is and the log still see the driver's own error.
type dbDown struct {
	domain *models.Error
	cause  error
}

func (e *dbDown) Error() string   { return "store: database unavailable: " + e.cause.Error() }
func (e *dbDown) Unwrap() []error { return []error{e.domain, e.cause} }

// unavailable wraps err as EUnavailable when it says the connection to
// PostgreSQL failed, and returns every other error as it is.
func unavailable(err error) error {
	if err == nil || !connectionFailed(err) {
		return err
	}
	var down *dbDown
	if errors.As(err, &down) {
		return err
	}
	return &dbDown{domain: &models.Error{Code: models.EUnavailable, RetryAfter: OutageRetryAfter,
		Message: "the database is not answering; try again in a few seconds"}, cause: err}
}

// connectionFailed tells an outage (refused or broken connections, a
// server shutting down or starting up) from a query's own failure.
func connectionFailed(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 is connection exceptions; 57P01-03 are the server
		// shutting down, crashing or not yet accepting connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connErr *pgconn.ConnectError
	var netErr *net.OpError
	return errors.As(err, &connErr) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || pgconn.SafeToRetry(err) ||
		strings.Contains(err.Error(), "conn closed")
}

// registerOutageMapping makes every GORM statement's connection failure an
// EUnavailable, so no query method has to remember to.
func registerOutageMapping(db *gorm.DB) error {
	mark := func(db *gorm.DB) { db.Error = unavailable(db.Error) }
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("*").Register("factdesk:outage", mark),
		cb.Query().After("*").Register("factdesk:outage", mark),
		cb.Update().After("*").Register("factdesk:outage", mark),
		cb.Delete().After("*").Register("factdesk:outage", mark),
		cb.Row().After("*").Register("factdesk:outage", mark),
		cb.Raw().After("*").Register("factdesk:outage", mark),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
