-- The claims indexes are built without blocking writes; CONCURRENTLY
-- cannot run inside a transaction, so every statement here can be run
-- again after a failure part-way.
-- +goose NO TRANSACTION

-- +goose Up
-- Articles pasted or posted for claim extraction. The candidates are stored
-- as extracted at import time, so the indexes a user picked from keep
-- naming the same sentences even after the extractor is improved.
CREATE TABLE IF NOT EXISTS articles (
    id           bigserial PRIMARY KEY,
    text         text NOT NULL CHECK (length(btrim(text)) > 0),
    url          text NOT NULL DEFAULT '',
    title        text NOT NULL DEFAULT '',
    outlet       text NOT NULL DEFAULT '',
    published_at timestamptz,
    candidates   jsonb NOT NULL DEFAULT '[]',
    created_by   bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Provenance: a claim taken from an article remembers the article and the
-- byte range of its sentence, so the claim page can show it in context.
ALTER TABLE claims
    ADD COLUMN IF NOT EXISTS article_id    bigint REFERENCES articles (id),
    ADD COLUMN IF NOT EXISTS article_start integer,
    ADD COLUMN IF NOT EXISTS article_end   integer,
    DROP CONSTRAINT IF EXISTS claims_article_span_check,
    ADD CONSTRAINT claims_article_span_check CHECK (
        (article_id IS NULL AND article_start IS NULL AND article_end IS NULL)
        OR (article_id IS NOT NULL AND article_start >= 0 AND article_end > article_start)
    );
CREATE INDEX CONCURRENTLY IF NOT EXISTS claims_article_idx ON claims (article_id) WHERE article_id IS NOT NULL;

-- Similar-claim lookup (store/similar.go). Full-text search on
-- claims.search (0001) finds the claims holding the query's figures and
-- names and some of its words, or its names and words with other figures.
-- When it finds nothing, trigram similarity on match_anchors finds claims
-- whose names and figures are spelt nearly the same (a typo, a variant).
-- match_anchors is the claim's words that do not start lower-case, minus
-- the first word (capitalised anyway) and years: digit trigrams such as
-- "201" are in nearly every claim, and their posting lists doubled the
-- cost of a lookup.
-- A trigram index on the whole text was measured first: at a million
-- claims, common trigrams ("the", " sa") make every % lookup read most of
-- the index, hundreds of milliseconds against a 30 ms target.
CREATE OR REPLACE FUNCTION claim_anchors(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(regexp_replace(t, '^\s*\S+', ''), '\m([[:lower:]]\S*|(1[6-9]|20)[0-9][0-9]\M)', '', 'g');
ALTER TABLE claims ADD COLUMN IF NOT EXISTS match_anchors text GENERATED ALWAYS AS (claim_anchors(text)) STORED;
CREATE INDEX CONCURRENTLY IF NOT EXISTS claims_anchors_trgm_idx ON claims USING gin (match_anchors gin_trgm_ops);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS claims_anchors_trgm_idx;
DROP INDEX CONCURRENTLY IF EXISTS claims_article_idx;
ALTER TABLE claims
    DROP COLUMN IF EXISTS match_anchors,
    DROP CONSTRAINT IF EXISTS claims_article_span_check,
    DROP COLUMN IF EXISTS article_end,
    DROP COLUMN IF EXISTS article_start,
    DROP COLUMN IF EXISTS article_id;
DROP FUNCTION IF EXISTS claim_anchors(text);
DROP TABLE IF EXISTS articles;
