-- +goose Up
-- Models trained on the desk's own decisions (factdesk model train --desk
-- and its periodic job): trained_until is the newest candidate decision a
-- model learned from, so the decisions after it are held out for measuring
-- it; decisions is how many it learned from.
ALTER TABLE model_versions
    ADD COLUMN trained_until timestamptz,
    ADD COLUMN decisions     integer NOT NULL DEFAULT 0,
    ADD COLUMN created_by    bigint REFERENCES users (id) ON DELETE SET NULL;

-- Who switched which model on, and from which: the audit trail of the
-- admin page's "activate" and of factdesk model activate (activated_by
-- NULL). version NULL is the model shipped in the binary.
CREATE TABLE model_activations (
    id           bigserial PRIMARY KEY,
    version      text REFERENCES model_versions (version) ON DELETE SET NULL,
    previous     text,
    activated_by bigint REFERENCES users (id) ON DELETE SET NULL,
    activated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_activations_at_idx ON model_activations (activated_at DESC);

-- +goose Down
DROP TABLE model_activations;
ALTER TABLE model_versions
    DROP COLUMN created_by,
    DROP COLUMN decisions,
    DROP COLUMN trained_until;
