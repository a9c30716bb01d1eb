package audit

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/bits"

	"github.com/factdesk/factdesk/audit/chain"
)

// The desk's log is a Merkle tree in the manner of RFC 6962 (and RFC 9162
// section 2.1): leaf i is the hash of the history entry with log index i,
// hashed with a 0x00 prefix, and interior nodes hash their children with a
// 0x01 prefix, so a leaf can never pass for a node. The tree of n leaves
// splits at the largest power of two smaller than n.

// LeafHash is the tree's hash of one entry hash.
func LeafHash(entry chain.Hash) chain.Hash {
	b := make([]byte, 0, 1+chain.HashSize)
	b = append(b, 0x00)
	b = append(b, entry[:]...)
	return sha256.Sum256(b)
}

// nodeHash joins two subtrees.
func nodeHash(left, right chain.Hash) chain.Hash {
	b := make([]byte, 0, 1+2*chain.HashSize)
	b = append(b, 0x01)
	b = append(b, left[:]...)
	b = append(b, right[:]...)
	return sha256.Sum256(b)
}

// EmptyRoot is the root of the tree with no leaves: SHA-256 of nothing.
var EmptyRoot = chain.Hash(sha256.Sum256(nil))

// split is the size of the left subtree of a tree of n > 1 leaves: the
// largest power of two smaller than n.
func split(n int) int { return 1 << (bits.Len(uint(n-1)) - 1) }

// Root is the root of the tree whose leaves are the given entry hashes.
// It keeps at most log2(n) pending hashes, so it suits long logs.
func Root(entries []chain.Hash) chain.Hash {
	var f Frontier
	for _, e := range entries {
		f.Append(e)
	}
	return f.Root()
}

// Frontier is the compact form of a growing tree: the roots of its
// complete subtrees, largest first. Appending is O(log n) and the root of
// the tree so far is always at hand.
type Frontier struct {
	size  int
	peaks []chain.Hash
}

// Size is the number of leaves appended.
func (f *Frontier) Size() int { return f.size }

// Append adds the next entry hash as a leaf.
func (f *Frontier) Append(entry chain.Hash) {
	h := LeafHash(entry)
	// Each trailing one bit of the old size is a complete subtree of the
	// same height as the new one: merge them, as binary addition carries.
	for s := f.size; s&1 == 1; s >>= 1 {
		last := len(f.peaks) - 1
		h = nodeHash(f.peaks[last], h)
		f.peaks = f.peaks[:last]
	}
	f.peaks = append(f.peaks, h)
	f.size++
}

// Root is the root of the tree so far.
func (f *Frontier) Root() chain.Hash {
	if f.size == 0 {
		return EmptyRoot
	}
	h := f.peaks[len(f.peaks)-1]
	for i := len(f.peaks) - 2; i >= 0; i-- {
		h = nodeHash(f.peaks[i], h)
	}
	return h
}

// subtreeRoot is the root of the tree over leaves (already leaf-hashed).
func subtreeRoot(leaves []chain.Hash) chain.Hash {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := split(len(leaves))
	return nodeHash(subtreeRoot(leaves[:k]), subtreeRoot(leaves[k:]))
}

// InclusionProof is the audit path of RFC 6962 section 2.1.1 for the leaf
// at index in the tree of the given entry hashes: the sibling hashes from
// the leaf up to the root.
func InclusionProof(entries []chain.Hash, index int) ([]chain.Hash, error) {
	if index < 0 || index >= len(entries) {
		return nil, fmt.Errorf("audit: leaf %d is outside a tree of %d", index, len(entries))
	}
	leaves := make([]chain.Hash, len(entries))
	for i, e := range entries {
		leaves[i] = LeafHash(e)
	}
	return path(leaves, index), nil
}

func path(leaves []chain.Hash, m int) []chain.Hash {
	if len(leaves) == 1 {
		return nil
	}
	k := split(len(leaves))
	if m < k {
		return append(path(leaves[:k], m), subtreeRoot(leaves[k:]))
	}
	return append(path(leaves[k:], m-k), subtreeRoot(leaves[:k]))
}

// ErrProof says an inclusion proof does not lead to the expected root.
var ErrProof = errors.New("audit: inclusion proof does not match the root")

// VerifyInclusion checks that entry is the leaf at index of the tree of
// size leaves with the given root, following RFC 9162 section 2.1.3.2.
func VerifyInclusion(entry chain.Hash, index, size int, proof []chain.Hash, root chain.Hash) error {
	if index < 0 || index >= size {
		return fmt.Errorf("audit: leaf %d is outside a tree of %d", index, size)
	}
	fn, sn := index, size-1
	r := LeafHash(entry)
	for _, p := range proof {
		if sn == 0 {
			return ErrProof // the proof is longer than the path
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(p, r)
			// Climb past the levels where this node has no right sibling.
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 || r != root {
		return ErrProof
	}
	return nil
}

// FrontierAt rebuilds a frontier of size leaves from its peaks as
// encodePeaks wrote them: one 32-byte hash per one bit of size.
func FrontierAt(size int, peaks []byte) (Frontier, error) {
	n := bits.OnesCount(uint(size))
	if size < 0 || len(peaks) != n*chain.HashSize {
		return Frontier{}, fmt.Errorf("a log of %d entries has %d peaks, not %d bytes of them", size, n, len(peaks))
	}
	f := Frontier{size: size, peaks: make([]chain.Hash, n)}
	for i := range f.peaks {
		copy(f.peaks[i][:], peaks[i*chain.HashSize:])
	}
	return f, nil
}

func (f *Frontier) encodePeaks() []byte {
	out := make([]byte, 0, len(f.peaks)*chain.HashSize)
	for _, p := range f.peaks {
		out = append(out, p[:]...)
	}
	return out
}

// ConsistencyProof is the proof of RFC 6962 section 2.1.2 that the tree of
// the first m entries is a prefix of the tree of all the entries: whoever
// saved the checkpoint of size m can check that the desk only appended
// since.
func ConsistencyProof(entries []chain.Hash, m int) ([]chain.Hash, error) {
	if m < 1 || m > len(entries) {
		return nil, fmt.Errorf("audit: no consistency proof from %d to %d entries", m, len(entries))
	}
	leaves := make([]chain.Hash, len(entries))
	for i, e := range entries {
		leaves[i] = LeafHash(e)
	}
	return subproof(m, leaves, true), nil
}

func subproof(m int, leaves []chain.Hash, whole bool) []chain.Hash {
	n := len(leaves)
	if m == n {
		if whole {
			return nil // the verifier has this root already
		}
		return []chain.Hash{subtreeRoot(leaves)}
	}
	k := split(n)
	if m <= k {
		return append(subproof(m, leaves[:k], whole), subtreeRoot(leaves[k:]))
	}
	return append(subproof(m-k, leaves[k:], false), subtreeRoot(leaves[:k]))
}

// VerifyConsistency checks that the tree of size m with root1 is a prefix
// of the tree of size n with root2, following RFC 9162 section 2.1.4.2.
func VerifyConsistency(m, n int, root1, root2 chain.Hash, proof []chain.Hash) error {
	switch {
	case m < 1 || m > n:
		return fmt.Errorf("audit: no consistency between sizes %d and %d", m, n)
	case m == n:
		if len(proof) != 0 || root1 != root2 {
			return ErrProof
		}
		return nil
	}
	if m&(m-1) == 0 { // a complete subtree: its root starts the path
		proof = append([]chain.Hash{root1}, proof...)
	}
	if len(proof) == 0 {
		return ErrProof
	}
	fn, sn := m-1, n-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := proof[0], proof[0]
	for _, c := range proof[1:] {
		if sn == 0 {
			return ErrProof
		}
		if fn&1 == 1 || fn == sn {
			fr, sr = nodeHash(c, fr), nodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = nodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if fr != root1 || sr != root2 || sn != 0 {
		return ErrProof
	}
	return nil
}
