-- My queue lists a user's open claims, overdue first, then by priority,
-- the soonest due and the oldest, 200 at most. With only the assignments'
-- index to go on, it read every open claim (a sequential scan of claims,
-- 66,000 rows at 100,000 claims) and sorted the user's ones: 30 to 100 ms
-- for a checker holding 12,000. store.MyQueue now asks for the two halves
-- separately, each in an order an index gives:
--   - the claims not overdue walk claims_my_queue_idx in the queue's order,
--     index-only, probing the user's assignments, and stop at 200 matches;
--   - the overdue ones are read from claims_due_idx, which now carries the
--     order's columns, so that read is index-only too.
-- claims is big, so both are built without blocking writes, the due index
-- beside the old one before it takes its name (as in 0008). Each statement
-- can be run again after a failure part-way.
-- +goose NO TRANSACTION

-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS claims_my_queue_idx ON claims (priority_rank DESC, due_at ASC NULLS LAST, created_at, id)
    WHERE state NOT IN ('confirmed', 'rejected');
CREATE INDEX CONCURRENTLY IF NOT EXISTS claims_due_covering_idx ON claims (due_at) INCLUDE (priority_rank, created_at, id)
    WHERE due_at IS NOT NULL AND state NOT IN ('confirmed', 'rejected');
DROP INDEX CONCURRENTLY IF EXISTS claims_due_idx;
ALTER INDEX claims_due_covering_idx RENAME TO claims_due_idx;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS claims_due_plain_idx ON claims (due_at)
    WHERE due_at IS NOT NULL AND state NOT IN ('confirmed', 'rejected');
DROP INDEX CONCURRENTLY IF EXISTS claims_due_idx;
ALTER INDEX claims_due_plain_idx RENAME TO claims_due_idx;
DROP INDEX CONCURRENTLY IF EXISTS claims_my_queue_idx;
