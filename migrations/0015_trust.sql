-- +goose Up
-- Desk-wide settings, one row: whether public pages name the checker and
-- editor (bylines), and per pre-publish check whether a failure warns or
-- blocks a confirm (workflow.DefaultPolicy fills in checks not listed).
CREATE TABLE desk_settings (
    id         smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    bylines    boolean     NOT NULL DEFAULT false,
    prepublish jsonb       NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO desk_settings (id) VALUES (1);

-- Evidence is corrected or withdrawn, never deleted: version guards edits
-- against stale pages, and a retracted item keeps its row with who, when
-- and why.
ALTER TABLE evidence
    ADD COLUMN version           integer NOT NULL DEFAULT 1,
    ADD COLUMN retracted_at      timestamptz,
    ADD COLUMN retracted_by      bigint REFERENCES users (id),
    ADD COLUMN retraction_reason text NOT NULL DEFAULT '';

-- A published check that is rejected keeps its address with a dated
-- retraction notice.
ALTER TABLE publications
    ADD COLUMN retracted_at      timestamptz,
    ADD COLUMN retraction_reason text NOT NULL DEFAULT '';

-- An article is recognised on re-import by its normalised URL or the hash
-- of its normalised text (both computed by the program). Rows imported
-- before this migration have neither and are not matched; the unique
-- indexes make concurrent imports of one article agree on one row.
ALTER TABLE articles
    ADD COLUMN url_key   text,
    ADD COLUMN text_hash text;
CREATE UNIQUE INDEX articles_url_key ON articles (url_key) WHERE url_key IS NOT NULL;
CREATE UNIQUE INDEX articles_text_hash_key ON articles (text_hash) WHERE text_hash IS NOT NULL;

-- +goose Down
DROP INDEX articles_text_hash_key;
DROP INDEX articles_url_key;
ALTER TABLE articles DROP COLUMN text_hash, DROP COLUMN url_key;
ALTER TABLE publications DROP COLUMN retraction_reason, DROP COLUMN retracted_at;
ALTER TABLE evidence DROP COLUMN retraction_reason, DROP COLUMN retracted_by, DROP COLUMN retracted_at, DROP COLUMN version;
DROP TABLE desk_settings;
