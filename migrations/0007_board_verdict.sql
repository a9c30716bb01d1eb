-- claims is the biggest table, so the index is built without blocking
-- writes; CONCURRENTLY cannot run inside a transaction.
-- +goose NO TRANSACTION

-- +goose Up
-- The board filtered by verdict. Verdicts cluster in a few states, so
-- filtering claims_board_idx by verdict walks whole states that have none
-- (about 100 ms at 100,000 claims); this index starts at the verdict, so
-- each column's top cards and capped count are a short index range.
-- (A priority filter needs no index of its own: the board query turns it
-- into priority_rank = n, the second column of claims_board_idx.)
CREATE INDEX CONCURRENTLY IF NOT EXISTS claims_board_verdict_idx ON claims (verdict, state, priority_rank DESC, id DESC);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS claims_board_verdict_idx;
