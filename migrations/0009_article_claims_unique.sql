-- One claim per sentence of an article. Filing locks the article row, so
-- concurrent requests for the same sentence queue and all but the first get
-- a conflict; this index makes the rule hold even for a writer that skips
-- the lock. claims is the biggest table, so the index is built without
-- blocking writes, outside a transaction.
-- +goose NO TRANSACTION

-- +goose Up
-- Before the fix, concurrent requests could file one sentence several
-- times. The migration does not rewrite such claims behind the history's
-- back: it stops and names them, so an editor can reject the extras as
-- duplicates (and clear their article span) first.
-- +goose StatementBegin
DO $$
DECLARE dup text;
BEGIN
    SELECT string_agg(ids, '; ') INTO dup FROM (
        SELECT array_agg(id ORDER BY id)::text AS ids FROM claims
        WHERE article_id IS NOT NULL
        GROUP BY article_id, article_start, article_end HAVING count(*) > 1
    ) d;
    IF dup IS NOT NULL THEN
        RAISE EXCEPTION 'claims filed twice from the same article sentence: %', dup
            USING HINT = 'reject the extra claims as duplicates and clear their article span, then migrate again';
    END IF;
END $$;
-- +goose StatementEnd
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS claims_article_span_key ON claims (article_id, article_start, article_end) WHERE article_id IS NOT NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS claims_article_span_key;
