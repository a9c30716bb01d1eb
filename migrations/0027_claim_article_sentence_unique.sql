-- One claim per sentence of an article, now that a claim's own span may be
-- narrower than the sentence it was filed from (0026): the unique index
-- moves from the claim's span to the sentence's. claims is the biggest
-- table, so both indexes are built and dropped without blocking writes,
-- outside a transaction; the new one exists before the old one goes, so the
-- rule holds throughout.
-- +goose NO TRANSACTION

-- +goose Up
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS claims_article_sentence_key
    ON claims (article_id, article_sentence_start, article_sentence_end) WHERE article_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS claims_article_span_key;

-- +goose Down
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS claims_article_span_key
    ON claims (article_id, article_start, article_end) WHERE article_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS claims_article_sentence_key;
