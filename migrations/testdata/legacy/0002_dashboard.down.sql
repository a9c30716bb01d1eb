DROP INDEX IF EXISTS claim_history_confirm_idx;
DROP INDEX IF EXISTS claims_due_idx;
DROP INDEX IF EXISTS claims_review_idx;
DROP INDEX IF EXISTS claims_board_idx;
DROP TABLE IF EXISTS web_sessions;
