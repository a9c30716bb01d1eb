-- Tamper-evident history (docs/audit.md). Each entry carries the SHA-256 of
-- its canonical form, which includes the hash of the claim's previous
-- entry, and its index in the desk-wide log that signed checkpoints cover.
-- Both are computed in Go (audit/chain) when the entry is inserted; rows
-- written before this migration, or inserted by hand without a hash, are
-- sealed by the next write or by audit.Service.Seal on start, because SQL
-- cannot produce the canonical encoding.

-- +goose Up
-- NOT VALID: the existing rows have neither yet, and claim_history is too
-- big to scan under this ALTER's exclusive lock.
ALTER TABLE claim_history ADD COLUMN hash bytea, ADD COLUMN log_index bigint;
ALTER TABLE claim_history ADD CONSTRAINT claim_history_hash_size CHECK (octet_length(hash) = 32) NOT VALID,
                          ADD CONSTRAINT claim_history_log_index_nonnegative CHECK (log_index >= 0) NOT VALID;

-- The log's head: its size is the next log index. Every sealed insert
-- updates this one row, which is what keeps log indices gapless and in
-- commit order; pending says unsealed rows are waiting.
CREATE TABLE audit_head (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    size    bigint NOT NULL DEFAULT 0,
    pending boolean NOT NULL DEFAULT false
);
INSERT INTO audit_head (size, pending) SELECT 0, EXISTS (SELECT 1 FROM claim_history);

-- Signed checkpoints, newest last. peaks is the log's compact form at that
-- size (the roots of its complete subtrees), so the next checkpoint reads
-- only the entries added since.
CREATE TABLE audit_checkpoints (
    id         bigserial PRIMARY KEY,
    size       bigint NOT NULL CHECK (size >= 0),
    root       bytea NOT NULL CHECK (octet_length(root) = 32),
    peaks      bytea NOT NULL,
    key_id     text NOT NULL,
    note       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The history stays append-only, with one exception: a row without a hash
-- may be sealed once, setting hash and log_index and nothing else.
-- +goose StatementBegin
CREATE FUNCTION claim_history_seal_once() RETURNS trigger
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
DROP TRIGGER claim_history_no_update_delete ON claim_history;
CREATE TRIGGER claim_history_no_update_delete
    BEFORE UPDATE OR DELETE ON claim_history
    FOR EACH ROW EXECUTE FUNCTION claim_history_seal_once();

-- A row inserted without a hash (by hand, or by an older binary during a
-- rolling upgrade) raises the pending flag, so the next write seals it
-- before chaining onto it.
-- +goose StatementBegin
CREATE FUNCTION claim_history_flag_unsealed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_head SET pending = true WHERE NOT pending;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER claim_history_unsealed_insert
    AFTER INSERT ON claim_history
    FOR EACH ROW WHEN (NEW.hash IS NULL) EXECUTE FUNCTION claim_history_flag_unsealed();

-- Checkpoints are a record too.
-- +goose StatementBegin
CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_checkpoints is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_checkpoints_no_update_delete
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();

-- +goose Down
DROP TABLE audit_checkpoints;
DROP FUNCTION audit_checkpoints_append_only();
DROP TRIGGER claim_history_unsealed_insert ON claim_history;
DROP FUNCTION claim_history_flag_unsealed();
DROP TRIGGER claim_history_no_update_delete ON claim_history;
CREATE TRIGGER claim_history_no_update_delete
    BEFORE UPDATE OR DELETE ON claim_history
    FOR EACH ROW EXECUTE FUNCTION claim_history_append_only();
DROP FUNCTION claim_history_seal_once();
DROP TABLE audit_head;
ALTER TABLE claim_history DROP COLUMN log_index, DROP COLUMN hash;
