-- +goose Up
-- Check-worthiness models trained for this desk. A new version is stored
-- inactive with its measurements; an admin switches one on. At most one is
-- active; with none, imports use the model shipped in the binary.
CREATE TABLE model_versions (
    version    text PRIMARY KEY,
    model      jsonb NOT NULL,
    report     text NOT NULL DEFAULT '',
    active     boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX model_versions_one_active_idx ON model_versions (active) WHERE active;

-- +goose Down
DROP TABLE model_versions;
