-- Spellings for the similar-claim lookup (store/similar.go): a name in
-- the query that no claim holds (a typo, a variant) is looked up among the
-- counted lexemes (0037) by trigram similarity, and the close ones join
-- the query's words. The vocabulary grows far slower than the claims, so
-- this costs about the same at a thousand claims as at a million; the
-- trigram index on claims.match_anchors it replaces read posting lists as
-- long as the table (0047). The index is on lower(lexeme), which is the
-- lexeme (to_tsvector lowercases), so that the planner keeps looking exact
-- lexemes up in the primary key: pg_trgm indexes answer = too, and it
-- picked this one for them, at 8 ms a lexeme against 0.01 ms.

-- +goose Up
CREATE INDEX claim_lexemes_trgm_idx ON claim_lexemes USING gin (lower(lexeme) gin_trgm_ops);

-- +goose Down
DROP INDEX claim_lexemes_trgm_idx;
