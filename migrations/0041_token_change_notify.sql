-- +goose Up
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
