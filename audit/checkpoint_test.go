package audit

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func testKey(t *testing.T, name string) *Key {
	t.Helper()
	seed := sha256.Sum256([]byte("seed of " + name))
	k, err := NewKey(name, seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestCheckpointSignsAndVerifies(t *testing.T) {
	t.Parallel()
	k := testKey(t, "desk.example/audit")
	cp := Checkpoint{Origin: "desk.example/audit", Size: 12, Root: Root(hashes(12))}
	note, err := k.Sign(cp)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(note), "\n")
	if len(lines) != 6 || lines[0] != "desk.example/audit" || lines[1] != "12" || lines[3] != "" || !strings.HasPrefix(lines[4], "— desk.example/audit ") || lines[5] != "" {
		t.Fatalf("note has the wrong shape:\n%s", note)
	}
	v, err := ParseVerifier(k.Public().String())
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Verify(note)
	if err != nil || got != cp {
		t.Fatalf("Verify = %+v, %v; want %+v", got, err, cp)
	}

	// A changed size, root or origin, a signature by another key, or a
	// note with its signature cut off must not verify.
	for name, n := range map[string][]byte{
		"size":     bytes.Replace(note, []byte("\n12\n"), []byte("\n13\n"), 1),
		"root":     bytes.Replace(note, []byte(lines[2]), []byte(strings.ToLower(lines[2])), 1),
		"unsigned": []byte(strings.Join(lines[:3], "\n") + "\n"),
	} {
		if _, err := v.Verify(n); err == nil {
			t.Errorf("Verify accepted a note with a changed %s", name)
		}
	}
	other2, _ := NewKey("desk.example/audit", bytes.Repeat([]byte{9}, 32))
	forged, _ := other2.Sign(cp)
	if _, err := v.Verify(forged); !errors.Is(err, ErrSignature) {
		t.Errorf("Verify(note by another key) = %v, want ErrSignature", err)
	}
	if _, err := k.Sign(Checkpoint{Origin: "elsewhere/audit"}); err == nil {
		t.Error("a key signed another origin's checkpoint")
	}
	// A second signature line (a witness) is ignored, not refused.
	cosigned := append(append([]byte(nil), note...), forged[bytes.LastIndex(forged, []byte("— ")):]...)
	if _, err := v.Verify(cosigned); err != nil {
		t.Errorf("Verify(note with a second signature) = %v", err)
	}
}

func TestVerifierKeyText(t *testing.T) {
	t.Parallel()
	k := testKey(t, "desk.example/audit")
	s := k.Public().String()
	if !strings.HasPrefix(s, "desk.example/audit+") {
		t.Errorf("verifier key %q does not start with its name", s)
	}
	for _, bad := range []string{"", "desk.example/audit", s[:len(s)-4] + "AAAA", strings.Replace(s, "+", "+0", 1), "a b+00000000+AQ=="} {
		if _, err := ParseVerifier(bad); err == nil {
			t.Errorf("ParseVerifier(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "has space", "has+plus"} {
		if _, err := NewKey(bad, make([]byte, 32)); err == nil {
			t.Errorf("NewKey(%q) accepted", bad)
		}
	}
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "keys", "checkpoint.key")
	// Processes starting together end up with one key.
	keys := make([]*Key, 4)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if keys[i], err = LoadOrCreateKey(path, "desk.example/audit"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for _, k := range keys[1:] {
		if k.Public().String() != keys[0].Public().String() {
			t.Fatal("processes starting together made different keys")
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", info.Mode().Perm())
	}
	again, err := LoadOrCreateKey(path, "desk.example/audit")
	if err != nil || again.Public().String() != keys[0].Public().String() {
		t.Fatalf("reloading the key: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("key directory holds %d files, want only the key", len(entries))
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(path, "desk.example/audit"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key file: err = %v, want a refusal", err)
	}
}

// TestNoteFormatMatchesSumdbNote pins the bytes that
// golang.org/x/mod/sumdb/note v0.41.0 produced for the same key, text and
// signer (Ed25519 signatures are deterministic), so checkpoints stay
// checkable with that package and with the C2SP tlog tools.
func TestNoteFormatMatchesSumdbNote(t *testing.T) {
	t.Parallel()
	k := testKey(t, "desk.example/audit")
	if got, want := k.Public().String(), "desk.example/audit+5382afec+AZA3/biHB4LW2xmw9ye1kw8sFa8zu793q73SSSN4Ji3O"; got != want {
		t.Errorf("verifier key = %s, want %s", got, want)
	}
	note, err := k.Sign(Checkpoint{Origin: "desk.example/audit", Size: 12, Root: sha256.Sum256([]byte("root"))})
	if err != nil {
		t.Fatal(err)
	}
	want := "desk.example/audit\n12\nSBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n\n" +
		"— desk.example/audit U4Kv7Ek5B/BlsbEZiPtdWvbCWClYfcBCn8kKGxk5nF6v1jPvGL2rvFdLOz6ZF2rn8vm3o7sMnpIpQOMJoMC54rcR4Ao=\n"
	if string(note) != want {
		t.Errorf("note =\n%q\nwant (sumdb/note)\n%q", note, want)
	}
}
