package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/factdesk/factdesk/audit/chain"
)

// A checkpoint states the size and root of the desk's log, signed. Its text
// is a signed note in the format of golang.org/x/mod/sumdb/note and of the
// C2SP tlog-checkpoint specification, so existing tools can check it:
//
//	<origin>\n
//	<size in decimal>\n
//	<root, standard base64>\n
//	\n
//	— <key name> <base64 of 4-byte key id || 64-byte Ed25519 signature>\n
//
// The signature covers the three body lines, each with its newline. The
// key id is the first four bytes (big-endian) of SHA-256 over the key
// name, a newline, the algorithm byte 0x01 and the 32-byte public key.

// Checkpoint is the signed statement: the log of this origin had Size
// entries with this Root.
type Checkpoint struct {
	Origin string
	Size   int
	Root   chain.Hash
}

// Body is the text the signature covers.
func (c Checkpoint) Body() []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// algEd25519 is the note format's algorithm byte for Ed25519.
const algEd25519 = 0x01

// sigPrefix starts a signature line: an em dash and a space.
const sigPrefix = "\u2014 "

// Key is the desk's checkpoint signing key and the name it signs under.
type Key struct {
	Name    string
	private ed25519.PrivateKey
}

// NewKey wraps an Ed25519 seed; name is the log's origin.
func NewKey(name string, seed []byte) (*Key, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("audit: an Ed25519 seed is %d bytes, not %d", ed25519.SeedSize, len(seed))
	}
	return &Key{Name: name, private: ed25519.NewKeyFromSeed(seed)}, nil
}

// checkName enforces the note format's rule for key names: non-empty, no
// spaces or plus signs, printable.
func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, " +") || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return fmt.Errorf("audit: %q cannot name a checkpoint key: use a host and path such as factcheck.example.org/log", name)
	}
	return nil
}

// Public is the key's verifier.
func (k *Key) Public() Verifier {
	return Verifier{Name: k.Name, Key: k.private.Public().(ed25519.PublicKey)}
}

// Sign returns the checkpoint's signed note.
func (k *Key) Sign(c Checkpoint) ([]byte, error) {
	if c.Origin != k.Name {
		return nil, fmt.Errorf("audit: key %q cannot sign the checkpoint of %q", k.Name, c.Origin)
	}
	body := c.Body()
	sig := ed25519.Sign(k.private, body)
	id := k.Public().ID()
	blob := binary.BigEndian.AppendUint32(nil, id)
	blob = append(blob, sig...)
	var b bytes.Buffer
	b.Write(body)
	b.WriteString("\n")
	b.WriteString(sigPrefix + k.Name + " " + base64.StdEncoding.EncodeToString(blob) + "\n")
	return b.Bytes(), nil
}

// Verifier is a public checkpoint key.
type Verifier struct {
	Name string
	Key  ed25519.PublicKey
}

// ID is the key id that signature lines carry.
func (v Verifier) ID() uint32 {
	h := sha256.New()
	h.Write([]byte(v.Name + "\n"))
	h.Write([]byte{algEd25519})
	h.Write(v.Key)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// String is the key in the note format's verifier-key form,
// name+id+base64(0x01||key), the text served at the key URL.
func (v Verifier) String() string {
	return fmt.Sprintf("%s+%08x+%s", v.Name, v.ID(), base64.StdEncoding.EncodeToString(append([]byte{algEd25519}, v.Key...)))
}

// ParseVerifier reads a key in the form String writes.
func ParseVerifier(s string) (Verifier, error) {
	s = strings.TrimSpace(s)
	name, rest, ok1 := strings.Cut(s, "+")
	idHex, keyB64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 || checkName(name) != nil {
		return Verifier{}, fmt.Errorf("audit: %q is not a checkpoint key (name+id+key)", s)
	}
	raw, err := base64.StdEncoding.DecodeString(keyB64)
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != algEd25519 {
		return Verifier{}, fmt.Errorf("audit: checkpoint key %q is not an Ed25519 key", name)
	}
	v := Verifier{Name: name, Key: ed25519.PublicKey(raw[1:])}
	id, err := strconv.ParseUint(idHex, 16, 32)
	if err != nil || len(idHex) != 8 || uint32(id) != v.ID() {
		return Verifier{}, fmt.Errorf("audit: checkpoint key %q: its id does not match the key", name)
	}
	return v, nil
}

// ErrSignature says no signature line of the note verifies with the key.
var ErrSignature = errors.New("audit: the checkpoint is not signed by this key")

// Verify checks the note's signature with v and parses its checkpoint.
// Signature lines by other keys (witnesses, an older key) are ignored.
func (v Verifier) Verify(note []byte) (Checkpoint, error) {
	text := string(note)
	i := strings.LastIndex(text, "\n\n")
	if i < 0 || !strings.HasSuffix(text, "\n") {
		return Checkpoint{}, fmt.Errorf("audit: not a signed checkpoint: no blank line before the signatures")
	}
	body, sigs := text[:i+1], text[i+2:]
	c, err := ParseBody(body)
	if err != nil {
		return Checkpoint{}, err
	}
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\n"), "\n") {
		rest, ok := strings.CutPrefix(line, sigPrefix)
		if !ok {
			return Checkpoint{}, fmt.Errorf("audit: malformed signature line %q", line)
		}
		name, b64, ok := strings.Cut(rest, " ")
		if !ok || name != v.Name {
			continue
		}
		blob, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(blob) != 4+ed25519.SignatureSize || binary.BigEndian.Uint32(blob) != v.ID() {
			continue
		}
		if ed25519.Verify(v.Key, []byte(body), blob[4:]) {
			if c.Origin != v.Name {
				return Checkpoint{}, fmt.Errorf("audit: checkpoint of %q signed by key %q", c.Origin, v.Name)
			}
			return c, nil
		}
	}
	return Checkpoint{}, ErrSignature
}

// ParseBody reads the three lines of a checkpoint's body. Lines after the
// root (extension lines in C2SP's format) are allowed and ignored.
func ParseBody(body string) (Checkpoint, error) {
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) < 3 {
		return Checkpoint{}, fmt.Errorf("audit: a checkpoint body has an origin, a size and a root")
	}
	size, err := strconv.Atoi(lines[1])
	if err != nil || size < 0 || strconv.Itoa(size) != lines[1] {
		return Checkpoint{}, fmt.Errorf("audit: checkpoint size %q is not a decimal count", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != chain.HashSize {
		return Checkpoint{}, fmt.Errorf("audit: checkpoint root %q is not a base64 SHA-256", lines[2])
	}
	c := Checkpoint{Origin: lines[0], Size: size}
	copy(c.Root[:], raw)
	return c, nil
}

// LoadOrCreateKey reads the signing key's seed from path, or creates the
// file with a fresh seed (mode 0600, its directory 0700) when there is
// none. A key file others may read is refused: whoever reads it can sign
// checkpoints in the desk's name. The file holds the seed in base64 on one
// line.
func LoadOrCreateKey(path, name string) (*Key, error) {
	k, err := LoadKey(path, name)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(path, name)
	}
	return k, err
}

// LoadKey reads the signing key's seed from path; a missing file is an
// error that matches fs.ErrNotExist.
func LoadKey(path, name string) (*Key, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("audit: no checkpoint key at %s: %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("audit: read checkpoint key: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint key: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("audit: checkpoint key %s is readable by others (mode %04o): chmod 600 it", path, info.Mode().Perm())
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint key %s is not a base64 Ed25519 seed", path)
	}
	return NewKey(name, seed)
}

func createKey(path, name string) (*Key, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("audit: new checkpoint key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit: checkpoint key directory: %w", err)
	}
	// The seed goes to a private temporary file that is then linked into
	// place: of two processes starting together one links its key and the
	// other, finding the name taken, reads that key rather than its own,
	// and nobody ever reads a half-written file.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".checkpoint-key-*")
	if err != nil {
		return nil, fmt.Errorf("audit: create checkpoint key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(base64.StdEncoding.EncodeToString(seed) + "\n")
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("audit: write checkpoint key: %w", werr)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path, name)
	} else if err != nil {
		return nil, fmt.Errorf("audit: create checkpoint key: %w", err)
	}
	return NewKey(name, seed)
}
