// Package store is the only package that talks to PostgreSQL through GORM.
// It owns the queries, the row locks and the transaction boundary, and it
// turns driver errors into domain errors (not found, conflict).
//
// Reads are methods on queries, which both Store and Tx embed, so the same
// query runs inside or outside a transaction. Writes exist only on Tx: a
// mutation cannot happen outside a transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/factdesk/factdesk/models"
)

// Store is a handle on the database.
type Store struct {
	queries
	sqlDB *sql.DB
	// onPublic runs after the commit of a transaction that called
	// Tx.PublicChanged (OnPublicChange).
	onPublic atomic.Pointer[func()]
	// announce sends the notifications of committed transactions
	// (notices.go).
	announce *announcer
}

// Tx is one open transaction. Everything done through it commits or rolls
// back together.
type Tx struct {
	queries
	// publicChanged: the transaction called PublicChanged.
	publicChanged bool
	// heads holds, per claim locked in this transaction, the seq and hash
	// of its newest history entry, so the next entry's hash chains onto
	// it without reading it back.
	heads map[int64]historyHead
	// followers holds the followers of each claim locked in this
	// transaction, read with the lock; Follow and Unfollow drop the entry.
	followers map[int64][]int64
	// proposers holds, per claim locked with its rule facts, who proposed
	// the verdict standing before its next entry (ProposerBefore).
	proposers map[int64]proposal
	// notices are the notifications queued by Notify, sent once the
	// transaction committed (notices.go).
	notices []notice
}

type historyHead struct {
	seq  int
	hash []byte
}

type notice struct{ channel, payload string }

// proposal is the actor of a claim's newest verify or dispute before entry
// number before, or nil.
type proposal struct {
	before int
	actor  *int64
}

// rememberHead records claimID's newest entry as seen under its row lock.
func (tx *Tx) rememberHead(claimID int64, seq int, hash []byte) {
	if tx.heads == nil {
		tx.heads = map[int64]historyHead{}
	}
	tx.heads[claimID] = historyHead{seq: seq, hash: hash}
}

// conn is the transaction's connection for statements sent without GORM
// (the claim write path, where GORM's reflection was half the CPU).
func (tx *Tx) conn(ctx context.Context) gorm.ConnPool {
	return tx.db.WithContext(ctx).Statement.ConnPool
}

type queries struct {
	db *gorm.DB
}

// Options tune the connection pool.
type Options struct {
	// MaxConns caps open connections; the default suits a small server.
	MaxConns int
	// Log receives failed and slow queries; nil discards them.
	Log *slog.Logger
	// SlowQuery is the duration above which a query is logged as slow
	// (zero: DefaultSlowQuery).
	SlowQuery time.Duration
	// Tracer, when set, sees every statement the store's connections
	// send (benchmarks count statements per request with it).
	Tracer pgx.QueryTracer
}

// Open connects to dsn and checks that the server answers. Connection errors
// come back as EUnavailable with a message that says what to fix.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	connConfig, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, models.Errorf(models.EInvalid, "DATABASE_URL is not a valid PostgreSQL URL: %v", err)
	}
	connConfig.Tracer = opts.Tracer
	// Settings every connection starts with, sent in the startup packet,
	// so that no statement pays a round trip to set them (see
	// sessionSettings). A setting the URL names itself is kept.
	for k, v := range sessionSettings {
		if _, set := connConfig.RuntimeParams[k]; !set {
			connConfig.RuntimeParams[k] = v
		}
	}
	sqlDB := stdlib.OpenDB(*connConfig)
	if opts.MaxConns <= 0 {
		opts.MaxConns = 20
	}
	sqlDB.SetMaxOpenConns(opts.MaxConns)
	sqlDB.SetMaxIdleConns(opts.MaxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)

	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, unreachable(dsn, err)
	}
	var gl logger.Interface = logger.Discard
	if opts.Log != nil {
		if opts.SlowQuery <= 0 {
			opts.SlowQuery = DefaultSlowQuery
		}
		gl = gormLogger{log: opts.Log, slow: opts.SlowQuery}
	}
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger:                 gl,
		SkipDefaultTransaction: true, // every write already runs in our own transaction
		PrepareStmt:            false,
		TranslateError:         false,
	})
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: gorm: %w", err)
	}
	if err := registerOutageMapping(gdb); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: gorm callbacks: %w", err)
	}
	return &Store{queries: queries{db: gdb}, sqlDB: sqlDB, announce: newAnnouncer(sqlDB, opts.Log)}, nil
}

// EnsureDatabase creates the database named in dsn when it does not exist,
// connecting to the server's "postgres" database to do so. It reports
// whether it created it, so start-up can say so.
func EnsureDatabase(ctx context.Context, dsn string) (created bool, err error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return false, models.Errorf(models.EInvalid, "DATABASE_URL is not a valid postgres:// URL")
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return false, nil
	}
	admin := *u
	admin.Path = "/postgres"
	db, err := sql.Open("pgx", admin.String())
	if err != nil {
		return false, fmt.Errorf("store: open: %w", err)
	}
	defer db.Close()
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		return false, unreachable(dsn, err)
	}
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return false, fmt.Errorf("store: look for database %q: %w", name, err)
	}
	if exists {
		return false, nil
	}
	quoted := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+quoted); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created by a concurrent start
			return false, nil
		}
		return false, models.Errorf(models.EUnavailable, "cannot create database %q: %s: create it yourself or set DATABASE_URL", name, rootCause(err))
	}
	return true, nil
}

// Redact hides the password in a connection URL so it can be printed.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable DATABASE_URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.Host + u.Path
}

// unreachable explains a failed connection. A server that answered but
// refused us needs different advice from one that did not answer at all.
func unreachable(dsn string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return models.Errorf(models.EUnavailable, "PostgreSQL at %s refused the connection: %s: check the user, password and database in DATABASE_URL", Redact(dsn), pgErr.Message)
	}
	return models.Errorf(models.EUnavailable, "cannot reach PostgreSQL at %s: %s: start it or set DATABASE_URL", Redact(dsn), rootCause(err))
}

func rootCause(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Err.Error()
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// SQL exposes the underlying pool for migrations, listeners and the job
// queue, which speak database/sql.
func (s *Store) SQL() *sql.DB { return s.sqlDB }

// Close releases the pool.
func (s *Store) Close() error {
	s.announce.close()
	return s.sqlDB.Close()
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return unavailable(s.sqlDB.PingContext(ctx)) }

// WithTx runs fn in one transaction. fn's error rolls everything back and is
// returned as is, so domain errors keep their codes.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	// Beginning and committing bypass GORM's callbacks, so an outage
	// there is mapped here.
	var tx *Tx
	err := unavailable(s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		tx = &Tx{queries: queries{db: gtx}}
		return fn(tx)
	}))
	if err != nil || tx == nil {
		return err
	}
	if len(tx.notices) > 0 {
		s.announce.send(tx.notices)
	}
	if tx.publicChanged {
		if f := s.onPublic.Load(); f != nil {
			(*f)()
		}
	}
	return err
}

// OnPublicChange has fn run in this process right after the commit of
// every transaction that called Tx.PublicChanged, before WithTx returns,
// so that whoever made a change reads its effect at once; other processes
// hear of it through store.PublicChannel.
func (s *Store) OnPublicChange(fn func()) { s.onPublic.Store(&fn) }

// SQLTx is the database/sql transaction under tx, for code that inserts in
// the same transaction without GORM (the job queue).
func (tx *Tx) SQLTx() *sql.Tx {
	sqlTx, _ := tx.db.Statement.ConnPool.(*sql.Tx)
	return sqlTx
}

// notFound maps GORM's not-found into the domain error.
func notFound(err error, what string, id any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Errorf(models.ENotFound, "%s %v not found", what, id)
	}
	return err
}

// isUniqueViolation reports a duplicate key.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
