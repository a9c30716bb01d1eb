-- +goose Up
-- What a checker did with each candidate sentence of an imported article:
-- filed it as a claim, or left it. These are the desk's own labels, for
-- retraining the check-worthiness model on the desk's decisions.
CREATE TABLE candidate_decisions (
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    span_start  integer NOT NULL,
    span_end    integer NOT NULL,
    sentence    text NOT NULL,
    score       double precision NOT NULL,
    checkworthy boolean NOT NULL,
    filed       boolean NOT NULL,
    decided_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, span_start)
);
CREATE INDEX candidate_decisions_decided_at_idx ON candidate_decisions (decided_at);

-- +goose Down
DROP TABLE candidate_decisions;
