-- +goose Up
-- Fact-checks published by other outlets, imported from ClaimReview feeds:
-- a read-only archive the matcher searches besides the desk's own claims.
-- The review's URL identifies it, so importing a feed again updates rows.
CREATE TABLE factcheck_archive (
    id          bigserial PRIMARY KEY,
    url         text NOT NULL UNIQUE,
    outlet      text NOT NULL DEFAULT '',
    outlet_site text NOT NULL DEFAULT '',
    rating      text NOT NULL DEFAULT '',
    reviewed_on date,
    claim       text NOT NULL,
    claimant    text NOT NULL DEFAULT '',
    claimed_on  date,
    language    text NOT NULL DEFAULT '',
    title       text NOT NULL DEFAULT '',
    search      tsvector GENERATED ALWAYS AS (to_tsvector('english', claim)) STORED,
    imported_at timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX factcheck_archive_search_idx ON factcheck_archive USING gin (search);

-- +goose Down
DROP TABLE factcheck_archive;
