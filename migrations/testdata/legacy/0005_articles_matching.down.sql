DROP INDEX IF EXISTS claims_anchors_trgm_idx;
DROP INDEX IF EXISTS claims_article_idx;
ALTER TABLE claims
    DROP COLUMN IF EXISTS match_anchors,
    DROP CONSTRAINT IF EXISTS claims_article_span_check,
    DROP COLUMN IF EXISTS article_end,
    DROP COLUMN IF EXISTS article_start,
    DROP COLUMN IF EXISTS article_id;
DROP FUNCTION IF EXISTS claim_anchors(text);
DROP TABLE IF EXISTS articles;
