DROP INDEX IF EXISTS claims_board_verdict_idx;
