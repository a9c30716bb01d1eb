-- +goose Up
-- Machine accounts: a user of kind 'service' is an integration (a CMS, a
-- newsroom bot). It has a role like anyone, never a password, and signs in
-- only with tokens an admin issues for it.
ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'service'));

-- A token with scopes is an integration token: it reaches only the API
-- routes whose scope it holds (handlers/api/scopes.go). NULL scopes are a
-- person's sign-in token, which reaches what the person's role allows.
-- rate_limit is requests per minute (NULL: unlimited); created_by the admin
-- who issued it; last_used_ip the client address of the latest recorded use.
ALTER TABLE api_tokens
    ADD COLUMN scopes       text[],
    ADD COLUMN rate_limit   integer CHECK (rate_limit > 0),
    ADD COLUMN created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN last_used_ip text;

-- Requests of rate-limited tokens in the current minute, shared by every
-- process on the database: one row per token, reset when a new minute
-- starts. Unlogged: a crash forgets at most a minute of counts, and the
-- counter writes no WAL.
CREATE UNLOGGED TABLE api_token_rates (
    token_id     bigint      PRIMARY KEY REFERENCES api_tokens (id) ON DELETE CASCADE,
    window_start timestamptz NOT NULL,
    count        integer     NOT NULL
);

-- +goose Down
DROP TABLE api_token_rates;
ALTER TABLE api_tokens DROP COLUMN scopes, DROP COLUMN rate_limit, DROP COLUMN created_by, DROP COLUMN last_used_ip;
ALTER TABLE users DROP COLUMN kind;
