-- +goose Up
-- The archive's matching (store.SimilarPriorChecks) now runs the desk's
-- own candidate sources (store/similar.go) over the archive: BM25 over
-- counted lexemes, with spellings of unknown names. So the archive gets
-- what claims.search has: the headline and the claimant in its search
-- vector (a tweet is often worded like a fact-check's headline rather than
-- like its claim; 0050 did the same for the claims' summaries), and lexeme
-- counts of its own, which the periodic recount (store.RefreshLexemeStats)
-- fills. An import still writes one tsvector a row and nothing more.
DROP INDEX factcheck_archive_search_idx;
ALTER TABLE factcheck_archive DROP COLUMN search;
ALTER TABLE factcheck_archive ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('english', claim || ' ' || claimant || ' ' || title)) STORED;
CREATE INDEX factcheck_archive_search_idx ON factcheck_archive USING gin (search);

CREATE TABLE archive_lexemes (
    lexeme text PRIMARY KEY,
    ndoc   integer NOT NULL
);
-- One row: how many archived checks were counted and their mean number
-- of lexemes.
CREATE TABLE archive_lexeme_totals (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    docs       integer NOT NULL,
    avg_len    double precision NOT NULL,
    counted_at timestamptz NOT NULL DEFAULT now()
);
-- On lower(lexeme), as claim_lexemes_trgm_idx (0044) and for its reason.
CREATE INDEX archive_lexemes_trgm_idx ON archive_lexemes USING gin (lower(lexeme) gin_trgm_ops);

-- +goose Down
DROP TABLE archive_lexeme_totals;
DROP TABLE archive_lexemes;
DROP INDEX factcheck_archive_search_idx;
ALTER TABLE factcheck_archive DROP COLUMN search;
ALTER TABLE factcheck_archive ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', claim)) STORED;
CREATE INDEX factcheck_archive_search_idx ON factcheck_archive USING gin (search);
