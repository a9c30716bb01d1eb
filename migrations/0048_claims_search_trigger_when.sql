-- Every claim write (SaveClaim) names text and claimant in its SET list,
-- so the BEFORE UPDATE OF trigger of 0040 ran its plpgsql function on
-- every state change and priority edit only to copy search and
-- match_anchors back from OLD. A WHEN condition, evaluated without
-- calling the function, now lets it run only when one of the four columns
-- actually differs. That changes nothing stored: when none differs, the
-- function would have written the values the row already has; when the
-- text or claimant changed it recomputes both, and when search or
-- match_anchors were set by hand it restores them, as before.
-- +goose Up
DROP TRIGGER claims_refresh_search_update ON claims;
CREATE TRIGGER claims_refresh_search_update BEFORE UPDATE OF text, claimant, search, match_anchors ON claims
    FOR EACH ROW
    WHEN (NEW.text IS DISTINCT FROM OLD.text OR NEW.claimant IS DISTINCT FROM OLD.claimant
          OR NEW.search IS DISTINCT FROM OLD.search OR NEW.match_anchors IS DISTINCT FROM OLD.match_anchors)
    EXECUTE FUNCTION claims_refresh_search();

-- +goose Down
DROP TRIGGER claims_refresh_search_update ON claims;
CREATE TRIGGER claims_refresh_search_update BEFORE UPDATE OF text, claimant, search, match_anchors ON claims
    FOR EACH ROW EXECUTE FUNCTION claims_refresh_search();
