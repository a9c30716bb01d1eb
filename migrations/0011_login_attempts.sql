-- +goose Up
-- Sign-in attempts counted per account and per client address, shared by
-- every factdesk process on the database. One row per (scope, key): the
-- window opens at the key's first attempt and closes at reset_at. The key is
-- a SHA-256 of the email or address, so the table holds neither in clear.
CREATE TABLE login_attempts (
    scope    text        NOT NULL,
    key      bytea       NOT NULL,
    count    integer     NOT NULL CHECK (count >= 0),
    reset_at timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

-- Expired windows are pruned a few at a time by each new attempt.
CREATE INDEX login_attempts_reset_idx ON login_attempts (reset_at);

-- +goose Down
DROP TABLE login_attempts;
