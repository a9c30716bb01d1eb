package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/factdesk/factdesk/store"
)

// inserter writes jobs into the GORM transaction of the change that causes
// them, through its database/sql handle (store.Tx.SQLTx): River's pgx
// driver needs a pgx.Tx, which a database/sql transaction cannot provide.
// It is built once, holds no connection and works nothing, so it is an
// insert path, not a second worker client; the worker client (Client)
// picks the jobs up after the commit.
var inserter = sync.OnceValues(func() (*river.Client[*sql.Tx], error) {
	return river.NewClient(riverdatabasesql.New(nil), &river.Config{
		// An insert sends the workers a LISTEN/NOTIFY wake-up at most once
		// per FetchCooldown per queue; keep it short so a commit reaches an
		// idle worker without waiting for the poll.
		FetchCooldown:       time.Millisecond,
		FetchPollInterval:   time.Second,
		SkipUnknownJobCheck: true,
	})
})

// InsertTx inserts jobs in tx: they commit or roll back with it. Each job's
// options come from its args' InsertOpts, overridden by the params'.
func InsertTx(ctx context.Context, tx *store.Tx, params ...river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	if len(params) == 0 {
		return nil, nil
	}
	client, err := inserter()
	if err != nil {
		return nil, fmt.Errorf("jobs: insert client: %w", err)
	}
	sqlTx := tx.SQLTx()
	if sqlTx == nil {
		return nil, errors.New("jobs: insert needs a transaction backed by database/sql")
	}
	res, err := client.InsertManyTx(ctx, sqlTx, params)
	if err != nil {
		return nil, fmt.Errorf("jobs: insert %d job(s): %w", len(params), err)
	}
	return res, nil
}
