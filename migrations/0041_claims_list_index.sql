-- The list view (/claims) and the export order by updated_at, newest
-- first, by default; without an index each page sorted every matching
-- claim (over 100,000 claims, a page of all claims took 100 ms or more).
-- updated_at already changes on every write and is in claims_review_idx,
-- so this index costs a write one more index entry, no lost HOT update.
-- +goose NO TRANSACTION

-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS claims_updated_idx ON claims (updated_at DESC, id DESC);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS claims_updated_idx;
