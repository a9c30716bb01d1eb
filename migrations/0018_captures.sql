-- Captures: each source fetch kept as WARC records (issue 14). The WARC
-- bytes of one capture are a standalone .warc.gz (request, response or
-- revisit, metadata; gzip per record). They live in capture_chunks by
-- default, or in a file under FACTDESK_CAPTURE_DIR (storage = 'directory',
-- path relative to it). The tables are new, so their indexes are built here.

-- +goose Up
CREATE TABLE captures (
    id                 bigserial PRIMARY KEY,
    evidence_id        bigint      NOT NULL REFERENCES evidence (id),
    fetched_at         timestamptz NOT NULL,
    url                text        NOT NULL,
    http_status        integer     NOT NULL,
    mime               text        NOT NULL DEFAULT '',
    title              text        NOT NULL DEFAULT '',
    revisit            boolean     NOT NULL,
    request_record_id  text        NOT NULL,
    response_record_id text        NOT NULL UNIQUE,
    metadata_record_id text        NOT NULL,
    -- refers_to is the response record a revisit stands for.
    refers_to          text        NOT NULL DEFAULT '',
    payload_digest     text        NOT NULL,
    -- capture_sha256 is the SHA-256 (hex) of the stored WARC bytes: the
    -- value the timestamp authorities signed.
    capture_sha256     text        NOT NULL,
    -- records is archive/warc's Capture (record ids, types, offsets,
    -- lengths and digests) as JSON.
    records            jsonb       NOT NULL,
    warc_bytes         bigint      NOT NULL CHECK (warc_bytes > 0),
    storage            text        NOT NULL CHECK (storage IN ('database', 'directory')),
    path               text        NOT NULL DEFAULT '',
    timestamp_status   text        NOT NULL,
    timestamp_errors   text        NOT NULL DEFAULT '',
    -- text_gz is the gzip of the capture's readable text, the text anchors
    -- count in; NULL for a revisit, whose text is its refers_to capture's.
    text_gz            bytea,
    text_bytes         bigint      NOT NULL DEFAULT 0,
    -- anchor is the excerpt's W3C selectors in this capture's text; reanchor
    -- what re-finding the previous anchor in this text found (with a diff).
    anchor             jsonb,
    reanchor           jsonb,
    CHECK ((storage = 'directory') = (path <> ''))
);
CREATE INDEX captures_evidence_idx ON captures (evidence_id, fetched_at DESC, id DESC);

CREATE TABLE capture_chunks (
    capture_id bigint  NOT NULL REFERENCES captures (id) ON DELETE CASCADE,
    n          integer NOT NULL CHECK (n >= 0),
    data       bytea   NOT NULL,
    PRIMARY KEY (capture_id, n)
);
-- The bytes are gzip already: store them out of line without a second try
-- at compressing them.
ALTER TABLE capture_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE capture_timestamps (
    id             bigserial PRIMARY KEY,
    capture_id     bigint      NOT NULL REFERENCES captures (id) ON DELETE CASCADE,
    authority      text        NOT NULL,
    issued_at      timestamptz NOT NULL,
    serial         text        NOT NULL DEFAULT '',
    policy         text        NOT NULL DEFAULT '',
    signer         text        NOT NULL DEFAULT '',
    signer_sha256  text        NOT NULL DEFAULT '',
    chain_verified boolean     NOT NULL DEFAULT false,
    -- token is the DER TimeStampToken, as `openssl ts -verify -token_in` reads it.
    token          bytea       NOT NULL
);
CREATE INDEX capture_timestamps_capture_idx ON capture_timestamps (capture_id);

-- +goose Down
DROP TABLE capture_timestamps;
DROP TABLE capture_chunks;
DROP TABLE captures;
