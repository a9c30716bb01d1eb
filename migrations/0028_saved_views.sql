-- +goose Up
-- Saved views: a named filter of the board or the claim list. query is the
-- filter as a canonical query string (checked by the filter parser before
-- it is stored), so a view opens as the same URL anyone could bookmark. A
-- shared view is listed for the whole desk; only its owner or an admin
-- changes it.
CREATE TABLE saved_views (
    id         bigserial PRIMARY KEY,
    owner_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    page       text NOT NULL CHECK (page IN ('board', 'list')),
    query      text NOT NULL DEFAULT '' CHECK (length(query) <= 1000),
    shared     boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- One name per owner (case-insensitively), so the menu never shows two
-- "Urgent" of one person.
CREATE UNIQUE INDEX saved_views_owner_name_key ON saved_views (owner_id, lower(name));
CREATE INDEX saved_views_shared_idx ON saved_views (id) WHERE shared;

-- Each person's time zone (an IANA name) for the times the dashboard shows.
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (time_zone <> '');

-- +goose Down
ALTER TABLE users DROP COLUMN time_zone;
DROP TABLE saved_views;
