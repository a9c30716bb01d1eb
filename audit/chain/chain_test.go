package chain

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
)

func entry() *models.HistoryEntry {
	actor := int64(4)
	return &models.HistoryEntry{ClaimID: 7, Seq: 3, Kind: models.HistoryTransitioned, Action: models.ActionConfirm,
		FromState: models.StateVerified, ToState: models.StateConfirmed, ActorID: &actor, Comment: "Checked \"twice\"\n",
		Verdict: models.Verdict("true"), Details: json.RawMessage(`{"b": [1, 2.50], "a": "x"}`),
		At: time.Date(2026, 12, 1, 13, 40, 35, 123456789, time.FixedZone("IST", 19800))}
}

func TestEncodeIsExact(t *testing.T) {
	t.Parallel()
	prev := Sum([]byte("previous"))
	got, err := Encode(entry(), &prev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"confirm","actor_id":4,"at":"2026-12-01T08:10:35.123456Z","claim_id":7,"comment":"Checked \"twice\"\n",` +
		`"details":{"a":"x","b":[1,2.5]},"from_state":"verified","kind":"transitioned","prev_hash":"` + prev.String() +
		`","seq":3,"to_state":"confirmed","v":1,"verdict":"true"}`
	if string(got) != want {
		t.Errorf("Encode =\n%s\nwant\n%s", got, want)
	}
	if !json.Valid(got) {
		t.Errorf("Encode is not JSON: %s", got)
	}
	first, _ := Encode(&models.HistoryEntry{ClaimID: 1, Seq: 1, Kind: models.HistoryCreated, At: time.Unix(0, 0)}, nil)
	if want := `{"action":"","actor_id":null,"at":"1970-01-01T00:00:00Z","claim_id":1,"comment":"","details":null,"from_state":"","kind":"created","prev_hash":"","seq":1,"to_state":"","v":1,"verdict":""}`; string(first) != want {
		t.Errorf("Encode(first entry) =\n%s\nwant\n%s", first, want)
	}
}

// The hash must come out the same from the entry as the application wrote
// it and as PostgreSQL gives it back: jsonb reorders keys, adds spaces,
// keeps numbers as numerics and drops duplicate keys; times lose their
// nanoseconds and come back in another zone.
func TestHashSurvivesTheRoundTrip(t *testing.T) {
	t.Parallel()
	written := entry()
	read := entry()
	read.Details = json.RawMessage(`{"a": "x", "b": [1.0, 2.5], "b": [1, 25e-1]}`)
	read.At = written.At.UTC().Truncate(time.Microsecond).In(time.Local)
	a, err := EntryHash(written, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EntryHash(read, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("hash of the written entry %s != hash of the stored one %s", a, b)
	}
}

func TestEveryFieldIsCovered(t *testing.T) {
	t.Parallel()
	prev := Sum([]byte("p"))
	base, _ := EntryHash(entry(), &prev)
	other := Sum([]byte("q"))
	edits := map[string]func(e *models.HistoryEntry) *Hash{
		"claim_id":   func(e *models.HistoryEntry) *Hash { e.ClaimID++; return &prev },
		"seq":        func(e *models.HistoryEntry) *Hash { e.Seq++; return &prev },
		"kind":       func(e *models.HistoryEntry) *Hash { e.Kind = models.HistoryUpdated; return &prev },
		"action":     func(e *models.HistoryEntry) *Hash { e.Action = models.ActionReopen; return &prev },
		"from_state": func(e *models.HistoryEntry) *Hash { e.FromState = models.StateNew; return &prev },
		"to_state":   func(e *models.HistoryEntry) *Hash { e.ToState = models.StateRejected; return &prev },
		"actor_id":   func(e *models.HistoryEntry) *Hash { e.ActorID = nil; return &prev },
		"comment":    func(e *models.HistoryEntry) *Hash { e.Comment += "."; return &prev },
		"verdict":    func(e *models.HistoryEntry) *Hash { e.Verdict = "false"; return &prev },
		"details":    func(e *models.HistoryEntry) *Hash { e.Details = json.RawMessage(`{"a":"y","b":[1,2.5]}`); return &prev },
		"at":         func(e *models.HistoryEntry) *Hash { e.At = e.At.Add(time.Microsecond); return &prev },
		"prev_hash":  func(e *models.HistoryEntry) *Hash { return &other },
		"no prev":    func(e *models.HistoryEntry) *Hash { return nil },
	}
	for name, edit := range edits {
		e := entry()
		p := edit(e)
		h, err := EntryHash(e, p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h == base {
			t.Errorf("changing %s leaves the hash unchanged", name)
		}
	}
}

func TestCanonical(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{``, `null`},
		{`null`, `null`},
		{` {"z":1, "a" : {"d":[true,false,null],"c":"\u00e9\u003c\t\u0001"}} `, `{"a":{"c":"é<\t\u0001","d":[true,false,null]},"z":1}`},
		{`10.0`, `10`},
		{`1e1`, `10`},
		{`-0.0`, `0`},
		{`0.000123`, `0.000123`},
		{`1.23e-4`, `0.000123`},
		{`123456789012345678901234567890`, `123456789012345678901234567890`},
		{`-12.3400`, `-12.34`},
		{`1E+2`, `100`},
		{`1e200`, `1e+200`},
		{`-2.5e-300`, `-2.5e-300`},
		{`"a/b\\\"c"`, `"a/b\\\"c"`},
	} {
		got, err := Canonical(json.RawMessage(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("Canonical(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{`{`, `{"a":1} x`, `[1,]`} {
		if got, err := Canonical(json.RawMessage(bad)); err == nil {
			t.Errorf("Canonical(%s) = %s, want an error", bad, got)
		}
	}
}

func TestDecodeReadsWhatEncodeWrote(t *testing.T) {
	t.Parallel()
	e := entry()
	c, err := Encode(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(c)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Encode(got, nil)
	if string(again) != string(c) {
		t.Errorf("Encode(Decode(x)) =\n%s\nwant\n%s", again, c)
	}
	if _, err := Decode([]byte(strings.Replace(string(c), `"v":1`, `"v":2`, 1))); err == nil {
		t.Error("Decode accepted an unknown encoding version")
	}
}
