-- +goose Up
-- claims.search and claims.match_anchors were stored generated columns,
-- which PostgreSQL recomputes on every UPDATE of the row: each state
-- change, verdict or priority edit re-ran to_tsvector and the anchor
-- regular expressions over the claim's text. They are now plain columns
-- that a trigger fills on insert and refreshes only when the text or the
-- claimant change. An UPDATE that does not name text, claimant, search or
-- match_anchors does not fire it at all; one that names them without
-- changing the words keeps the stored values, so neither column can be
-- written out of step with the text. DROP EXPRESSION keeps every stored
-- value and the indexes on them; it does not rewrite the table.
ALTER TABLE claims ALTER COLUMN search DROP EXPRESSION;
ALTER TABLE claims ALTER COLUMN match_anchors DROP EXPRESSION;
-- +goose StatementBegin
CREATE FUNCTION claims_refresh_search() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.text IS DISTINCT FROM OLD.text OR NEW.claimant IS DISTINCT FROM OLD.claimant THEN
        NEW.search := to_tsvector('english', NEW.text || ' ' || NEW.claimant);
        NEW.match_anchors := claim_anchors(NEW.text);
    ELSE
        NEW.search := OLD.search;
        NEW.match_anchors := OLD.match_anchors;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER claims_refresh_search_insert BEFORE INSERT ON claims
    FOR EACH ROW EXECUTE FUNCTION claims_refresh_search();
CREATE TRIGGER claims_refresh_search_update BEFORE UPDATE OF text, claimant, search, match_anchors ON claims
    FOR EACH ROW EXECUTE FUNCTION claims_refresh_search();

-- API tokens are cached in each process for up to a second (auth's token
-- cache). A change to a user (deactivated, new role, new password) or to
-- one of their tokens (revoked, expiry moved, deleted) announces the
-- user's id on factdesk_auth, delivered on commit, so every process forgets
-- that user's tokens at once, whichever code or hand-written SQL made it.
-- Using a token (last_used_at) announces nothing.
-- +goose StatementBegin
CREATE FUNCTION announce_token_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('factdesk_auth', OLD.id::text);
    ELSE
        PERFORM pg_notify('factdesk_auth', OLD.user_id::text);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER users_announce_change AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION announce_token_change();
CREATE TRIGGER api_tokens_announce_change AFTER UPDATE OF user_id, token_hash, expires_at, revoked_at OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION announce_token_change();

-- +goose Down
DROP TRIGGER IF EXISTS api_tokens_announce_change ON api_tokens;
DROP TRIGGER IF EXISTS users_announce_change ON users;
DROP FUNCTION IF EXISTS announce_token_change();
DROP TRIGGER IF EXISTS claims_refresh_search_update ON claims;
DROP TRIGGER IF EXISTS claims_refresh_search_insert ON claims;
DROP FUNCTION IF EXISTS claims_refresh_search();
ALTER TABLE claims DROP COLUMN search, DROP COLUMN match_anchors;
ALTER TABLE claims
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', text || ' ' || claimant)) STORED,
    ADD COLUMN match_anchors text GENERATED ALWAYS AS (claim_anchors(text)) STORED;
CREATE INDEX claims_search_idx ON claims USING gin (search);
CREATE INDEX claims_anchors_trgm_idx ON claims USING gin (match_anchors gin_trgm_ops);
