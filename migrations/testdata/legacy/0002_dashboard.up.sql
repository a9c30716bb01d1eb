-- Dashboard sign-in sessions. Only the SHA-256 of the session id is stored,
-- so a copy of this table does not let anyone sign in. Rows live in the
-- database rather than in process memory so sessions survive restarts and
-- work across every factdesk process behind a load balancer.
CREATE TABLE web_sessions (
    id_hash      bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- csrf_token is the per-session synchroniser token every dashboard form
    -- echoes back.
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id);
CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at);

-- The board shows the most urgent claims of each state first; this index
-- answers "top N of one state" without sorting the whole state.
CREATE INDEX claims_board_idx ON claims (state, priority_rank DESC, id DESC);
-- The review queue and "overdue" read open claims by age and due time.
CREATE INDEX claims_review_idx ON claims (updated_at) WHERE state IN ('verified', 'disputed');
CREATE INDEX claims_due_idx ON claims (due_at) WHERE due_at IS NOT NULL AND state NOT IN ('confirmed', 'rejected');
-- The overview charts count confirmations per day.
CREATE INDEX claim_history_confirm_idx ON claim_history (at) WHERE action = 'confirm';
