-- Source checks: what the last fetch of each cited page found. The columns
-- live on evidence itself so every listing (API and dashboard) shows the
-- status without a join; the readable-text snapshot, which is large, lives
-- in its own table.
ALTER TABLE evidence
    ADD COLUMN status            text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'verified', 'excerpt_missing', 'unreachable', 'changed', 'gone')),
    ADD COLUMN status_changed_at timestamptz,
    ADD COLUMN http_status       integer,
    ADD COLUMN final_url         text NOT NULL DEFAULT '',
    ADD COLUMN fetched_at        timestamptz,
    ADD COLUMN content_type      text NOT NULL DEFAULT '',
    ADD COLUMN body_sha256       text NOT NULL DEFAULT '',
    ADD COLUMN page_title        text NOT NULL DEFAULT '',
    ADD COLUMN excerpt_status    text NOT NULL DEFAULT ''
        CHECK (excerpt_status IN ('', 'found', 'not_found', 'no_excerpt')),
    ADD COLUMN excerpt_start     integer,
    ADD COLUMN excerpt_end       integer,
    ADD COLUMN fetch_error       text NOT NULL DEFAULT '',
    ADD COLUMN fetch_detail      text NOT NULL DEFAULT '',
    -- consecutive_failures counts checks in a row that could not read the
    -- page; enough of them turn "unreachable" into "gone".
    ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0,
    -- internal marks the note as for the desk only: public pages omit it.
    ADD COLUMN internal          boolean NOT NULL DEFAULT false,
    -- host is the URL's lowercased host name; ratings are matched on it.
    ADD COLUMN host              text NOT NULL DEFAULT '',
    ADD COLUMN outlet_id         bigint,
    ADD COLUMN source_rating     text NOT NULL DEFAULT 'unknown'
        CHECK (source_rating IN ('reliable', 'mixed', 'unreliable', 'unknown'));

UPDATE evidence SET host = lower(rtrim(substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:\[\]]+)'), '.'))
WHERE substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:\[\]]+)') IS NOT NULL;

-- The watcher sweeps evidence by when it was last fetched.
CREATE INDEX evidence_fetched_idx ON evidence (fetched_at NULLS FIRST, id);
CREATE INDEX evidence_host_idx ON evidence (host);
-- The review flag looks for evidence that changed or disappeared.
CREATE INDEX evidence_alert_idx ON evidence (claim_id) WHERE status IN ('changed', 'gone');

CREATE TABLE evidence_snapshots (
    evidence_id bigint PRIMARY KEY REFERENCES evidence (id),
    fetched_at  timestamptz NOT NULL,
    body_sha256 text NOT NULL,
    -- text_gz is the gzip of the readable text (at most 200 KiB before
    -- compression), so a snapshot costs tens of KiB at most.
    text_gz     bytea NOT NULL,
    text_bytes  integer NOT NULL
);

-- The source registry: outlets the editors have rated. domain is stored
-- lowercased without "www.", and matches that host and every host below it.
CREATE TABLE outlets (
    id         bigserial PRIMARY KEY,
    domain     text NOT NULL CHECK (domain <> '' AND domain = lower(domain)),
    name       text NOT NULL DEFAULT '',
    rating     text NOT NULL CHECK (rating IN ('reliable', 'mixed', 'unreliable', 'unknown')),
    note       text NOT NULL DEFAULT '',
    created_by bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX outlets_domain_key ON outlets (domain);
ALTER TABLE evidence ADD CONSTRAINT evidence_outlet_fk FOREIGN KEY (outlet_id) REFERENCES outlets (id) ON DELETE SET NULL;

-- Publishing: a claim is public from its first confirmation on. The row
-- holds what was confirmed last, so a claim reopened for review keeps
-- showing its last confirmed verdict while the desk works on it.
CREATE TABLE publications (
    claim_id           bigint PRIMARY KEY REFERENCES claims (id),
    slug               text NOT NULL UNIQUE,
    text               text NOT NULL,
    claimant           text NOT NULL DEFAULT '',
    source_url         text NOT NULL DEFAULT '',
    verdict            text NOT NULL,
    summary            text NOT NULL DEFAULT '',
    first_published_at timestamptz NOT NULL,
    published_at       timestamptz NOT NULL,
    claim_created_at   timestamptz NOT NULL
);
CREATE INDEX publications_recent_idx ON publications (published_at DESC, claim_id DESC);

-- Corrections are dated notes, one per re-confirmation after a reopen.
CREATE TABLE corrections (
    id          bigserial PRIMARY KEY,
    claim_id    bigint NOT NULL REFERENCES publications (claim_id),
    old_verdict text NOT NULL,
    new_verdict text NOT NULL,
    reason      text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL
);
CREATE INDEX corrections_claim_idx ON corrections (claim_id, at);
