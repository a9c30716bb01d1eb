-- A claim filed from an article keeps two spans of the article's text:
-- article_start/article_end are the words the claim says (narrowed when the
-- checker trimmed the candidate before filing it, for instance cutting the
-- attribution tail), and article_sentence_start/article_sentence_end are the
-- candidate sentence it was filed from. "A sentence is filed only once" is a
-- rule about sentences, so 0027 moves the unique index to the sentence span.

-- +goose Up
ALTER TABLE claims
    ADD COLUMN IF NOT EXISTS article_sentence_start integer,
    ADD COLUMN IF NOT EXISTS article_sentence_end integer;

-- Every claim filed so far was filed as its whole sentence.
UPDATE claims SET article_sentence_start = article_start, article_sentence_end = article_end
WHERE article_id IS NOT NULL AND article_sentence_start IS NULL;

-- The claim's span lies inside its sentence; a hand-entered claim has neither.
ALTER TABLE claims ADD CONSTRAINT claims_article_sentence_check CHECK (
    (article_id IS NULL AND article_sentence_start IS NULL AND article_sentence_end IS NULL)
    OR (article_id IS NOT NULL AND article_sentence_start IS NOT NULL AND article_sentence_end IS NOT NULL
        AND article_sentence_start <= article_start AND article_end <= article_sentence_end)
);

-- +goose Down
ALTER TABLE claims
    DROP CONSTRAINT IF EXISTS claims_article_sentence_check,
    DROP COLUMN IF EXISTS article_sentence_start,
    DROP COLUMN IF EXISTS article_sentence_end;
