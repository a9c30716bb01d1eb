-- +goose NO TRANSACTION

-- The seal step looks for entries without a log index (the few committed
-- since the last seal) on every checkpoint; this partial index keeps that
-- lookup off the rest of claim_history. claim_history is big, so it is
-- built without blocking writes.

-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS claim_history_unlogged_idx ON claim_history (id) WHERE log_index IS NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS claim_history_unlogged_idx;
