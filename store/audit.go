package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/factdesk/factdesk/audit/chain"
	"github.com/factdesk/factdesk/models"
)

// The history's hash chain and desk-wide log (docs/audit.md) are made in
// two steps, so that no change waits for a change to another claim.
//
//  1. On insert, inside the change's transaction, an entry gets the hash of
//     its canonical form, which links to the claim's previous entry. The
//     claim's row lock, which every change holds, fixes that entry; nothing
//     desk-wide is locked, so changes to different claims commit in
//     parallel.
//  2. After commit, the seal step (AppendLog, run by the checkpoint job, on
//     start and before audit verify) gives hashed entries that have no log
//     index the next indices, in id order, under the log's advisory lock.
//     Indices are therefore gapless and given once; an entry joins the log,
//     and a checkpoint, at the next seal rather than at its commit.
//
// Per claim, id order is seq order: the next entry of a claim is inserted
// only after the previous one's transaction ended (the row lock), so it
// takes a larger id. The log therefore keeps each claim's entries in order.

// hashEntry gives e the hash of its canonical form, inside the transaction
// that inserts it; e.ClaimID and e.Seq must be set and the claim's row
// locked, which keeps the claim's previous entry fixed. When that entry
// has no hash yet (written before the log existed, or by hand), the
// claim's unhashed entries are hashed first, so e chains onto hashed
// entries only.
func (tx *Tx) hashEntry(ctx context.Context, e *models.HistoryEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC().Truncate(chain.Precision)
	var prev struct {
		Seq  *int
		Hash []byte
	}
	// The lock (or this transaction's last entry) usually saw the previous
	// entry already; its hash is fixed while the row lock is held.
	if head, ok := tx.heads[e.ClaimID]; ok && head.seq == e.Seq-1 {
		prev.Seq, prev.Hash = &head.seq, head.hash
	} else {
		err := tx.db.WithContext(ctx).Raw(`SELECT seq, hash FROM claim_history WHERE claim_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1`,
			e.ClaimID, e.Seq).Scan(&prev).Error
		if err != nil {
			return fmt.Errorf("store: previous entry of claim %d: %w", e.ClaimID, err)
		}
	}
	var prevHash *chain.Hash
	if prev.Seq != nil {
		if prev.Hash == nil {
			h, err := tx.hashClaim(ctx, e.ClaimID)
			if err != nil {
				return err
			}
			prev.Hash = h[:]
		}
		if len(prev.Hash) != chain.HashSize {
			return fmt.Errorf("store: claim %d's entry %d has a malformed hash", e.ClaimID, *prev.Seq)
		}
		h := chain.Hash(prev.Hash)
		prevHash = &h
	}
	h, err := chain.EntryHash(e, prevHash)
	if err != nil {
		return err
	}
	e.Hash, e.LogIndex = h[:], nil
	return nil
}

type hashRow struct{ Hash []byte }

// hashClaim hashes the claim's entries that have no hash, in seq order,
// chaining each onto the one before, and returns the hash of its newest
// entry. The caller holds the claim's row lock.
func (tx *Tx) hashClaim(ctx context.Context, claimID int64) (chain.Hash, error) {
	db := tx.db.WithContext(ctx)
	var rows []models.HistoryEntry
	if err := db.Where("claim_id = ?", claimID).Order("seq").Find(&rows).Error; err != nil {
		return chain.Hash{}, fmt.Errorf("store: hash history of claim %d: %w", claimID, err)
	}
	var prev *chain.Hash
	values := make([]string, 0, len(rows))
	args := make([]any, 0, 2*len(rows))
	for i := range rows {
		e := &rows[i]
		h := chain.Hash{}
		if e.Hash != nil {
			if len(e.Hash) != chain.HashSize {
				return h, fmt.Errorf("store: claim %d's entry %d has a malformed hash", claimID, e.Seq)
			}
			h = chain.Hash(e.Hash)
		} else {
			var err error
			if h, err = chain.EntryHash(e, prev); err != nil {
				return h, err
			}
			values = append(values, "(?::bigint, ?::bytea)")
			args = append(args, e.ID, h[:])
		}
		prev = &h
	}
	if prev == nil {
		return chain.Hash{}, fmt.Errorf("store: claim %d has no history to hash", claimID)
	}
	if len(values) > 0 {
		err := db.Exec(`UPDATE claim_history h SET hash = v.hash
			FROM (VALUES `+strings.Join(values, ", ")+`) AS v (id, hash) WHERE h.id = v.id`, args...).Error
		if err != nil {
			return chain.Hash{}, fmt.Errorf("store: hash history of claim %d: %w", claimID, err)
		}
	}
	return *prev, nil
}

// sealBatch bounds the rows one statement of the seal step reads or
// updates.
const sealBatch = 500

// HashPending hashes history rows that have no hash: every row written
// before the log existed (the first start after the upgrade), or inserted
// without one since (by hand, or by an older binary during a rolling
// upgrade). It locks the claims it hashes, a batch at a time, as a change
// would; it returns how many rows it hashed.
func (s *Store) HashPending(ctx context.Context) (int64, error) {
	// Look before working: audit_head.pending is raised by a trigger on
	// every insert without a hash. It is cleared first, so a row inserted
	// while this runs raises it again rather than being forgotten.
	if _, pending, err := s.LogHead(ctx); err != nil || !pending {
		return 0, err
	}
	if err := s.db.WithContext(ctx).Exec(`UPDATE audit_head SET pending = false WHERE pending`).Error; err != nil {
		return 0, fmt.Errorf("store: log head: %w", err)
	}
	var total int64
	for {
		var claims int
		err := s.WithTx(ctx, func(tx *Tx) error {
			db := tx.db.WithContext(ctx)
			var ids []int64
			err := db.Raw(`SELECT id FROM claims WHERE id IN (
					SELECT DISTINCT claim_id FROM claim_history WHERE log_index IS NULL AND hash IS NULL ORDER BY claim_id LIMIT ?)
				ORDER BY id FOR UPDATE`, sealBatch/10).Scan(&ids).Error
			if err != nil {
				return fmt.Errorf("store: hash history: %w", err)
			}
			claims = len(ids)
			for _, id := range ids {
				var n int64
				if err := db.Model(&models.HistoryEntry{}).Where("claim_id = ? AND hash IS NULL", id).Count(&n).Error; err != nil {
					return fmt.Errorf("store: hash history: %w", err)
				}
				if _, err := tx.hashClaim(ctx, id); err != nil {
					return err
				}
				total += n
			}
			return nil
		})
		if err != nil || claims == 0 {
			return total, err
		}
	}
}

// AppendLog is the seal step: it gives every hashed entry that has no log
// index the next index, in id order, and returns how many joined the log.
// The caller holds the log's lock (LockLog) in tx, and may sign a
// checkpoint in the same transaction.
func (tx *Tx) AppendLog(ctx context.Context) (int64, error) {
	db := tx.db.WithContext(ctx)
	var size int64
	if err := db.Raw(`SELECT size FROM audit_head FOR UPDATE`).Scan(&size).Error; err != nil {
		return 0, fmt.Errorf("store: log head: %w", err)
	}
	var added, afterID int64
	for {
		var ids []int64
		err := db.Raw(`SELECT id FROM claim_history WHERE log_index IS NULL AND hash IS NOT NULL AND id > ? ORDER BY id LIMIT ?`,
			afterID, sealBatch).Scan(&ids).Error
		if err != nil {
			return 0, fmt.Errorf("store: seal history: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		values := make([]string, len(ids))
		args := make([]any, 0, 2*len(ids))
		for i, id := range ids {
			values[i] = "(?::bigint, ?::bigint)"
			args = append(args, id, size+added)
			added++
		}
		err = db.Exec(`UPDATE claim_history h SET log_index = v.idx
			FROM (VALUES `+strings.Join(values, ", ")+`) AS v (id, idx) WHERE h.id = v.id`, args...).Error
		if err != nil {
			return 0, fmt.Errorf("store: seal history: %w", err)
		}
		afterID = ids[len(ids)-1]
	}
	if added > 0 {
		if err := db.Exec(`UPDATE audit_head SET size = ?`, size+added).Error; err != nil {
			return 0, fmt.Errorf("store: log head: %w", err)
		}
	}
	return added, nil
}

// LogHead is the desk-wide log's size (the entries with a log index), and
// whether rows wait for their hash.
func (q queries) LogHead(ctx context.Context) (size int64, pending bool, err error) {
	var head struct {
		Size    int64
		Pending bool
	}
	if err := q.db.WithContext(ctx).Raw(`SELECT size, pending FROM audit_head`).Scan(&head).Error; err != nil {
		return 0, false, fmt.Errorf("store: log head: %w", err)
	}
	return head.Size, head.Pending, nil
}

// UnsealedEntries counts history rows without a hash.
func (q queries) UnsealedEntries(ctx context.Context) (int64, error) {
	var n int64
	if err := q.db.WithContext(ctx).Model(&models.HistoryEntry{}).Where("log_index IS NULL AND hash IS NULL").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count unsealed history: %w", err)
	}
	return n, nil
}

// UnloggedEntries counts hashed history rows that wait for the seal step
// to give them a log index.
func (q queries) UnloggedEntries(ctx context.Context) (int64, error) {
	var n int64
	if err := q.db.WithContext(ctx).Model(&models.HistoryEntry{}).Where("log_index IS NULL AND hash IS NOT NULL").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count unlogged history: %w", err)
	}
	return n, nil
}

// LogEntries returns up to limit sealed entries from log index from on, in
// log order.
func (q queries) LogEntries(ctx context.Context, from int64, limit int) ([]models.HistoryEntry, error) {
	var es []models.HistoryEntry
	err := q.db.WithContext(ctx).Where("log_index >= ?", from).Order("log_index").Limit(limit).Find(&es).Error
	if err != nil {
		return nil, fmt.Errorf("store: log entries from %d: %w", from, err)
	}
	return es, nil
}

// LogHashes returns the entry hashes of log indices [from, to), in order.
// A log of a million entries is 32 MB of hashes; callers read ranges.
func (q queries) LogHashes(ctx context.Context, from, to int64) ([][]byte, error) {
	var rows []hashRow
	err := q.db.WithContext(ctx).Raw(`SELECT hash FROM claim_history WHERE log_index >= ? AND log_index < ? ORDER BY log_index`,
		from, to).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: log hashes [%d, %d): %w", from, to, err)
	}
	if int64(len(rows)) != to-from {
		return nil, fmt.Errorf("store: log hashes [%d, %d): found %d, the log has a gap", from, to, len(rows))
	}
	hs := make([][]byte, len(rows))
	for i, r := range rows {
		hs[i] = r.Hash
	}
	return hs, nil
}

// Checkpoint is one signed statement of the log's size and root.
type Checkpoint struct {
	ID        int64
	Size      int64
	Root      []byte
	Peaks     []byte // the compact range: the roots of the complete subtrees, largest first
	KeyID     string
	Note      string
	CreatedAt time.Time
}

// TableName names the checkpoints' table.
func (Checkpoint) TableName() string { return "audit_checkpoints" }

// LatestCheckpoint returns the newest checkpoint, or nil when there is none.
func (q queries) LatestCheckpoint(ctx context.Context) (*Checkpoint, error) {
	var cs []Checkpoint
	if err := q.db.WithContext(ctx).Order("id DESC").Limit(1).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("store: latest checkpoint: %w", err)
	}
	if len(cs) == 0 {
		return nil, nil
	}
	return &cs[0], nil
}

// Checkpoints lists every checkpoint, oldest first.
func (q queries) Checkpoints(ctx context.Context) ([]Checkpoint, error) {
	var cs []Checkpoint
	if err := q.db.WithContext(ctx).Order("id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("store: checkpoints: %w", err)
	}
	return cs, nil
}

// AddCheckpoint records a signed checkpoint.
func (tx *Tx) AddCheckpoint(ctx context.Context, c *Checkpoint) error {
	if err := tx.db.WithContext(ctx).Create(c).Error; err != nil {
		return fmt.Errorf("store: add checkpoint: %w", err)
	}
	// Every public page names the newest checkpoint.
	return tx.PublicChanged(ctx)
}

// ClaimLog returns a claim's sealed entries below log size, in order.
func (q queries) ClaimLog(ctx context.Context, claimID, size int64) ([]models.HistoryEntry, error) {
	var es []models.HistoryEntry
	err := q.db.WithContext(ctx).Where("claim_id = ? AND log_index < ?", claimID, size).Order("seq").Find(&es).Error
	if err != nil {
		return nil, fmt.Errorf("store: log of claim %d: %w", claimID, err)
	}
	return es, nil
}

// logLock is the advisory lock of the log's seal step and checkpoints: one
// at a time gives log indices, so they are gapless, and checkpoints' sizes
// grow in the order they are recorded.
const logLock = 727_274_012

// LockLog holds the log's lock until the transaction ends. History writers
// never take it.
func (tx *Tx) LockLog(ctx context.Context) error {
	if err := tx.db.WithContext(ctx).Exec(`SELECT pg_advisory_xact_lock(?)`, logLock).Error; err != nil {
		return fmt.Errorf("store: lock the log: %w", err)
	}
	return nil
}
