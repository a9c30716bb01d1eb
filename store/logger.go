package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DefaultSlowQuery is the duration above which a query is logged as slow.
const DefaultSlowQuery = 200 * time.Millisecond

// gormLogger writes GORM's messages to the application's slog logger, so
// they come out as structured records like every other log line (GORM's
// own logger prints ANSI colours to stdout).
//
// Slow queries are warnings and failed queries errors, except the outcomes
// the store turns into domain errors: a missing row (not found), a
// duplicate key (conflict) and a cancelled request.
type gormLogger struct {
	log  *slog.Logger
	slow time.Duration
}

var _ logger.Interface = gormLogger{}

// LogMode is part of logger.Interface; the level is slog's business.
func (l gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.InfoContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

func (l gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

func (l gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

// Trace logs one finished query. fc is only called when a record is
// written, so fast successful queries cost nothing.
func (l gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !expected(err):
		sql, rows := fc()
		l.log.ErrorContext(ctx, "query failed", "error", err, "sql", sql, "rows", rows, "duration", elapsed)
	case err != nil:
		if l.log.Enabled(ctx, slog.LevelDebug) {
			sql, _ := fc()
			l.log.DebugContext(ctx, "query ended", "error", err, "sql", sql, "duration", elapsed)
		}
	case l.slow > 0 && elapsed > l.slow:
		sql, rows := fc()
		l.log.WarnContext(ctx, "slow query", "sql", sql, "rows", rows, "duration", elapsed, "threshold", l.slow)
	}
}

// ParamsFilter keeps bound values out of logged SQL: they may be password
// hashes, token digests or private text. Logs show the placeholders.
func (gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// expected reports query errors the store maps to domain errors or that
// the caller caused by going away; they are not failures of the server. A
// lost database is one, but the HTTP layer logs it once per outage instead
// of once per query.
func expected(err error) bool {
	return errors.Is(err, gorm.ErrRecordNotFound) || isUniqueViolation(err) ||
		errors.Is(err, context.Canceled) || connectionFailed(err)
}
