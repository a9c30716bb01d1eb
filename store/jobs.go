package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// RescueStuckJobs makes jobs of kind that have been running for longer
// than after runnable again at once, or discards those that have used up
// their attempts, the way River's own rescuer does. It exists because
// River's rescuer has one threshold for every kind (it must exceed the
// longest job timeout) and looks only every 30 s, which left a killed
// server's webhook deliveries waiting about two minutes. It returns how
// many jobs it touched.
func RescueStuckJobs(ctx context.Context, pool *pgxpool.Pool, kind string, after time.Duration) (int64, error) {
	tag, err := pool.Exec(ctx, `UPDATE river_job SET
			state = CASE WHEN attempt >= max_attempts THEN 'discarded'::river_job_state ELSE 'available'::river_job_state END,
			scheduled_at = now(),
			finalized_at = CASE WHEN attempt >= max_attempts THEN now() END,
			errors = array_append(errors, jsonb_build_object('at', now(), 'attempt', attempt,
				'error', 'rescued: the process running it stopped, or it ran past its timeout', 'trace', ''))
		WHERE kind = $1 AND state = 'running' AND attempted_at < now() - make_interval(secs => $2)`,
		kind, after.Seconds())
	if err != nil {
		return 0, fmt.Errorf("store: rescue stuck %s jobs: %w", kind, err)
	}
	return tag.RowsAffected(), nil
}
