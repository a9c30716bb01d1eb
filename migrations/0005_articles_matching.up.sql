-- Articles pasted or posted for claim extraction. The candidates are stored
-- as extracted at import time, so the indexes a user picked from keep
-- naming the same sentences even after the extractor is improved.
CREATE TABLE articles (
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
    ADD COLUMN article_id    bigint REFERENCES articles (id),
    ADD COLUMN article_start integer,
    ADD COLUMN article_end   integer,
    ADD CONSTRAINT claims_article_span_check CHECK (
        (article_id IS NULL AND article_start IS NULL AND article_end IS NULL)
        OR (article_id IS NOT NULL AND article_start >= 0 AND article_end > article_start)
    );
CREATE INDEX claims_article_idx ON claims (article_id) WHERE article_id IS NOT NULL;

-- Similar-claim lookup, in two capped sources (store/similar.go):
--   * full-text search on claims.search (0001) for the claims holding all of
--     the query's figures and names and at least one of its other words;
--   * trigram similarity on match_anchors, the claim's figures and names
--     (its words that do not start lower-case, minus the first word, which
--     is capitalised anyway). This finds claims whose names and figures
--     are nearly the same: a typo, one figure changed, a name added.
-- A trigram index on the whole text was measured first: at a million
-- claims, common trigrams ("the", " sa") make every % lookup read most of
-- the index, about 2 s per lookup against a 30 ms target.
CREATE FUNCTION claim_anchors(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(regexp_replace(t, '^\s*\S+', ''), '\m[[:lower:]]\S*', '', 'g');
ALTER TABLE claims ADD COLUMN match_anchors text GENERATED ALWAYS AS (claim_anchors(text)) STORED;
CREATE INDEX claims_anchors_trgm_idx ON claims USING gin (match_anchors gin_trgm_ops);
