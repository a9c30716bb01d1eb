package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/factdesk/factdesk/audit/chain"
	"github.com/factdesk/factdesk/models"
)

// The history's hash chain and desk-wide log (docs/audit.md). Every entry
// is sealed as it is inserted: it gets the next log index and the hash of
// its canonical form, which links to the claim's previous entry.
//
// The log index comes from the one row of audit_head, updated by every
// sealed insert. That row lock is the serialising point of the log: it is
// held from the insert of the history entry to the commit, so indices are
// gapless (a rolled-back change gives its index back) and a reader that
// sees index n also sees every index below it. The cost is that changes to
// different claims commit one after another from the moment they write
// their entry: the tail of a change (its hooks: events, jobs, notify) runs
// under the lock, typically well under a millisecond of lock time per
// change, which a desk's tens of changes a minute never feel. A change must
// take no other row lock after it appends history, or two changes could
// wait for each other (each holding what the other needs).

// seal gives e its log index and hash, inside the transaction that inserts
// it; e.ClaimID and e.Seq must be set and the claim's row locked, which
// keeps the claim's previous entry fixed. Rows waiting to be sealed (see
// SealPending) are sealed first, so e chains onto sealed entries only.
func (tx *Tx) seal(ctx context.Context, e *models.HistoryEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC().Truncate(chain.Precision)
	// One round trip in the usual case: the head's update returns the
	// index and, read in the same statement, the claim's previous hash.
	var head struct {
		Index   int64
		Pending bool
		Prev    []byte
	}
	err := tx.db.WithContext(ctx).Raw(`UPDATE audit_head SET size = size + 1
		RETURNING size - 1 AS index, pending,
		  (SELECT hash FROM claim_history WHERE claim_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1) AS prev`,
		e.ClaimID, e.Seq).Scan(&head).Error
	if err != nil {
		return fmt.Errorf("store: log head: %w", err)
	}
	if head.Pending {
		n, err := tx.sealPending(ctx, head.Index)
		if err != nil {
			return err
		}
		head.Index += n
		var after hashRow
		err = tx.db.WithContext(ctx).Raw(`UPDATE audit_head SET size = ?, pending = false
			RETURNING (SELECT hash FROM claim_history WHERE claim_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1) AS hash`,
			head.Index+1, e.ClaimID, e.Seq).Scan(&after).Error
		if err != nil {
			return fmt.Errorf("store: log head: %w", err)
		}
		head.Prev = after.Hash
	}
	var prevHash *chain.Hash
	if head.Prev != nil {
		if len(head.Prev) != chain.HashSize {
			return fmt.Errorf("store: claim %d's entry before %d is not sealed", e.ClaimID, e.Seq)
		}
		h := chain.Hash(head.Prev)
		prevHash = &h
	}
	h, err := chain.EntryHash(e, prevHash)
	if err != nil {
		return err
	}
	e.Hash, e.LogIndex = h[:], &head.Index
	return nil
}

type hashRow struct{ Hash []byte }

// sealBatch bounds the rows SealPending reads and updates per statement.
const sealBatch = 500

// sealPending seals every row without a hash, in insertion (id) order,
// giving them the log indices from start on, and returns how many it
// sealed. The caller holds audit_head's lock. Rows of a claim are chained
// in that order, which is also their seq order: seq is numbered under the
// claim's lock in the transaction that inserts the row.
func (tx *Tx) sealPending(ctx context.Context, start int64) (int64, error) {
	db := tx.db.WithContext(ctx)
	// The newest sealed hash of each claim with rows to seal, in one read.
	var tips []struct {
		ClaimID int64
		Hash    []byte
	}
	err := db.Raw(`SELECT DISTINCT ON (claim_id) claim_id, hash FROM claim_history
		WHERE hash IS NOT NULL AND claim_id IN (SELECT claim_id FROM claim_history WHERE hash IS NULL)
		ORDER BY claim_id, seq DESC`).Scan(&tips).Error
	if err != nil {
		return 0, fmt.Errorf("store: seal history: %w", err)
	}
	last := make(map[int64]chain.Hash, len(tips))
	for _, t := range tips {
		last[t.ClaimID] = chain.Hash(t.Hash)
	}
	var sealed, afterID int64
	for {
		var rows []models.HistoryEntry
		if err := db.Where("hash IS NULL AND id > ?", afterID).Order("id").Limit(sealBatch).Find(&rows).Error; err != nil {
			return 0, fmt.Errorf("store: seal history: %w", err)
		}
		if len(rows) == 0 {
			return sealed, nil
		}
		values := make([]string, 0, len(rows))
		args := make([]any, 0, 3*len(rows))
		for i := range rows {
			e := &rows[i]
			var prev *chain.Hash
			if h, ok := last[e.ClaimID]; ok {
				prev = &h
			}
			h, err := chain.EntryHash(e, prev)
			if err != nil {
				return 0, err
			}
			last[e.ClaimID] = h
			values = append(values, "(?::bigint, ?::bytea, ?::bigint)")
			args = append(args, e.ID, h[:], start+sealed)
			sealed++
		}
		afterID = rows[len(rows)-1].ID
		err := db.Exec(`UPDATE claim_history h SET hash = v.hash, log_index = v.idx
			FROM (VALUES `+strings.Join(values, ", ")+`) AS v (id, hash, idx) WHERE h.id = v.id`, args...).Error
		if err != nil {
			return 0, fmt.Errorf("store: seal history: %w", err)
		}
	}
}

// SealPending seals history rows that have no hash yet: every row written
// before the log existed (the first start after the upgrade), or inserted
// without one since. Writes do this themselves when they find rows
// pending; calling it on start keeps that cost off the first change. It
// returns how many rows it sealed.
func (s *Store) SealPending(ctx context.Context) (int64, error) {
	// Look before locking: the head's lock would make every caller (each
	// checkpoint) wait for the changes in flight.
	if _, pending, err := s.LogHead(ctx); err != nil || !pending {
		return 0, err
	}
	var n int64
	err := s.WithTx(ctx, func(tx *Tx) error {
		var head struct {
			Size    int64
			Pending bool
		}
		if err := tx.db.WithContext(ctx).Raw(`SELECT size, pending FROM audit_head FOR UPDATE`).Scan(&head).Error; err != nil {
			return fmt.Errorf("store: log head: %w", err)
		}
		if !head.Pending {
			return nil
		}
		var err error
		if n, err = tx.sealPending(ctx, head.Size); err != nil {
			return err
		}
		return tx.db.WithContext(ctx).Exec(`UPDATE audit_head SET size = ?, pending = false`, head.Size+n).Error
	})
	return n, err
}

// LogHead is the desk-wide log's size, and whether rows wait to be sealed.
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
	if err := q.db.WithContext(ctx).Model(&models.HistoryEntry{}).Where("hash IS NULL").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count unsealed history: %w", err)
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
	return nil
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

// checkpointLock is the advisory lock that keeps two checkpoints from
// being made at once, so their sizes grow in the order they are recorded.
const checkpointLock = 727_274_012

// LockCheckpoints holds the checkpoint lock until the transaction ends.
// History writers never take it.
func (tx *Tx) LockCheckpoints(ctx context.Context) error {
	if err := tx.db.WithContext(ctx).Exec(`SELECT pg_advisory_xact_lock(?)`, checkpointLock).Error; err != nil {
		return fmt.Errorf("store: lock checkpoints: %w", err)
	}
	return nil
}
