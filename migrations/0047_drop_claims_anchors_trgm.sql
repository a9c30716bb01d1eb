-- The similar-claim lookup no longer searches claims.match_anchors by
-- trigrams (it looks close spellings up among the counted lexemes, 0044):
-- at a million claims that scan read posting lists of tens of thousands of
-- claims and rechecked them, over 500 ms when full-text search found
-- nothing. Every new claim and every text edit also paid for the index's
-- thirty-odd entries. The column stays, as the triggers of 0040 fill it.
-- +goose NO TRANSACTION

-- +goose Up
DROP INDEX CONCURRENTLY IF EXISTS claims_anchors_trgm_idx;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS claims_anchors_trgm_idx ON claims USING gin (match_anchors gin_trgm_ops);
