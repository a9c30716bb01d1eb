-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'editor', 'checker', 'viewer')),
    active        boolean NOT NULL DEFAULT true,
    password_hash text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Emails are compared case-insensitively: Ana@x.org and ana@x.org are one person.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE,
    name         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE claims (
    id            bigserial PRIMARY KEY,
    text          text NOT NULL CHECK (length(btrim(text)) > 0),
    claimant      text NOT NULL DEFAULT '',
    source_url    text NOT NULL DEFAULT '',
    state         text NOT NULL DEFAULT 'new'
                  CHECK (state IN ('new', 'verifying', 'verified', 'disputed', 'confirmed', 'rejected')),
    verdict       text CHECK (verdict IN ('true', 'mostly_true', 'half_true', 'mostly_false', 'false', 'misleading', 'unverifiable')),
    summary       text NOT NULL DEFAULT '',
    priority      text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    -- priority_rank mirrors priority as a number so the queue sorts on an index.
    priority_rank smallint NOT NULL DEFAULT 1,
    due_at        timestamptz,
    language      text NOT NULL DEFAULT 'en',
    tags          text[] NOT NULL DEFAULT '{}',
    version       integer NOT NULL DEFAULT 1,
    duplicate_of  bigint REFERENCES claims (id),
    -- last_seq is the seq of the newest history entry, so the next one is
    -- numbered under the claim's row lock without a gap or a race.
    last_seq      integer NOT NULL DEFAULT 0,
    created_by    bigint NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    search        tsvector GENERATED ALWAYS AS (
                      to_tsvector('english', text || ' ' || claimant)
                  ) STORED
);
CREATE INDEX claims_state_idx ON claims (state, id DESC);
CREATE INDEX claims_queue_idx ON claims (priority_rank DESC, created_at, id) WHERE state = 'new';
CREATE INDEX claims_search_idx ON claims USING gin (search);
CREATE INDEX claims_tags_idx ON claims USING gin (tags);
CREATE INDEX claims_verdict_idx ON claims (verdict, id DESC);

CREATE TABLE claim_assignments (
    claim_id    bigint NOT NULL REFERENCES claims (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    role        text NOT NULL CHECK (role IN ('checker', 'reviewer')),
    assigned_by bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (claim_id, user_id)
);
CREATE INDEX claim_assignments_user_idx ON claim_assignments (user_id, claim_id);

CREATE TABLE evidence (
    id         bigserial PRIMARY KEY,
    claim_id   bigint NOT NULL REFERENCES claims (id),
    url        text NOT NULL,
    title      text NOT NULL DEFAULT '',
    stance     text NOT NULL CHECK (stance IN ('supports', 'refutes', 'context')),
    excerpt    text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    added_by   bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_claim_idx ON evidence (claim_id, id);

CREATE TABLE comments (
    id         bigserial PRIMARY KEY,
    claim_id   bigint NOT NULL REFERENCES claims (id),
    author_id  bigint NOT NULL REFERENCES users (id),
    body       text NOT NULL CHECK (length(btrim(body)) > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_claim_idx ON comments (claim_id, id);

CREATE TABLE claim_history (
    id         bigserial PRIMARY KEY,
    claim_id   bigint NOT NULL REFERENCES claims (id),
    seq        integer NOT NULL,
    kind       text NOT NULL,
    action     text,
    from_state text,
    to_state   text,
    actor_id   bigint REFERENCES users (id),
    comment    text NOT NULL DEFAULT '',
    verdict    text,
    details    jsonb,
    at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (claim_id, seq)
);
-- Four eyes asks "who proposed the current verdict", which is the newest
-- transition row of a claim.
CREATE INDEX claim_history_transitions_idx ON claim_history (claim_id, seq DESC) WHERE kind = 'transitioned';

-- The history is the desk's record of what happened: it may only grow.
-- +goose StatementBegin
CREATE FUNCTION claim_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'claim_history is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER claim_history_no_update_delete
    BEFORE UPDATE OR DELETE ON claim_history
    FOR EACH ROW EXECUTE FUNCTION claim_history_append_only();
CREATE TRIGGER claim_history_no_truncate
    BEFORE TRUNCATE ON claim_history
    FOR EACH STATEMENT EXECUTE FUNCTION claim_history_append_only();

-- +goose Down
DROP TABLE claim_history;
DROP FUNCTION claim_history_append_only();
DROP TABLE comments;
DROP TABLE evidence;
DROP TABLE claim_assignments;
DROP TABLE claims;
DROP TABLE api_tokens;
DROP TABLE users;
