-- +goose Up
-- One row per thing a person should know about: written in the transaction
-- of the change that causes it (notify.Hook), read by the inbox, mailed by
-- the notification jobs.
CREATE TABLE notifications (
    id           bigserial PRIMARY KEY,
    recipient_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('assigned', 'mentioned', 'sent_back', 'confirmed', 'rejected',
                                               'reopened', 'source_changed', 'followed_state_changed', 'overdue')),
    claim_id     bigint REFERENCES claims (id),
    actor_id     bigint REFERENCES users (id),
    -- seq is the claim_history entry of claim_id that caused the
    -- notification (the comment, the transition); null for the overdue sweep.
    seq          integer,
    -- payload carries what the inbox and the email show without another
    -- query: a comment excerpt, the states, and for a coalesced burst the
    -- list of claims.
    payload      jsonb NOT NULL DEFAULT '{}',
    -- dedupe_key makes a producer idempotent (the overdue sweep).
    dedupe_key   text,
    read_at      timestamptz,
    -- email is pending until a job sends it (sent) or decides not to
    -- (skipped: the user turned the kind off, or read it first).
    email        text NOT NULL DEFAULT 'pending' CHECK (email IN ('pending', 'sent', 'skipped')),
    emailed_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_inbox_idx ON notifications (recipient_id, read_at, id DESC);
CREATE INDEX notifications_email_idx ON notifications (recipient_id, id) WHERE email = 'pending';
CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (recipient_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

-- Followers hear about a claim's state changes. Assignees, the creator and
-- commenters follow automatically; anyone may follow or unfollow.
CREATE TABLE claim_follows (
    claim_id   bigint NOT NULL REFERENCES claims (id),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (claim_id, user_id)
);
CREATE INDEX claim_follows_user_idx ON claim_follows (user_id, claim_id);

-- How each person wants each kind by email. A missing row means the default
-- (notify.DefaultDelivery).
CREATE TABLE notification_prefs (
    user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     text NOT NULL,
    delivery text NOT NULL CHECK (delivery IN ('instant', 'hourly', 'daily', 'off')),
    PRIMARY KEY (user_id, kind)
);

-- Chat formats for webhooks beside Slack's (webhooks.Formats).
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_format_check;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_format_check
    CHECK (format IN ('standard', 'slack', 'googlechat', 'teams'));

-- +goose Down
UPDATE webhook_endpoints SET format = 'slack' WHERE format IN ('googlechat', 'teams');
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_format_check;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_format_check CHECK (format IN ('standard', 'slack'));
DROP TABLE notification_prefs;
DROP TABLE claim_follows;
DROP TABLE notifications;
