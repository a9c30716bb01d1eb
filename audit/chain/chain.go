// Package chain defines the canonical encoding of a claim history entry and
// the hash that links it to the claim's previous entry. It is pure (no
// database) so that store can seal an entry inside the transaction that
// writes it, and an outsider can recompute a hash from published bytes.
//
// The canonical encoding of an entry is one JSON object, with no
// insignificant whitespace, whose members are, in this order (sorted by
// name):
//
//	action      string ("" when the entry has none)
//	actor_id    integer, or null for the desk itself
//	at          string, RFC 3339 in UTC with up to six fractional digits
//	            and no trailing zeros (Go's RFC3339Nano of a time
//	            truncated to the microsecond PostgreSQL keeps)
//	claim_id    integer
//	comment     string
//	details     the details as canonical JSON (see Canonical), or null
//	from_state  string
//	kind        string
//	prev_hash   lowercase hex SHA-256 of the claim's previous entry, or ""
//	            for its first entry
//	seq         integer
//	to_state    string
//	v           1, the version of this encoding
//	verdict     string
//
// The entry's hash is SHA-256 over those bytes. Because prev_hash is one of
// the members, each hash covers the whole of the claim's history up to it.
package chain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
)

// Version is the canonical encoding's version, written as member "v".
const Version = 1

// HashSize is the size of an entry hash.
const HashSize = sha256.Size

// Hash is an entry hash.
type Hash [HashSize]byte

// String is the lowercase hex form used in the canonical encoding.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash reads a 64-digit hex hash.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != HashSize {
		return h, fmt.Errorf("chain: %q is not a 64-digit hex SHA-256", s)
	}
	copy(h[:], b)
	return h, nil
}

// Precision is the time precision PostgreSQL keeps; an entry's time is
// truncated to it before it is stored and hashed, so both agree.
const Precision = time.Microsecond

// Encode returns the canonical encoding of e linked to prev, the hash of
// the claim's previous entry (nil for its first entry). It fails only on
// details that are not JSON.
func Encode(e *models.HistoryEntry, prev *Hash) ([]byte, error) {
	details, err := Canonical(e.Details)
	if err != nil {
		return nil, fmt.Errorf("chain: details of claim %d entry %d: %w", e.ClaimID, e.Seq, err)
	}
	var b bytes.Buffer
	b.WriteString(`{"action":`)
	writeString(&b, string(e.Action))
	b.WriteString(`,"actor_id":`)
	if e.ActorID == nil {
		b.WriteString("null")
	} else {
		b.WriteString(strconv.FormatInt(*e.ActorID, 10))
	}
	b.WriteString(`,"at":`)
	writeString(&b, e.At.UTC().Truncate(Precision).Format(time.RFC3339Nano))
	b.WriteString(`,"claim_id":`)
	b.WriteString(strconv.FormatInt(e.ClaimID, 10))
	b.WriteString(`,"comment":`)
	writeString(&b, e.Comment)
	b.WriteString(`,"details":`)
	b.Write(details)
	b.WriteString(`,"from_state":`)
	writeString(&b, string(e.FromState))
	b.WriteString(`,"kind":`)
	writeString(&b, string(e.Kind))
	b.WriteString(`,"prev_hash":`)
	if prev == nil {
		writeString(&b, "")
	} else {
		writeString(&b, prev.String())
	}
	b.WriteString(`,"seq":`)
	b.WriteString(strconv.Itoa(e.Seq))
	b.WriteString(`,"to_state":`)
	writeString(&b, string(e.ToState))
	b.WriteString(`,"v":`)
	b.WriteString(strconv.Itoa(Version))
	b.WriteString(`,"verdict":`)
	writeString(&b, string(e.Verdict))
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Sum is the hash of a canonical encoding.
func Sum(canonical []byte) Hash { return sha256.Sum256(canonical) }

// EntryHash encodes e linked to prev and hashes it.
func EntryHash(e *models.HistoryEntry, prev *Hash) (Hash, error) {
	c, err := Encode(e, prev)
	if err != nil {
		return Hash{}, err
	}
	return Sum(c), nil
}

// Canonical rewrites a JSON value deterministically, so that the details
// as the application wrote them and as PostgreSQL's jsonb gives them back
// (keys reordered, whitespace dropped, 1.0e1 kept as 10.0, duplicate keys
// reduced to the last) encode to the same bytes:
//
//   - no insignificant whitespace;
//   - object members sorted by the bytes of their UTF-8 names; of
//     duplicate names the last wins;
//   - strings escape only '"', '\\' and control characters (\b \t \n \f \r,
//     others as \u00xx), everything else is written as UTF-8;
//   - numbers are exact decimals without exponent, sign only when
//     negative, no leading zeros, no trailing fractional zeros ("10.0",
//     "1e1" and "10" all become "10"); a number whose exponent is beyond
//     ±100 is written as d.ddde±x instead;
//   - an empty or absent value, and JSON null, are null.
func Canonical(raw json.RawMessage) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	var b bytes.Buffer
	if err := writeValue(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeValue(b *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		writeString(b, v)
	case json.Number:
		n, err := canonicalNumber(string(v))
		if err != nil {
			return err
		}
		b.WriteString(n)
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeValue(b, x); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			if err := writeValue(b, v[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("unexpected JSON value %T", v)
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xf])
		default:
			// An invalid byte decodes as utf8.RuneError and is written as
			// U+FFFD, so every string has exactly one encoding.
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// maxPlainExponent bounds the numbers written out in full, so a hostile
// 1e100000 cannot make a megabyte of zeros.
const maxPlainExponent = 100

// canonicalNumber writes a JSON number literal exactly, in one form per
// value: the literal is split into its significant digits and a decimal
// exponent, which are then written out without leading or trailing zeros.
func canonicalNumber(lit string) (string, error) {
	s := lit
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil {
			return "", fmt.Errorf("number %q: exponent out of range", lit)
		}
		mant, exp = s[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	exp -= len(frac) // value = digits × 10^exp
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", nil
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	var out strings.Builder
	if neg {
		out.WriteByte('-')
	}
	// point is where the decimal point falls, counted from the left of digits.
	point := len(digits) + exp
	switch {
	case point > maxPlainExponent || point < -maxPlainExponent:
		out.WriteString(digits[:1])
		if len(digits) > 1 {
			out.WriteByte('.')
			out.WriteString(digits[1:])
		}
		out.WriteByte('e')
		if point-1 >= 0 {
			out.WriteByte('+')
		}
		out.WriteString(strconv.Itoa(point - 1))
	case exp >= 0:
		out.WriteString(digits)
		out.WriteString(strings.Repeat("0", exp))
	case point > 0:
		out.WriteString(digits[:point])
		out.WriteByte('.')
		out.WriteString(digits[point:])
	default:
		out.WriteString("0.")
		out.WriteString(strings.Repeat("0", -point))
		out.WriteString(digits)
	}
	return out.String(), nil
}

// Decode reads a canonical encoding back into an entry, for showing what a
// proof proves. It does not check that the bytes are canonical: callers
// compare their hash, which only the exact bytes have.
func Decode(canonical []byte) (*models.HistoryEntry, error) {
	var raw struct {
		Action    string          `json:"action"`
		ActorID   *int64          `json:"actor_id"`
		At        time.Time       `json:"at"`
		ClaimID   int64           `json:"claim_id"`
		Comment   string          `json:"comment"`
		Details   json.RawMessage `json:"details"`
		FromState string          `json:"from_state"`
		Kind      string          `json:"kind"`
		Seq       int             `json:"seq"`
		ToState   string          `json:"to_state"`
		V         int             `json:"v"`
		Verdict   string          `json:"verdict"`
	}
	if err := json.Unmarshal(canonical, &raw); err != nil {
		return nil, fmt.Errorf("chain: not a canonical entry: %w", err)
	}
	if raw.V != Version {
		return nil, fmt.Errorf("chain: entry encoding version %d, this build reads %d", raw.V, Version)
	}
	e := &models.HistoryEntry{ClaimID: raw.ClaimID, Seq: raw.Seq, Kind: models.HistoryKind(raw.Kind), Action: models.Action(raw.Action),
		FromState: models.State(raw.FromState), ToState: models.State(raw.ToState), ActorID: raw.ActorID, Comment: raw.Comment,
		Verdict: models.Verdict(raw.Verdict), At: raw.At}
	if string(raw.Details) != "null" {
		e.Details = raw.Details
	}
	return e, nil
}
