// Package audit makes the claim history tamper-evident: every entry is
// hashed over its canonical form and the claim's previous entry
// (audit/chain), every entry is a leaf of one desk-wide Merkle log, and the
// desk signs checkpoints of that log (its size and root) with an Ed25519
// key kept outside the database. docs/audit.md describes the formats and
// how an outsider checks a published page.
//
// The pure parts (Merkle roots and proofs, checkpoint notes, page proofs)
// need no database; Service reads and writes through store.
package audit

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/factdesk/factdesk/audit/chain"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Config says where the signing key lives and what the log is called.
type Config struct {
	// KeyFile is the path of the Ed25519 seed (FACTDESK_AUDIT_KEY_FILE).
	// It must not be in the database or its backups: whoever can change
	// the history should not also be able to sign for it. It is created,
	// mode 0600, when missing.
	KeyFile string
	// Origin names the log and its key (FACTDESK_AUDIT_ORIGIN), such as
	// factcheck.example.org/audit. It is the first line of every
	// checkpoint.
	Origin string
	// CheckpointInterval is how often the periodic job signs a checkpoint
	// (FACTDESK_AUDIT_CHECKPOINT_INTERVAL); DefaultCheckpointInterval when
	// zero. Publications ask for one at once besides.
	CheckpointInterval time.Duration
}

// DefaultCheckpointInterval is the periodic checkpoint's default period.
const DefaultCheckpointInterval = 10 * time.Minute

// Service seals, checkpoints and verifies the desk's log.
type Service struct {
	store *store.Store
	key   *Key

	// hashes caches the log's entry hashes read so far, for proofs: the
	// log only grows (Verify, which reads the table itself, is what checks
	// that it did), so each proof reads only the entries added since the
	// last one. 32 bytes an entry: 32 MB for a million.
	mu     sync.Mutex
	hashes []chain.Hash
}

// New returns a service signing with key.
func New(st *store.Store, key *Key) *Service { return &Service{store: st, key: key} }

// Open loads (or creates) the key named by cfg and returns the service.
func Open(st *store.Store, cfg Config) (*Service, error) {
	if cfg.KeyFile == "" {
		return nil, models.Errorf(models.EInvalid, "FACTDESK_AUDIT_KEY_FILE is not set: name a file outside the database for the checkpoint key")
	}
	key, err := LoadOrCreateKey(cfg.KeyFile, cfg.Origin)
	if err != nil {
		return nil, err
	}
	return New(st, key), nil
}

// ForVerify returns a service that can verify the log without the signing
// key, as `factdesk audit verify` does on a machine that has no key file:
// it checks hashes and roots, and checkpoint signatures only when key is
// not nil. It cannot sign.
func ForVerify(st *store.Store, key *Key) *Service { return &Service{store: st, key: key} }

// Verifier is the public half of the service's key.
func (s *Service) Verifier() Verifier { return s.key.Public() }

// Seal hashes history rows that have no hash yet (rows from before the log
// existed, or inserted by hand), then appends every hashed entry that is
// not yet in the log (AppendLog). It returns how many entries joined the
// log. Call it on start and before verifying; the checkpoint job does it
// every time.
func (s *Service) Seal(ctx context.Context) (int64, error) {
	if _, err := s.store.HashPending(ctx); err != nil {
		return 0, err
	}
	return s.AppendLog(ctx)
}

// AppendLog gives log indices to the entries committed since the last seal
// step, in id order, under the log's lock, and returns how many joined the
// log. Changes write their entry's hash but no index, so that changes to
// different claims never wait for each other; this step, run after they
// commit, puts them in the desk-wide log. It needs no key.
func (s *Service) AppendLog(ctx context.Context) (int64, error) {
	var n int64
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockLog(ctx); err != nil {
			return err
		}
		var err error
		n, err = tx.AppendLog(ctx)
		return err
	})
	return n, err
}

// hashBatch bounds the hashes read per query.
const hashBatch = 10000

// Checkpoint signs the log as it is now and records the checkpoint. When
// the newest checkpoint already covers the whole log with this key it is
// returned as it is, so a periodic job on an idle desk adds nothing.
// It first appends the entries committed since the last seal step to the
// log (AppendLog), in the same transaction, so a checkpoint covers every
// change committed before it began. Checkpoints are serialised with each
// other and with the seal step, never with history writes.
//
// It reads the entries added since the previous checkpoint (the previous
// one keeps the log's compact form), so its cost follows the desk's
// activity, not the log's length. Schedule it periodically and call it
// after every publication has committed.
func (s *Service) Checkpoint(ctx context.Context) (*store.Checkpoint, error) {
	if s.key == nil {
		return nil, models.Errorf(models.EUnavailable, "the checkpoint key is not loaded: set FACTDESK_AUDIT_KEY_FILE")
	}
	if _, err := s.store.HashPending(ctx); err != nil {
		return nil, err
	}
	keyID := fmt.Sprintf("%08x", s.key.Public().ID())
	var out *store.Checkpoint
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockLog(ctx); err != nil {
			return err
		}
		if _, err := tx.AppendLog(ctx); err != nil {
			return err
		}
		size, _, err := tx.LogHead(ctx)
		if err != nil {
			return err
		}
		latest, err := tx.LatestCheckpoint(ctx)
		if err != nil {
			return err
		}
		var f Frontier
		if latest != nil && latest.Size <= size {
			if latest.Size == size && latest.KeyID == keyID {
				out = latest
				return nil
			}
			if f, err = frontierOf(latest); err != nil {
				return err
			}
		}
		for int64(f.Size()) < size {
			to := min(int64(f.Size())+hashBatch, size)
			hs, err := tx.LogHashes(ctx, int64(f.Size()), to)
			if err != nil {
				return err
			}
			for _, h := range hs {
				f.Append(chain.Hash(h))
			}
		}
		cp := Checkpoint{Origin: s.key.Name, Size: int(size), Root: f.Root()}
		note, err := s.key.Sign(cp)
		if err != nil {
			return err
		}
		out = &store.Checkpoint{Size: size, Root: cp.Root[:], Peaks: f.encodePeaks(), KeyID: keyID, Note: string(note)}
		return tx.AddCheckpoint(ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// frontierOf rebuilds the compact form a checkpoint kept, and checks it
// against the checkpoint's root.
func frontierOf(c *store.Checkpoint) (Frontier, error) {
	f, err := FrontierAt(int(c.Size), c.Peaks)
	if err != nil {
		return f, fmt.Errorf("audit: checkpoint %d: %w", c.ID, err)
	}
	if root := f.Root(); string(root[:]) != string(c.Root) {
		return f, fmt.Errorf("audit: checkpoint %d: its compact form does not give its root; run factdesk audit verify", c.ID)
	}
	return f, nil
}

// LatestCheckpoint returns the bytes to serve at
// /.well-known/factdesk/checkpoint (the newest signed note, signing one
// first when there is none) and at /.well-known/factdesk/checkpoint-key
// (the public key, in the note format's name+id+key form and a newline).
// Both are text/plain; charset=utf-8.
func (s *Service) LatestCheckpoint(ctx context.Context) (checkpoint, key []byte, err error) {
	c, err := s.store.LatestCheckpoint(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c == nil {
		if c, err = s.Checkpoint(ctx); err != nil {
			return nil, nil, err
		}
	}
	return []byte(c.Note), s.PublicKey(), nil
}

// PublicKey is the text served at /.well-known/factdesk/checkpoint-key.
func (s *Service) PublicKey() []byte { return []byte(s.key.Public().String() + "\n") }

// Problem is one thing audit verify found wrong.
type Problem struct {
	ClaimID  int64
	Seq      int
	LogIndex int64
	// Stored and Computed are the entry hashes in hex, when the problem is
	// a hash that does not match.
	Stored, Computed string
	Message          string
}

func (p Problem) String() string {
	if p.ClaimID == 0 {
		return p.Message
	}
	s := fmt.Sprintf("claim %d entry %d (log index %d): %s", p.ClaimID, p.Seq, p.LogIndex, p.Message)
	if p.Stored != "" || p.Computed != "" {
		s += fmt.Sprintf(": stored hash %s, computed %s", orNone(p.Stored), orNone(p.Computed))
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Report is what Verify found.
type Report struct {
	Entries     int64
	Claims      int
	Checkpoints int
	// Unsealed counts rows waiting for their hash, and Unlogged hashed
	// rows waiting for their log index; neither is covered by a checkpoint
	// yet, which is not an error (see Seal).
	Unsealed, Unlogged int64
	// Problems lists what does not match, first in log order first; at
	// most maxProblems are kept.
	Problems []Problem
	// More counts problems beyond those kept.
	More int
	// SignaturesChecked says the checkpoints' signatures were checked,
	// which needs the desk's key.
	SignaturesChecked bool
}

// OK says nothing was found wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

const maxProblems = 50

func (r *Report) add(p Problem) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, p)
	} else {
		r.More++
	}
}

// entryBatch bounds the entries Verify holds at once.
const entryBatch = 1000

// Verify recomputes every entry's hash from its stored content and the
// stored hash of the claim's previous entry, checks that log indices run
// from 0 without a gap, and recomputes the log's root at the size of every
// recorded checkpoint, checking the signatures made with the current key.
// Each entry is checked against its own stored predecessor, so an edited
// row is named itself rather than every row after it; an edit that also
// rewrote the row's hash is named at the next entry of the claim (whose
// link no longer matches) or, for a claim's newest entry, by the
// checkpoints that covered it.
func (s *Service) Verify(ctx context.Context) (*Report, error) {
	r := &Report{}
	var err error
	if r.Unsealed, err = s.store.UnsealedEntries(ctx); err != nil {
		return nil, err
	}
	if r.Unlogged, err = s.store.UnloggedEntries(ctx); err != nil {
		return nil, err
	}
	cps, err := s.store.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	r.Checkpoints = len(cps)
	bySize := map[int64][]store.Checkpoint{}
	for _, c := range cps {
		bySize[c.Size] = append(bySize[c.Size], c)
	}
	r.SignaturesChecked = s.key != nil
	var verifier Verifier
	if s.key != nil {
		verifier = s.key.Public()
	}
	checkAt := func(f *Frontier) {
		root := f.Root()
		for _, c := range bySize[int64(f.Size())] {
			if string(c.Root) != string(root[:]) {
				r.add(Problem{Message: fmt.Sprintf("checkpoint %d of %s covers %d entries with root %x, but the entries give %x: an entry it covered was changed, removed or reordered",
					c.ID, c.CreatedAt.UTC().Format(time.RFC3339), c.Size, c.Root, root[:])})
				continue
			}
			if s.key == nil || c.KeyID != fmt.Sprintf("%08x", verifier.ID()) {
				continue // signed by an earlier key; docs/audit.md says how to check those
			}
			signed, err := verifier.Verify([]byte(c.Note))
			if err != nil || signed.Size != f.Size() || signed.Root != root {
				r.add(Problem{Message: fmt.Sprintf("checkpoint %d: its signed note does not verify with the desk's key or does not state its size and root", c.ID)})
			}
		}
	}
	type tip struct {
		seq  int
		hash chain.Hash
	}
	last := map[int64]tip{}
	var f Frontier
	checkAt(&f)
	for {
		es, err := s.store.LogEntries(ctx, int64(f.Size()), entryBatch)
		if err != nil {
			return nil, err
		}
		for i := range es {
			e := &es[i]
			want := int64(f.Size())
			if *e.LogIndex != want {
				r.add(Problem{ClaimID: e.ClaimID, Seq: e.Seq, LogIndex: *e.LogIndex,
					Message: fmt.Sprintf("the log jumps from index %d to %d: entries are missing", want-1, *e.LogIndex)})
				return r, nil // the tree cannot be rebuilt past a hole
			}
			var prev *chain.Hash
			if t, ok := last[e.ClaimID]; ok {
				if e.Seq <= t.seq {
					r.add(Problem{ClaimID: e.ClaimID, Seq: e.Seq, LogIndex: want, Message: fmt.Sprintf("it comes after entry %d of the claim in the log", t.seq)})
				}
				prev = &t.hash
			}
			computed, err := chain.EntryHash(e, prev)
			if err != nil {
				r.add(Problem{ClaimID: e.ClaimID, Seq: e.Seq, LogIndex: want, Message: err.Error()})
			}
			stored := chain.Hash{}
			if len(e.Hash) == chain.HashSize {
				stored = chain.Hash(e.Hash)
			}
			if err == nil && (len(e.Hash) != chain.HashSize || stored != computed) {
				r.add(Problem{ClaimID: e.ClaimID, Seq: e.Seq, LogIndex: want, Message: "its content does not match its hash",
					Stored: fmt.Sprintf("%x", e.Hash), Computed: computed.String()})
			}
			last[e.ClaimID] = tip{seq: e.Seq, hash: stored}
			f.Append(stored)
			r.Entries++
			checkAt(&f)
		}
		if len(es) < entryBatch {
			break
		}
	}
	r.Claims = len(last)
	size, _, err := s.store.LogHead(ctx)
	if err != nil {
		return nil, err
	}
	if size != r.Entries {
		r.add(Problem{Message: fmt.Sprintf("the log's head says %d entries, but %d were found", size, r.Entries)})
	}
	for sz, list := range bySize {
		if sz > r.Entries {
			for _, c := range list {
				r.add(Problem{Message: fmt.Sprintf("checkpoint %d covers %d entries, but the log holds %d: entries it covered are gone", c.ID, c.Size, r.Entries)})
			}
		}
	}
	return r, nil
}

// PublicEntry says whether an entry may be public: a transition into or
// out of publication (confirm, reopen, reject). ChangeLog narrows it to
// those after the first confirmation. Their comments are the public
// reasons; the desk's other entries (assignments, internal notes, source
// checks) stay private, proven only through the root.
func PublicEntry(e *models.HistoryEntry) bool {
	return e.Kind == models.HistoryTransitioned &&
		(e.ToState == models.StateConfirmed || e.FromState == models.StateConfirmed || e.ToState == models.StateRejected)
}

// Proof lets a reader check a published page's entries against a signed
// checkpoint, with no access to the desk. It is served as JSON at the URL
// the page names in <link rel="factdesk-proof">.
type Proof struct {
	ClaimID int64 `json:"claim_id"`
	// Checkpoint is the signed note that the inclusion proofs lead to.
	Checkpoint string       `json:"checkpoint"`
	Entries    []ProofEntry `json:"entries"`
}

// ProofEntry is one entry, its exact canonical bytes, and the audit path
// from its leaf to the checkpoint's root.
type ProofEntry struct {
	LogIndex int64 `json:"log_index"`
	// Canonical is the entry's canonical encoding, the exact bytes hashed.
	Canonical string `json:"canonical"`
	// Hash is the SHA-256 of Canonical in hex.
	Hash string `json:"hash"`
	// Inclusion lists the sibling hashes (hex) from the leaf to the root.
	Inclusion []string `json:"inclusion"`
}

// PageProof builds the proof of a claim's public entries (those include
// accepts; nil means the entries of its ChangeLog) against the newest checkpoint, signing a
// new one when the newest does not cover them yet.
//
// Inclusion paths need every entry hash of the log, 32 bytes each (3 MB
// for 100 000 entries), so a proof is worth caching per checkpoint.
func (s *Service) PageProof(ctx context.Context, claimID int64, include func(*models.HistoryEntry) bool) (*Proof, error) {
	if include == nil {
		hist, err := s.store.History(ctx, claimID)
		if err != nil {
			return nil, err
		}
		include = inChangeLog(hist)
	}
	cp, err := s.store.LatestCheckpoint(ctx)
	if err != nil {
		return nil, err
	}
	if cp == nil || !covers(ctx, s.store, claimID, cp.Size, include) {
		if cp, err = s.Checkpoint(ctx); err != nil {
			return nil, err
		}
	}
	es, err := s.store.ClaimLog(ctx, claimID, cp.Size)
	if err != nil {
		return nil, err
	}
	var hashes []chain.Hash
	p := &Proof{ClaimID: claimID, Checkpoint: cp.Note, Entries: []ProofEntry{}}
	prev := (*chain.Hash)(nil)
	for i := range es {
		e := &es[i]
		stored := chain.Hash(e.Hash)
		if include(e) {
			if hashes == nil {
				if hashes, err = s.allHashes(ctx, cp.Size); err != nil {
					return nil, err
				}
			}
			canonical, err := chain.Encode(e, prev)
			if err != nil {
				return nil, err
			}
			path, err := InclusionProof(hashes, int(*e.LogIndex))
			if err != nil {
				return nil, err
			}
			pe := ProofEntry{LogIndex: *e.LogIndex, Canonical: string(canonical), Hash: stored.String()}
			for _, h := range path {
				pe.Inclusion = append(pe.Inclusion, h.String())
			}
			p.Entries = append(p.Entries, pe)
		}
		prev = &stored
	}
	return p, nil
}

// covers says whether every public entry of the claim is below size.
func covers(ctx context.Context, st *store.Store, claimID, size int64, include func(*models.HistoryEntry) bool) bool {
	es, err := st.History(ctx, claimID)
	if err != nil {
		return false
	}
	for i := range es {
		if include(&es[i]) && (es[i].LogIndex == nil || *es[i].LogIndex >= size) {
			return false
		}
	}
	return true
}

func (s *Service) allHashes(ctx context.Context, size int64) ([]chain.Hash, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for from := int64(len(s.hashes)); from < size; from += hashBatch {
		hs, err := s.store.LogHashes(ctx, from, min(from+hashBatch, size))
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			s.hashes = append(s.hashes, chain.Hash(h))
		}
	}
	// Entries below len never change, so callers may read this prefix
	// while later calls append beyond it.
	return s.hashes[:size:size], nil
}

// VerifiedEntry is an entry of a proof that checked out.
type VerifiedEntry struct {
	LogIndex int64
	Entry    models.HistoryEntry
}

// VerifyProof checks a page proof with the desk's public key: the
// checkpoint's signature, then for each entry that its canonical bytes
// hash to its hash, that it belongs to the proof's claim, and that its
// audit path leads to the checkpoint's root. It needs nothing but the
// proof and the key.
func VerifyProof(p *Proof, v Verifier) (Checkpoint, []VerifiedEntry, error) {
	cp, err := v.Verify([]byte(p.Checkpoint))
	if err != nil {
		return cp, nil, err
	}
	var out []VerifiedEntry
	for _, pe := range p.Entries {
		h, err := chain.ParseHash(pe.Hash)
		if err != nil {
			return cp, nil, err
		}
		if chain.Sum([]byte(pe.Canonical)) != h {
			return cp, nil, fmt.Errorf("audit: entry at log index %d: its canonical bytes do not hash to %s", pe.LogIndex, pe.Hash)
		}
		e, err := chain.Decode([]byte(pe.Canonical))
		if err != nil {
			return cp, nil, fmt.Errorf("audit: entry at log index %d: %w", pe.LogIndex, err)
		}
		if e.ClaimID != p.ClaimID {
			return cp, nil, fmt.Errorf("audit: entry at log index %d belongs to claim %d, not %d", pe.LogIndex, e.ClaimID, p.ClaimID)
		}
		path := make([]chain.Hash, len(pe.Inclusion))
		for i, s := range pe.Inclusion {
			if path[i], err = chain.ParseHash(s); err != nil {
				return cp, nil, err
			}
		}
		if err := VerifyInclusion(h, int(pe.LogIndex), cp.Size, path, cp.Root); err != nil {
			return cp, nil, fmt.Errorf("audit: entry at log index %d: %w", pe.LogIndex, err)
		}
		out = append(out, VerifiedEntry{LogIndex: pe.LogIndex, Entry: *e})
	}
	return cp, out, nil
}

// Statement is what a public page says about the checkpoint covering it.
type Statement struct {
	Checkpoint Checkpoint
	// Covered says the checkpoint includes every line of the page's change
	// log; it is false for the moments between a publication and the
	// checkpoint job that follows it.
	Covered bool
	// Changes is the page's change log (point 8 of issue 10), each line
	// with its log index.
	Changes []Change
}

// PageStatement returns a claim's change log and the newest checkpoint,
// for the page to show "recorded in checkpoint N (root …)" next to its
// proof link. It reads only the claim's history and one checkpoint row, so
// it is cheap enough for every page render.
func (s *Service) PageStatement(ctx context.Context, claimID int64) (*Statement, error) {
	hist, err := s.store.History(ctx, claimID)
	if err != nil {
		return nil, err
	}
	st := &Statement{Changes: ChangeLog(hist)}
	c, err := s.store.LatestCheckpoint(ctx)
	if err != nil || c == nil {
		return st, err
	}
	body, err := ParseBody(c.Note[:strings.Index(c.Note, "\n\n")+1])
	if err != nil {
		return nil, err
	}
	st.Checkpoint, st.Covered = body, true
	for _, ch := range st.Changes {
		if ch.LogIndex == nil || *ch.LogIndex >= c.Size {
			st.Covered = false
		}
	}
	return st, nil
}

// Consistency is a consistency proof as served at
// /.well-known/factdesk/consistency?from=M&to=N.
type Consistency struct {
	From   int64    `json:"from"`
	To     int64    `json:"to"`
	Hashes []string `json:"hashes"`
}

// ConsistencyProof proves that the log of size from is a prefix of the log
// of size to: a reader who saved an older checkpoint checks with it that
// the desk only appended since. Like inclusion proofs it reads the entry
// hashes below to.
func (s *Service) ConsistencyProof(ctx context.Context, from, to int64) (*Consistency, error) {
	size, _, err := s.store.LogHead(ctx)
	if err != nil {
		return nil, err
	}
	if from < 1 || from > to || to > size {
		return nil, models.Invalid("no such log sizes", models.FieldError{Field: "from", Message: fmt.Sprintf("give 1 <= from <= to <= %d, the log's size", size)})
	}
	hashes, err := s.allHashes(ctx, to)
	if err != nil {
		return nil, err
	}
	proof, err := ConsistencyProof(hashes, int(from))
	if err != nil {
		return nil, err
	}
	out := &Consistency{From: from, To: to, Hashes: []string{}}
	for _, h := range proof {
		out.Hashes = append(out.Hashes, h.String())
	}
	return out, nil
}

// Check verifies the proof between two checkpoints, in either order.
func (c *Consistency) Check(a, b Checkpoint) error {
	if a.Size > b.Size {
		a, b = b, a
	}
	if int64(a.Size) != c.From || int64(b.Size) != c.To {
		return fmt.Errorf("audit: the consistency proof is from %d to %d, not %d to %d", c.From, c.To, a.Size, b.Size)
	}
	path := make([]chain.Hash, len(c.Hashes))
	for i, s := range c.Hashes {
		var err error
		if path[i], err = chain.ParseHash(s); err != nil {
			return err
		}
	}
	if err := VerifyConsistency(a.Size, b.Size, a.Root, b.Root, path); err != nil {
		return fmt.Errorf("audit: the log of %d entries is not a prefix of the log of %d: %w", a.Size, b.Size, err)
	}
	return nil
}
