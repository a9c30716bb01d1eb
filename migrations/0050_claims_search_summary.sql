-- +goose Up
-- A confirmed claim's summary restates the claim in the checker's words,
-- as a fact-check's headline does ("Did the NRA Ban Guns at Their Own
-- Leadership Forum?"), and a tweet about the claim is often worded like
-- it rather than like the claim. claims.search now reads it too, so the
-- similar-claim lookup finds a claim by its summary's words: on the
-- CLEF-2020 task 2 training tweets, with the fact-checks' titles as the
-- summaries, BM25 over the claim and its title scores above the claim
-- alone (see learn.BM25Baseline). match_anchors stays the claim's own
-- figures and names. The trigger of 0040/0048 now also refreshes search
-- when the summary changes.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION claims_refresh_search() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.text IS DISTINCT FROM OLD.text OR NEW.claimant IS DISTINCT FROM OLD.claimant
       OR NEW.summary IS DISTINCT FROM OLD.summary THEN
        NEW.search := to_tsvector('english', NEW.text || ' ' || NEW.claimant || ' ' || NEW.summary);
        NEW.match_anchors := claim_anchors(NEW.text);
    ELSE
        NEW.search := OLD.search;
        NEW.match_anchors := OLD.match_anchors;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
DROP TRIGGER claims_refresh_search_update ON claims;
CREATE TRIGGER claims_refresh_search_update BEFORE UPDATE OF text, claimant, summary, search, match_anchors ON claims
    FOR EACH ROW
    WHEN (NEW.text IS DISTINCT FROM OLD.text OR NEW.claimant IS DISTINCT FROM OLD.claimant OR NEW.summary IS DISTINCT FROM OLD.summary
          OR NEW.search IS DISTINCT FROM OLD.search OR NEW.match_anchors IS DISTINCT FROM OLD.match_anchors)
    EXECUTE FUNCTION claims_refresh_search();
-- Claims with a summary get their search recomputed; the trigger would
-- keep the old value, as nothing it watches changes.
ALTER TABLE claims DISABLE TRIGGER claims_refresh_search_update;
UPDATE claims SET search = to_tsvector('english', text || ' ' || claimant || ' ' || summary) WHERE summary <> '';
ALTER TABLE claims ENABLE TRIGGER claims_refresh_search_update;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION claims_refresh_search() RETURNS trigger
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
DROP TRIGGER claims_refresh_search_update ON claims;
CREATE TRIGGER claims_refresh_search_update BEFORE UPDATE OF text, claimant, search, match_anchors ON claims
    FOR EACH ROW
    WHEN (NEW.text IS DISTINCT FROM OLD.text OR NEW.claimant IS DISTINCT FROM OLD.claimant
          OR NEW.search IS DISTINCT FROM OLD.search OR NEW.match_anchors IS DISTINCT FROM OLD.match_anchors)
    EXECUTE FUNCTION claims_refresh_search();
ALTER TABLE claims DISABLE TRIGGER claims_refresh_search_update;
UPDATE claims SET search = to_tsvector('english', text || ' ' || claimant) WHERE summary <> '';
ALTER TABLE claims ENABLE TRIGGER claims_refresh_search_update;
