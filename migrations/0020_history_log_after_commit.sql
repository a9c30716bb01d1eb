-- The desk-wide log index is no longer given on insert but after commit, by
-- the seal step (store.Tx.AppendLog under the log's advisory lock), so that
-- changes to different claims never wait for each other (docs/audit.md).
-- A row therefore reaches its final form in up to two updates, each
-- allowed once: its hash, on a row with neither hash nor log index (rows
-- from before the log, or inserted by hand); then its log index, on a row
-- with a hash and no index. Nothing else of a history row ever changes.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION claim_history_seal_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.log_index IS NULL
       AND (to_jsonb(OLD) - 'hash' - 'log_index') = (to_jsonb(NEW) - 'hash' - 'log_index')
       AND ((OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.log_index IS NULL)
         OR (OLD.hash IS NOT NULL AND NEW.hash = OLD.hash AND NEW.log_index IS NOT NULL)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'claim_history is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION claim_history_seal_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.log_index IS NULL
       AND NEW.hash IS NOT NULL AND NEW.log_index IS NOT NULL
       AND (to_jsonb(OLD) - 'hash' - 'log_index') = (to_jsonb(NEW) - 'hash' - 'log_index') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'claim_history is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
