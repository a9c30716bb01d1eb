-- Indexes the retention job (retention/) prunes by: old attempts, old
-- finished deliveries, and the deliveries still naming an event (which
-- keep it). Built without blocking writes on tables that may be big.
-- +goose NO TRANSACTION

-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_attempts_started_idx ON webhook_attempts (started_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_finished_idx ON webhook_deliveries (updated_at) WHERE status <> 'pending';
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_event_idx ON webhook_deliveries (event_id);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS webhook_deliveries_event_idx;
DROP INDEX CONCURRENTLY IF EXISTS webhook_deliveries_finished_idx;
DROP INDEX CONCURRENTLY IF EXISTS webhook_attempts_started_idx;
