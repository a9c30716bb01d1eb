// Package transfer moves a whole desk from one database to another as a
// versioned JSON Lines archive (docs/moving.md): `factdesk export --all`
// writes it and `factdesk import` loads it into an empty database. Both
// stream, one record at a time; the SQL is the store's bulk path.
package transfer

import (
	"encoding/json"
	"slices"
)

// Format and Version name the archive format. Version changes when the
// meaning of a record changes; the schema version in the header says
// which columns the rows carry.
const (
	Format  = "factdesk-desk"
	Version = 1
)

// kind is one record type: the rows of one table.
type kind struct {
	Type  string
	Table string
	// Omit are columns never written to the archive.
	Omit []string
	// Single is a table of exactly one row, which import overwrites.
	Single bool
}

// kinds are the record types in archive order: a table comes after every
// table its foreign keys point at (TestKindsFollowForeignKeys), so import
// can insert each batch as it comes. claims.duplicate_of, which points at
// claims, is set once every claim is in.
var kinds = []kind{
	{Type: "user", Table: "users"},
	{Type: "saved_view", Table: "saved_views"},
	{Type: "outlet", Table: "outlets"},
	{Type: "article", Table: "articles"},
	{Type: "claim", Table: "claims"},
	{Type: "assignment", Table: "claim_assignments"},
	{Type: "history", Table: "claim_history"},
	{Type: "comment", Table: "comments"},
	{Type: "evidence", Table: "evidence"},
	{Type: "evidence_snapshot", Table: "evidence_snapshots"},
	{Type: "capture", Table: "captures"},
	{Type: "capture_chunk", Table: "capture_chunks"},
	{Type: "capture_timestamp", Table: "capture_timestamps"},
	{Type: "publication", Table: "publications"},
	{Type: "correction", Table: "corrections"},
	{Type: "follow", Table: "claim_follows"},
	{Type: "notification", Table: "notifications"},
	{Type: "notification_pref", Table: "notification_prefs"},
	{Type: "candidate_decision", Table: "candidate_decisions"},
	{Type: "factcheck", Table: "factcheck_archive"},
	{Type: "model_version", Table: "model_versions"},
	{Type: "model_activation", Table: "model_activations"},
	{Type: "webhook", Table: "webhook_endpoints", Omit: []string{"secret_sealed", "old_secret_sealed", "old_secret_expires_at"}},
	{Type: "settings", Table: "desk_settings", Single: true},
	{Type: "logo", Table: "desk_logo"},
	{Type: "checkpoint", Table: "audit_checkpoints"},
	{Type: "log_head", Table: "audit_head", Single: true},
}

// NotCarried are the tables an archive leaves out, and why.
var NotCarried = map[string]string{
	"api_tokens":            "credentials: issue new tokens on the new desk",
	"api_token_rates":       "rate-limit counts of the current minute",
	"web_sessions":          "sign-ins: people sign in again",
	"login_attempts":        "sign-in limits of the old desk",
	"events":                "the outbound event log of the old desk's webhooks",
	"webhook_deliveries":    "the old desk's delivery log",
	"webhook_attempts":      "the old desk's delivery log",
	"webhook_keys":          "the key that seals webhook secrets stays with its desk",
	"goose_db_version":      "the new desk's migrations write it",
	"river_job":             "the old desk's job queue",
	"river_leader":          "the old desk's job queue",
	"river_migration":       "the new desk's migrations write it",
	"river_notification":    "the old desk's job queue",
	"river_queue":           "the old desk's job queue",
	"claim_lexemes":         "word counts for the similar-claim search, recounted by the learn_lexemes job",
	"claim_lexeme_totals":   "word counts for the similar-claim search, recounted by the learn_lexemes job",
	"archive_lexemes":       "word counts for the archive's similar-check search, recounted by the learn_lexemes job",
	"archive_lexeme_totals": "word counts for the archive's similar-check search, recounted by the learn_lexemes job",
}

// Tables lists the tables an archive carries, in archive order.
func Tables() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Table
	}
	return out
}

func kindIndex(typ string) int {
	return slices.IndexFunc(kinds, func(k kind) bool { return k.Type == typ })
}

// Header is the archive's first line.
type Header struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Schema is the source desk's migration version: the rows' columns
	// are that schema's. Import needs a database at the same version.
	Schema     int64  `json:"schema"`
	ExportedAt string `json:"exported_at"`
	Source     Source `json:"source"`
	// PasswordHashes says whether users carry their password hashes.
	PasswordHashes bool `json:"password_hashes"`
}

// Source describes the desk an archive came from.
type Source struct {
	PublicURL   string `json:"public_url,omitempty"`
	AuditOrigin string `json:"audit_origin,omitempty"`
	// CheckpointKey is the public key that signed its checkpoints
	// (docs/audit.md), for checking them after the move.
	CheckpointKey string `json:"checkpoint_key,omitempty"`
}

// record is every line after the header: a row of one type, or the end.
type record struct {
	Type string `json:"type"`
	// Data is the row: its columns by name, as PostgreSQL writes them in
	// JSON (bytea as "\x" hex, timestamps RFC 3339 with offset).
	Data json.RawMessage `json:"data,omitempty"`
	// Counts, on the end record, is how many rows of each type came
	// before it: an archive cut short is refused.
	Counts map[string]int64 `json:"counts,omitempty"`
}
