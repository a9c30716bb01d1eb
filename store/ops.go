package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/factdesk/factdesk/metrics"
)

// JobCounts counts River's jobs by queue and state, for the metrics.
func (s *Store) JobCounts(ctx context.Context) ([]metrics.JobCount, error) {
	var rows []metrics.JobCount
	err := s.db.WithContext(ctx).Raw(`
		SELECT queue, state::text AS state, count(*) AS count
		FROM river_job GROUP BY queue, state ORDER BY queue, state`).Scan(&rows).Error
	return rows, err
}

// JobLeader is the id of the River client currently elected leader (the
// one process that inserts periodic jobs), or "" when none is.
func (s *Store) JobLeader(ctx context.Context) (string, error) {
	var id string
	err := s.db.WithContext(ctx).Raw(`
		SELECT leader_id FROM river_leader WHERE name = 'default' AND expires_at > now()`).Row().Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}
