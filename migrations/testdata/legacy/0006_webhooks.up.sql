-- Outbound events and their webhook deliveries. An event row, its delivery
-- rows and its River jobs are written in the transaction of the change that
-- caused them, so neither can exist without the other.

CREATE TABLE events (
    -- evt_ followed by a time-ordered random id; receivers deduplicate on it.
    id         text PRIMARY KEY,
    type       text NOT NULL,
    -- claim_id and seq are set for claim events; seq is the history entry's
    -- per-claim number, so receivers can order one claim's events.
    claim_id   bigint REFERENCES claims (id),
    seq        integer,
    -- payload is the exact JSON body sent, kept as text so every retry sends
    -- byte-for-byte the same body.
    payload    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_claim_idx ON events (claim_id, seq) WHERE claim_id IS NOT NULL;
CREATE INDEX events_created_idx ON events (created_at);

-- The key that encrypts endpoint secrets when FACTDESK_SECRET_KEY is unset.
CREATE TABLE webhook_keys (
    id         smallint PRIMARY KEY CHECK (id = 1),
    key        bytea NOT NULL CHECK (length(key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_endpoints (
    id                   bigserial PRIMARY KEY,
    url                  text NOT NULL,
    description          text NOT NULL DEFAULT '',
    -- event types, or '*' for all of them
    events               text[] NOT NULL,
    format               text NOT NULL DEFAULT 'standard' CHECK (format IN ('standard', 'slack')),
    active               boolean NOT NULL DEFAULT true,
    -- AES-GCM: 12-byte nonce followed by the sealed whsec_ secret.
    secret_sealed        bytea NOT NULL,
    -- After a rotation the old secret keeps signing until it expires.
    old_secret_sealed    bytea,
    old_secret_expires_at timestamptz,
    disabled_at          timestamptz,
    disabled_reason      text NOT NULL DEFAULT '',
    -- deliveries in a row that exhausted every retry; any success resets it
    consecutive_failures integer NOT NULL DEFAULT 0,
    -- the first failed attempt since the last success
    failing_since        timestamptz,
    created_by           bigint REFERENCES users (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
-- Emit looks up the endpoints subscribed to a type on every event.
CREATE INDEX webhook_endpoints_events_idx ON webhook_endpoints USING gin (events);

-- One row per event and endpoint: where that delivery stands.
CREATE TABLE webhook_deliveries (
    id            bigserial PRIMARY KEY,
    endpoint_id   bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id      text NOT NULL REFERENCES events (id),
    -- pending: an attempt is queued; succeeded: a 2xx came back; failed:
    -- retries ran out (or 410); skipped: the endpoint was disabled, nothing
    -- was sent. recover resends failed and skipped deliveries.
    status        text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'skipped')),
    -- attempt numbers handed out so far, manual ones included
    attempts      integer NOT NULL DEFAULT 0,
    next_retry_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_recover_idx ON webhook_deliveries (endpoint_id, created_at) WHERE status IN ('failed', 'skipped');

-- The delivery log: one row per HTTP attempt.
CREATE TABLE webhook_attempts (
    id            bigserial PRIMARY KEY,
    delivery_id   bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    endpoint_id   bigint NOT NULL,
    event_id      text NOT NULL,
    event_type    text NOT NULL,
    attempt       integer NOT NULL,
    trigger       text NOT NULL CHECK (trigger IN ('auto', 'manual')),
    succeeded     boolean NOT NULL,
    started_at    timestamptz NOT NULL,
    duration_ms   integer NOT NULL,
    status_code   integer,
    error_class   text,
    error         text NOT NULL DEFAULT '',
    response_body text NOT NULL DEFAULT '',
    next_retry_at timestamptz,
    -- A River job that is rescued after its attempt was recorded finds the
    -- row here and does not send again.
    UNIQUE (delivery_id, attempt)
);
CREATE INDEX webhook_attempts_endpoint_idx ON webhook_attempts (endpoint_id, id DESC);
