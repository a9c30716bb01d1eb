DROP TABLE claim_history;
DROP FUNCTION claim_history_append_only();
DROP TABLE comments;
DROP TABLE evidence;
DROP TABLE claim_assignments;
DROP TABLE claims;
DROP TABLE api_tokens;
DROP TABLE users;
