-- +goose Up
-- Document frequencies of the lexemes of claims.search, for the ranked
-- source of the similar-claim lookup (store/similar.go): a BM25 score
-- needs how many claims hold each word, which neither the GIN index nor
-- ANALYZE's hundred-odd most common elements tell. A periodic job
-- (store.RefreshLexemeStats) rebuilds both tables from ts_stat; a lexeme
-- not yet counted is read as rare, which is what a new word is.
CREATE TABLE claim_lexemes (
    lexeme text PRIMARY KEY,
    ndoc   integer NOT NULL
);
-- One row: how many claims were counted and their mean number of lexemes.
CREATE TABLE claim_lexeme_totals (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    docs       integer NOT NULL,
    avg_len    double precision NOT NULL,
    counted_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE claim_lexeme_totals;
DROP TABLE claim_lexemes;
