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

-- +goose Down
DROP TRIGGER IF EXISTS claims_refresh_search_update ON claims;
DROP TRIGGER IF EXISTS claims_refresh_search_insert ON claims;
DROP FUNCTION IF EXISTS claims_refresh_search();
ALTER TABLE claims DROP COLUMN search, DROP COLUMN match_anchors;
ALTER TABLE claims
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', text || ' ' || claimant)) STORED,
    ADD COLUMN match_anchors text GENERATED ALWAYS AS (claim_anchors(text)) STORED;
CREATE INDEX claims_search_idx ON claims USING gin (search);
CREATE INDEX claims_anchors_trgm_idx ON claims USING gin (match_anchors gin_trgm_ops);
