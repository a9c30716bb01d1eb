package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/factdesk/factdesk/audit/chain"
)

func hashes(n int) []chain.Hash {
	out := make([]chain.Hash, n)
	for i := range out {
		out[i] = sha256.Sum256([]byte(fmt.Sprint("entry ", i)))
	}
	return out
}

// naiveRoot is RFC 6962's MTH written as the RFC states it.
func naiveRoot(entries []chain.Hash) chain.Hash {
	switch len(entries) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, entries[0][:]...))
	}
	k := 1
	for k*2 < len(entries) {
		k *= 2
	}
	l, r := naiveRoot(entries[:k]), naiveRoot(entries[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func TestRootMatchesRFC6962(t *testing.T) {
	t.Parallel()
	all := hashes(70)
	for n := 0; n <= len(all); n++ {
		if got, want := Root(all[:n]), naiveRoot(all[:n]); got != want {
			t.Errorf("Root(%d leaves) = %s, want %s", n, got, want)
		}
	}
	// RFC 6962's empty tree and a one-leaf tree, fixed.
	if got := Root(nil).String(); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("Root(empty) = %s", got)
	}
	one := chain.Hash{}
	leaf := sha256.Sum256(append([]byte{0}, one[:]...))
	if got := Root([]chain.Hash{one}); got != leaf {
		t.Errorf("Root(one zero hash) = %s, want %s", got, hex.EncodeToString(leaf[:]))
	}
}

func TestFrontierResumes(t *testing.T) {
	t.Parallel()
	all := hashes(37)
	for n := 0; n <= len(all); n++ {
		var f Frontier
		for _, h := range all[:n] {
			f.Append(h)
		}
		g, err := FrontierAt(f.Size(), f.encodePeaks())
		if err != nil {
			t.Fatalf("FrontierAt(%d): %v", n, err)
		}
		for _, h := range all[n:] {
			g.Append(h)
		}
		if g.Root() != naiveRoot(all) {
			t.Errorf("frontier saved at %d and resumed: wrong root", n)
		}
	}
	if _, err := FrontierAt(3, make([]byte, 32)); err == nil {
		t.Error("FrontierAt(3, one peak) accepted; a log of 3 has two")
	}
}

func TestInclusionProofs(t *testing.T) {
	t.Parallel()
	all := hashes(33)
	for n := 1; n <= len(all); n++ {
		tree := all[:n]
		root := naiveRoot(tree)
		for i := range tree {
			proof, err := InclusionProof(tree, i)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(tree[i], i, n, proof, root); err != nil {
				t.Errorf("VerifyInclusion(leaf %d of %d) = %v", i, n, err)
			}
			// The same proof must fail for another leaf, another index, a
			// tampered sibling, a shortened path and another root.
			if n > 1 {
				if err := VerifyInclusion(tree[(i+1)%n], i, n, proof, root); !errors.Is(err, ErrProof) {
					t.Errorf("leaf %d of %d: another entry's hash verified", i, n)
				}
				if err := VerifyInclusion(tree[i], (i+1)%n, n, proof, root); err == nil {
					t.Errorf("leaf %d of %d: verified at index %d", i, n, (i+1)%n)
				}
				bad := append([]chain.Hash(nil), proof...)
				bad[0][0] ^= 1
				if err := VerifyInclusion(tree[i], i, n, bad, root); err == nil {
					t.Errorf("leaf %d of %d: a tampered path verified", i, n)
				}
				if err := VerifyInclusion(tree[i], i, n, proof[:len(proof)-1], root); err == nil {
					t.Errorf("leaf %d of %d: a short path verified", i, n)
				}
			}
			if err := VerifyInclusion(tree[i], i, n, append(proof, root), root); err == nil {
				t.Errorf("leaf %d of %d: a long path verified", i, n)
			}
		}
	}
	if _, err := InclusionProof(all[:3], 3); err == nil {
		t.Error("InclusionProof(index 3 of 3) accepted")
	}
}

func TestConsistencyProofs(t *testing.T) {
	t.Parallel()
	all := hashes(34)
	for n := 1; n <= len(all); n++ {
		root2 := naiveRoot(all[:n])
		for m := 1; m <= n; m++ {
			root1 := naiveRoot(all[:m])
			proof, err := ConsistencyProof(all[:n], m)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyConsistency(m, n, root1, root2, proof); err != nil {
				t.Errorf("VerifyConsistency(%d, %d) = %v", m, n, err)
			}
			// A rewritten early entry: the old root no longer fits.
			forged := append([]chain.Hash(nil), all[:n]...)
			forged[0][0] ^= 1
			if err := VerifyConsistency(m, n, root1, naiveRoot(forged), proof); err == nil {
				t.Errorf("VerifyConsistency(%d, %d) accepted another second root", m, n)
			}
			if m < n {
				if err := VerifyConsistency(m, n, naiveRoot(forged[:m]), root2, proof); err == nil {
					t.Errorf("VerifyConsistency(%d, %d) accepted another first root", m, n)
				}
				if len(proof) > 0 {
					if err := VerifyConsistency(m, n, root1, root2, proof[:len(proof)-1]); err == nil {
						t.Errorf("VerifyConsistency(%d, %d) accepted a short proof", m, n)
					}
				}
			}
		}
	}
	if _, err := ConsistencyProof(all[:3], 4); err == nil {
		t.Error("ConsistencyProof(4 of 3) accepted")
	}
}
