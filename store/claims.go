package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// ClaimFilter narrows a claim listing. Zero fields do not filter.
type ClaimFilter struct {
	State    models.State
	Assignee int64
	Verdict  models.Verdict
	Priority models.Priority
	Tag      string
	Query    string // Postgres full-text search (websearch syntax)
	Limit    int
	Cursor   string
}

// MaxPageSize caps a page of claims.
const MaxPageSize = 200

// Claim loads a claim with its assignees.
func (q queries) Claim(ctx context.Context, id int64) (*models.Claim, error) {
	var c models.Claim
	err := q.db.WithContext(ctx).Preload("Assignees", orderAssignees).First(&c, id).Error
	if err != nil {
		return nil, fmt.Errorf("store: claim %d: %w", id, notFound(err, "claim", id))
	}
	return &c, nil
}

// ClaimWithEvidence loads a claim with its assignees and evidence.
func (q queries) ClaimWithEvidence(ctx context.Context, id int64) (*models.Claim, error) {
	var c models.Claim
	err := q.db.WithContext(ctx).
		Preload("Assignees", orderAssignees).
		Preload("Evidence", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		First(&c, id).Error
	if err != nil {
		return nil, fmt.Errorf("store: claim %d: %w", id, notFound(err, "claim", id))
	}
	if c.Evidence == nil {
		c.Evidence = []models.Evidence{}
	}
	return &c, nil
}

// ClaimEvidenceList lists every evidence item of a claim, retracted ones
// included, in order: one statement, and a second only when the list is
// empty, to tell a claim without evidence from no claim (not found).
func (q queries) ClaimEvidenceList(ctx context.Context, claimID int64) ([]models.Evidence, error) {
	out := []models.Evidence{}
	if err := q.db.WithContext(ctx).Where("claim_id = ?", claimID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: evidence of %d: %w", claimID, err)
	}
	if len(out) == 0 {
		var n int64
		if err := q.db.WithContext(ctx).Model(&models.Claim{}).Where("id = ?", claimID).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("store: claim %d: %w", claimID, err)
		}
		if n == 0 {
			return nil, models.Errorf(models.ENotFound, "claim %v not found", claimID)
		}
	}
	return out, nil
}

func orderAssignees(db *gorm.DB) *gorm.DB { return db.Order("created_at, user_id") }

// Claims lists claims newest first, one page at a time. The cursor is opaque
// to clients; it encodes the last id of the previous page.
func (q queries) Claims(ctx context.Context, f ClaimFilter) (items []models.Claim, next string, err error) {
	limit := f.Limit
	if limit <= 0 || limit > MaxPageSize {
		limit = 50
	}
	where, args := claimMatch{State: f.State, Assignee: f.Assignee, Verdict: f.Verdict, Priority: f.Priority,
		Tag: f.Tag, Query: f.Query}.where()
	db := q.db.WithContext(ctx).Model(&models.Claim{}).Preload("Assignees", orderAssignees).Where(where, args...)
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		db = db.Where("id < ?", after)
	}
	if err := db.Order("id DESC").Limit(limit + 1).Find(&items).Error; err != nil {
		return nil, "", fmt.Errorf("store: list claims: %w", err)
	}
	if len(items) > limit {
		items = items[:limit]
		next = encodeCursor(items[limit-1].ID)
	}
	return items, next, nil
}

// claimMatch is what the API's listing and the dashboard's board filter
// claims by; where is the one place such a filter becomes SQL.
type claimMatch struct {
	State    models.State
	Assignee int64
	Verdict  models.Verdict
	Priority models.Priority
	Tag      string
	Query    string
	// IDs, when not nil, keeps only these claims (a selection).
	IDs []int64
}

// where returns the conditions on the claims table, joined by AND, with
// their arguments; "TRUE" when nothing filters.
func (m claimMatch) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if m.State != "" {
		add("claims.state = ?", string(m.State))
	}
	if m.Assignee == Unassigned {
		add("NOT EXISTS (SELECT 1 FROM claim_assignments a WHERE a.claim_id = claims.id)")
	} else if m.Assignee != 0 {
		add("EXISTS (SELECT 1 FROM claim_assignments a WHERE a.claim_id = claims.id AND a.user_id = ?)", m.Assignee)
	}
	if m.Verdict != "" {
		add("claims.verdict = ?", string(m.Verdict))
	}
	if m.Priority != "" {
		// The rank mirrors the priority and leads claims_board_idx after
		// the state, so this is an index range rather than a filter.
		add("claims.priority_rank = ? AND claims.priority = ?", m.Priority.Rank(), string(m.Priority))
	}
	if tag := models.NormalizeTag(m.Tag); tag != "" {
		// Tags are stored normalized, so "Election" finds "election".
		add("claims.tags @> ARRAY[?]::text[]", tag)
	}
	if m.Query != "" {
		add("claims.search @@ websearch_to_tsquery('english', ?)", m.Query)
	}
	if m.IDs != nil {
		add("claims.id IN ?", m.IDs)
	}
	if len(conds) == 0 {
		return "TRUE", nil
	}
	return strings.Join(conds, " AND "), args
}

// closedStates is models.Closed as an SQL list. Queries write it as a
// literal, not a parameter, so the planner can match partial indexes on
// open claims (claims_due_idx).
var closedStates = sqlList(models.Closed)

// sqlList renders enumeration values as a parenthesized SQL list of
// literals. The values are the program's own constants, never input.
func sqlList[T ~string](values []T) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + strings.ReplaceAll(string(v), "'", "''") + "'"
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && len(raw) > 1 && raw[0] == 'c' {
		if id, err := strconv.ParseInt(string(raw[1:]), 10, 64); err == nil {
			return id, nil
		}
	}
	return 0, &models.Error{Code: models.EInvalid, Message: "cursor is not valid", Fields: []models.FieldError{{Field: "cursor", Message: "use next_cursor from the previous page"}}}
}

// History lists a claim's history in order.
func (q queries) History(ctx context.Context, claimID int64) ([]models.HistoryEntry, error) {
	var hs []models.HistoryEntry
	if err := q.db.WithContext(ctx).Where("claim_id = ?", claimID).Order("seq").Find(&hs).Error; err != nil {
		return nil, fmt.Errorf("store: history of %d: %w", claimID, err)
	}
	return hs, nil
}

// LatestHistoryID is the id of the newest history entry of the whole desk,
// 0 when there is none. An open board keeps it as the stamp of what it
// shows (see live.DeskStamp).
func (q queries) LatestHistoryID(ctx context.Context) (int64, error) {
	var id int64
	if err := q.db.WithContext(ctx).Raw(`SELECT coalesce(max(id), 0) FROM claim_history`).Scan(&id).Error; err != nil {
		return 0, fmt.Errorf("store: latest history id: %w", err)
	}
	return id, nil
}

// Comments lists a claim's comments, oldest first.
func (q queries) Comments(ctx context.Context, claimID int64) ([]models.Comment, error) {
	var cs []models.Comment
	if err := q.db.WithContext(ctx).Where("claim_id = ?", claimID).Order("id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("store: comments of %d: %w", claimID, err)
	}
	return cs, nil
}

// LastTransition returns the newest transition entry of a claim, or nil.
// Four eyes reads it: the editor who confirms must not be its actor.
func (q queries) LastTransition(ctx context.Context, claimID int64) (*models.HistoryEntry, error) {
	var hs []models.HistoryEntry
	err := q.db.WithContext(ctx).Where("claim_id = ? AND kind = ?", claimID, models.HistoryTransitioned).
		Order("seq DESC").Limit(1).Find(&hs).Error
	if err != nil {
		return nil, fmt.Errorf("store: last transition of %d: %w", claimID, err)
	}
	if len(hs) == 0 {
		return nil, nil
	}
	return &hs[0], nil
}

// RuleFacts loads in one round trip what the workflow rules read about a
// claim: its evidence per stance (retracted items do not count), and who
// proposed the standing verdict (the actor of the newest transition when
// that was a verify or dispute).
func (q queries) RuleFacts(ctx context.Context, claimID int64) (map[models.Stance]int, *int64, error) {
	var row struct {
		Supports, Refutes, Context int
		Proposer                   *int64
	}
	err := q.db.WithContext(ctx).Raw(`
		SELECT count(*) FILTER (WHERE e.stance = 'supports') AS supports,
		       count(*) FILTER (WHERE e.stance = 'refutes') AS refutes,
		       count(*) FILTER (WHERE e.stance = 'context') AS context,
		       (SELECT CASE WHEN h.action IN ('verify', 'dispute') THEN h.actor_id END
		          FROM claim_history h WHERE h.claim_id = ? AND h.kind = 'transitioned'
		         ORDER BY h.seq DESC LIMIT 1) AS proposer
		FROM evidence e WHERE e.claim_id = ? AND e.retracted_at IS NULL`, claimID, claimID).Scan(&row).Error
	if err != nil {
		return nil, nil, fmt.Errorf("store: rule facts of %d: %w", claimID, err)
	}
	counts := map[models.Stance]int{}
	for stance, n := range map[models.Stance]int{models.StanceSupports: row.Supports, models.StanceRefutes: row.Refutes, models.StanceContext: row.Context} {
		if n > 0 {
			counts[stance] = n
		}
	}
	return counts, row.Proposer, nil
}

// LockClaim loads a claim and its assignees and holds the claim's row lock
// until the transaction ends. Every change to a claim takes this lock first,
// which serialises writers and the numbering of history entries.
func (tx *Tx) LockClaim(ctx context.Context, id int64) (*models.Claim, error) {
	c, _, err := tx.lockClaim(ctx, id, false)
	return c, err
}

// RuleFactsRow is what the workflow rules read about a claim besides the
// claim itself (see RuleFacts).
type RuleFactsRow struct {
	Evidence map[models.Stance]int
	Proposer *int64
}

// LockClaimFacts is LockClaim that also loads the claim's rule facts
// (RuleFacts) in the same statement, under the lock.
func (tx *Tx) LockClaimFacts(ctx context.Context, id int64) (*models.Claim, RuleFactsRow, error) {
	return tx.lockClaim(ctx, id, true)
}

// lockClaimSQL locks a claim and reads, in the same round trip, its
// assignees, its followers (for the notification hook), the seq and hash
// of its newest history entry (the link the next entry's hash chains onto)
// and, in lockClaimFactsSQL, the rule facts and the newest proposal's actor
// (whom the notification hook tells of a send-back, confirm, reopen or
// reject). LockClaim has a statement of its own without the facts: the
// executor sets up every node of a plan on each execution, even a join
// whose condition is false, and that setup was much of the lock's cost.
const (
	lockClaimColumns = `
	SELECT c.id, c.text, c.claimant, c.source_url, c.state, coalesce(c.verdict, ''), c.summary, c.priority,
	       c.priority_rank, c.due_at, c.language, c.tags, c.version, c.duplicate_of, c.article_id,
	       c.article_start, c.article_end, c.last_seq, c.created_by, c.created_at, c.updated_at,
	       (SELECT coalesce(json_agg(json_build_object('user_id', a.user_id, 'role', a.role,
	                 'assigned_by', a.assigned_by, 'assigned_at', a.created_at) ORDER BY a.created_at, a.user_id), '[]')
	          FROM claim_assignments a WHERE a.claim_id = c.id),
	       (SELECT coalesce(array_agg(w.user_id ORDER BY w.user_id), '{}') FROM claim_follows w WHERE w.claim_id = c.id),
	       h.seq, h.hash,`
	lockClaimHead = `
	FROM claims c
	LEFT JOIN LATERAL (SELECT seq, hash FROM claim_history WHERE claim_id = c.id ORDER BY seq DESC LIMIT 1) h ON true`
	lockClaimSQL = lockClaimColumns + `
	       NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint` + lockClaimHead + `
	WHERE c.id = $1
	FOR UPDATE OF c`
	lockClaimFactsSQL = lockClaimColumns + `
	       f.supports, f.refutes, f.context, f.proposer, f.last_proposer` + lockClaimHead + `
	LEFT JOIN LATERAL (
		SELECT count(*) FILTER (WHERE e.stance = 'supports') AS supports,
		       count(*) FILTER (WHERE e.stance = 'refutes') AS refutes,
		       count(*) FILTER (WHERE e.stance = 'context') AS context,
		       (SELECT CASE WHEN t.action IN ('verify', 'dispute') THEN t.actor_id END
		          FROM claim_history t WHERE t.claim_id = c.id AND t.kind = 'transitioned'
		         ORDER BY t.seq DESC LIMIT 1) AS proposer,
		       (SELECT p.actor_id FROM claim_history p
		         WHERE p.claim_id = c.id AND p.kind = 'transitioned' AND p.action IN ('verify', 'dispute') AND p.actor_id IS NOT NULL
		         ORDER BY p.seq DESC LIMIT 1) AS last_proposer
		FROM evidence e WHERE e.claim_id = c.id AND e.retracted_at IS NULL) f ON true
	WHERE c.id = $1
	FOR UPDATE OF c`
)

func (tx *Tx) lockClaim(ctx context.Context, id int64, withFacts bool) (*models.Claim, RuleFactsRow, error) {
	var c models.Claim
	var facts RuleFactsRow
	var assignees []byte
	var followers models.Int64Array
	var headSeq *int
	var headHash []byte
	var supports, refutes, contextN *int
	var lastProposer *int64
	query := lockClaimSQL
	if withFacts {
		query = lockClaimFactsSQL
	}
	err := tx.conn(ctx).QueryRowContext(ctx, query, id).Scan(
		&c.ID, &c.Text, &c.Claimant, &c.SourceURL, &c.State, &c.Verdict, &c.Summary, &c.Priority,
		&c.PriorityRank, &c.DueAt, &c.Language, &c.Tags, &c.Version, &c.DuplicateOf, &c.ArticleID,
		&c.ArticleStart, &c.ArticleEnd, &c.LastSeq, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt,
		&assignees, &followers, &headSeq, &headHash, &supports, &refutes, &contextN, &facts.Proposer, &lastProposer)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, facts, models.Errorf(models.ENotFound, "claim %v not found", id)
	}
	if err != nil {
		return nil, facts, fmt.Errorf("store: lock claim %d: %w", id, err)
	}
	if err := json.Unmarshal(assignees, &c.Assignees); err != nil {
		return nil, facts, fmt.Errorf("store: assignees of %d: %w", id, err)
	}
	for i := range c.Assignees {
		c.Assignees[i].ClaimID = id
		c.Assignees[i].CreatedAt = c.Assignees[i].CreatedAt.Local()
	}
	if c.Tags == nil {
		c.Tags = models.Tags{}
	}
	if headSeq != nil {
		tx.rememberHead(id, *headSeq, headHash)
	}
	if tx.followers == nil {
		tx.followers = map[int64][]int64{}
	}
	tx.followers[id] = followers
	if withFacts {
		if tx.proposers == nil {
			tx.proposers = map[int64]proposal{}
		}
		tx.proposers[id] = proposal{before: c.LastSeq + 1, actor: lastProposer}
		facts.Evidence = map[models.Stance]int{}
		for stance, n := range map[models.Stance]*int{models.StanceSupports: supports, models.StanceRefutes: refutes, models.StanceContext: contextN} {
			if n != nil && *n > 0 {
				facts.Evidence[stance] = *n
			}
		}
	}
	return &c, facts, nil
}

// NextInQueue locks the most urgent, then oldest, new claim without a
// checker. SKIP LOCKED lets concurrent callers each take a different claim
// instead of queueing on the same row. It returns nil when the queue is
// empty.
func (tx *Tx) NextInQueue(ctx context.Context) (*models.Claim, error) {
	var ids []int64
	err := tx.db.WithContext(ctx).Raw(`
		SELECT id FROM claims c
		WHERE state = 'new'
		  AND NOT EXISTS (SELECT 1 FROM claim_assignments a WHERE a.claim_id = c.id AND a.role = 'checker')
		ORDER BY priority_rank DESC, created_at, id
		LIMIT 1
		FOR UPDATE SKIP LOCKED`).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: next in queue: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return tx.LockClaim(ctx, ids[0])
}

// LeastLoadedChecker picks the active checker with the fewest open claims,
// the longest-serving first on a tie so the choice is stable.
func (tx *Tx) LeastLoadedChecker(ctx context.Context) (*models.User, error) {
	var us []models.User
	err := tx.db.WithContext(ctx).Raw(`
		SELECT u.* FROM users u
		LEFT JOIN claim_assignments a ON a.user_id = u.id AND a.role = 'checker'
		LEFT JOIN claims c ON c.id = a.claim_id AND c.state NOT IN ` + closedStates + `
		WHERE u.active AND u.role = 'checker'
		GROUP BY u.id
		ORDER BY count(c.id), u.id
		LIMIT 1`).Scan(&us).Error
	if err != nil {
		return nil, fmt.Errorf("store: least loaded checker: %w", err)
	}
	if len(us) == 0 {
		return nil, models.Errorf(models.EConflict, "there is no active checker to assign")
	}
	return &us[0], nil
}

// CreateClaim inserts a claim.
func (tx *Tx) CreateClaim(ctx context.Context, c *models.Claim) error {
	if c.Tags == nil {
		c.Tags = models.Tags{}
	}
	if c.ArticleID != nil && c.ArticleSentenceStart == nil && c.ArticleSentenceEnd == nil {
		// Filed as its whole sentence: the claim's span is the sentence.
		c.ArticleSentenceStart, c.ArticleSentenceEnd = c.ArticleStart, c.ArticleEnd
	}
	if err := tx.db.WithContext(ctx).Omit(clause.Associations).Create(c).Error; err != nil {
		if isUniqueViolation(err) && c.ArticleID != nil {
			return models.Errorf(models.EConflict, "this sentence of article %d is already a claim", *c.ArticleID)
		}
		return fmt.Errorf("store: create claim: %w", err)
	}
	return nil
}

// SaveClaim writes c's fields, bumping its version, together with e, the
// history entry that records the change, in one statement: the UPDATE of
// the claim and the INSERT of its numbered entry. The claim must be locked
// by this transaction.
func (tx *Tx) SaveClaim(ctx context.Context, c *models.Claim, e *models.HistoryEntry) error {
	_, err := tx.SaveClaimWithEvents(ctx, c, e, nil)
	return err
}

// SaveClaimWithEvents is SaveClaim that also stores the change's outbound
// events, each with a pending delivery per active endpoint subscribed to
// its type, in the same statement: one round trip for the whole write.
// events is called once c and e are numbered (version, seq, hash, time as
// stored), so the events can describe the claim as saved; they must be
// events of this entry (its claim, seq and time). It returns the ids of
// the deliveries created, whose jobs the caller queues.
func (tx *Tx) SaveClaimWithEvents(ctx context.Context, c *models.Claim, e *models.HistoryEntry, events func() ([]EventRow, error)) ([]int64, error) {
	c.Version++
	c.UpdatedAt = e.At
	c.PriorityRank = c.Priority.Rank()
	if c.Tags == nil {
		c.Tags = models.Tags{}
	}
	e.ClaimID, e.Seq = c.ID, c.LastSeq+1
	if err := tx.hashEntry(ctx, e); err != nil {
		return nil, err
	}
	c.UpdatedAt = e.At // as stored: hashEntry truncates e.At
	// Plain slices, which pgx sends as binary arrays: the payloads are
	// long JSON documents that a text[] literal would quote and escape.
	var ids, types, payloads []string
	if events != nil {
		rows, err := events()
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.ClaimID != c.ID || r.Seq != e.Seq || !r.At.Equal(e.At) {
				return nil, fmt.Errorf("store: save claim %d: event %s is not of entry %d", c.ID, r.Type, e.Seq)
			}
			ids, types, payloads = append(ids, r.ID), append(types, r.Type), append(payloads, r.Payload)
		}
	}
	var deliveries models.Int64Array
	err := tx.conn(ctx).QueryRowContext(ctx, saveClaimSQL,
		c.ID, c.Text, c.Claimant, c.SourceURL, c.State, c.Verdict, c.Summary,
		c.Priority, c.PriorityRank, c.DueAt, c.Language, c.Tags, c.Version,
		c.DuplicateOf, e.Seq, e.At,
		e.Kind, e.Action, e.FromState, e.ToState, e.ActorID, e.Comment, e.Verdict, jsonbArg(e.Details), e.Hash,
		ids, types, payloads).Scan(&e.ID, &deliveries)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: save claim %d: the claim row is gone", c.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: save claim %d: %w", c.ID, err)
	}
	c.LastSeq = e.Seq
	tx.rememberHead(c.ID, e.Seq, e.Hash)
	return deliveries, nil
}

// saveClaimSQL updates the claim, inserts its entry, and inserts the
// change's events ($26-$28, possibly none) with their deliveries, as
// InsertEventFanOut does for one event.
const saveClaimSQL = `WITH saved AS (
		UPDATE claims SET text = $2, claimant = $3, source_url = $4, state = $5, verdict = $6, summary = $7,
		       priority = $8, priority_rank = $9, due_at = $10, language = $11, tags = $12, version = $13,
		       duplicate_of = $14, last_seq = $15, updated_at = $16
		WHERE id = $1 RETURNING id
	), entry AS (
		INSERT INTO claim_history (claim_id, seq, kind, action, from_state, to_state, actor_id, comment, verdict, details, at, hash, log_index)
		SELECT saved.id, $15, $17, $18, $19, $20, $21, $22, $23, $24, $16, $25, NULL FROM saved
		RETURNING id
	), ev AS (
		INSERT INTO events (id, type, claim_id, seq, payload, created_at)
		SELECT n.id, n.type, saved.id, $15, n.payload, $16
		FROM saved, unnest($26::text[], $27::text[], $28::text[]) WITH ORDINALITY AS n(id, type, payload, i)
		ORDER BY n.i
		RETURNING id, type
	), delivered AS (
		INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, created_at, updated_at)
		SELECT w.id, ev.id, 'pending', 1, $16, $16 FROM ev JOIN webhook_endpoints w ON w.active AND w.events && ARRAY[ev.type, '*']::text[]
		RETURNING id
	)
	SELECT entry.id, ARRAY(SELECT id FROM delivered ORDER BY id) FROM entry`

// jsonbArg passes a JSON document, NULL when empty, as a jsonb parameter.
func jsonbArg(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return string(raw)
}

// AppendHistory numbers e as the claim's next entry and inserts it. The
// claim must be locked by this transaction.
func (tx *Tx) AppendHistory(ctx context.Context, c *models.Claim, e *models.HistoryEntry) error {
	e.ClaimID = c.ID
	e.Seq = c.LastSeq + 1
	if err := tx.hashEntry(ctx, e); err != nil {
		return err
	}
	// Numbering and inserting in one statement saves a round trip on
	// every change; the claim's row lock keeps the number ours.
	err := tx.db.WithContext(ctx).Raw(`WITH numbered AS (
			UPDATE claims SET last_seq = ? WHERE id = ? RETURNING id
		)
		INSERT INTO claim_history (claim_id, seq, kind, action, from_state, to_state, actor_id, comment, verdict, details, at, hash, log_index)
		SELECT numbered.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM numbered
		RETURNING id`,
		e.Seq, c.ID, e.Seq, e.Kind, e.Action, e.FromState, e.ToState, e.ActorID, e.Comment, e.Verdict, e.Details, e.At, e.Hash, e.LogIndex).Scan(&e.ID).Error
	if err != nil {
		return fmt.Errorf("store: append history of %d: %w", c.ID, err)
	}
	if e.ID == 0 {
		return fmt.Errorf("store: append history of %d: the claim row is gone", c.ID)
	}
	c.LastSeq = e.Seq
	tx.rememberHead(c.ID, e.Seq, e.Hash)
	return nil
}

// AddAssignment inserts an assignment; assigning a user twice is a conflict.
func (tx *Tx) AddAssignment(ctx context.Context, a *models.Assignment) error {
	err := tx.db.WithContext(ctx).Create(a).Error
	if isUniqueViolation(err) {
		return models.Errorf(models.EConflict, "user %d is already assigned to claim %d", a.UserID, a.ClaimID)
	}
	if err != nil {
		return fmt.Errorf("store: assign: %w", err)
	}
	return nil
}

// RemoveAssignment deletes an assignment.
func (tx *Tx) RemoveAssignment(ctx context.Context, claimID, userID int64) error {
	res := tx.db.WithContext(ctx).Where("claim_id = ? AND user_id = ?", claimID, userID).Delete(&models.Assignment{})
	if res.Error != nil {
		return fmt.Errorf("store: unassign: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.ENotFound, "user %d is not assigned to claim %d", userID, claimID)
	}
	return nil
}

// AddEvidence inserts an evidence item.
func (tx *Tx) AddEvidence(ctx context.Context, e *models.Evidence) error {
	if err := tx.db.WithContext(ctx).Create(e).Error; err != nil {
		return fmt.Errorf("store: add evidence: %w", err)
	}
	return nil
}

// AddComment inserts a comment.
func (tx *Tx) AddComment(ctx context.Context, c *models.Comment) error {
	if err := tx.db.WithContext(ctx).Create(c).Error; err != nil {
		return fmt.Errorf("store: add comment: %w", err)
	}
	return nil
}
