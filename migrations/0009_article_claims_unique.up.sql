-- One claim per sentence of an article. Filing locks the article row, so
-- concurrent requests for the same sentence queue and all but the first get
-- a conflict; this index makes the rule hold even for a writer that skips
-- the lock. It fails to build if duplicates were filed before the fix
-- (concurrent requests could file one sentence several times): reject the
-- extra claims as duplicates and clear their article span first.
CREATE UNIQUE INDEX claims_article_span_key ON claims (article_id, article_start, article_end) WHERE article_id IS NOT NULL;
