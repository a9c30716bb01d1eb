-- The overview's "claims per state over time" walks back from today's
-- counts through the state changes of the last weeks: this index holds
-- just those rows, by time, with both states, so the walk is an index-only
-- range scan however long the history grows.
-- +goose NO TRANSACTION

-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS claim_history_state_changes_idx ON claim_history (at) INCLUDE (from_state, to_state)
    WHERE to_state IS NOT NULL AND from_state IS DISTINCT FROM to_state;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS claim_history_state_changes_idx;
