DROP INDEX claims_board_idx;
CREATE INDEX claims_board_idx ON claims (state, priority_rank DESC, id DESC);
