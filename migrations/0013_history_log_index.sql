-- +goose NO TRANSACTION

-- The log is read in log order (checkpoints, audit verify) and a log index
-- is given once; the unique index backs both. claim_history is big, so it
-- is built without blocking writes.

-- +goose Up
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS claim_history_log_index_idx ON claim_history (log_index);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS claim_history_log_index_idx;
