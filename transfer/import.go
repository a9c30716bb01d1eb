package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Batch limits: rows of one type are inserted together, up to this many
// or this many bytes of JSON, so memory stays bounded whatever the size
// of the archive.
const (
	batchRows  = 500
	batchBytes = 4 << 20
)

// ImportOptions tune an import.
type ImportOptions struct {
	// SealSecret gives an imported webhook endpoint a fresh sealed secret
	// nobody knows (webhooks.Service.SealUnknownSecret).
	SealSecret func(endpointID int64) []byte
	Now        func() time.Time
}

// ImportedWebhookReason is the disabled reason of every imported endpoint.
const ImportedWebhookReason = "imported from another desk: rotate its secret, give the new one to the receiver, then enable it"

// Import loads an archive into an empty database in one transaction: all
// of it or, on any error, nothing. Ids are kept, so every reference and
// every history hash stays as it was; sequences are moved past the
// largest ids. It returns the archive's header and the rows per type.
func Import(ctx context.Context, st *store.Store, r io.Reader, opt ImportOptions) (*Header, map[string]int64, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	var h Header
	if err := dec.Decode(&h); err != nil {
		return nil, nil, models.Errorf(models.EInvalid, "not a desk archive: the first line is not its header (%v)", err)
	}
	if h.Format != Format {
		return nil, nil, models.Errorf(models.EInvalid, "not a desk archive: format %q, want %q", h.Format, Format)
	}
	if h.Version != Version {
		return nil, nil, models.Errorf(models.EInvalid, "archive format version %d; this factdesk reads version %d", h.Version, Version)
	}
	counts := map[string]int64{}
	err := st.WithTx(ctx, func(tx *store.Tx) error {
		schema, err := tx.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		if schema != h.Schema {
			return models.Errorf(models.EConflict, "the archive holds schema version %d and this database is at %d: import with the factdesk release that exported it (or export again with this one)", h.Schema, schema)
		}
		if err := requireEmpty(ctx, tx); err != nil {
			return err
		}
		l := &loader{tx: tx, opt: opt, counts: counts, cur: -1}
		for {
			var rec record
			if err := dec.Decode(&rec); err != nil {
				if errors.Is(err, io.EOF) {
					return models.Errorf(models.EInvalid, "the archive ends without its end record: it is truncated, nothing was imported")
				}
				return models.Errorf(models.EInvalid, "archive record %d: %v", l.n+1, err)
			}
			l.n++
			if rec.Type == "end" {
				if err := l.finish(ctx); err != nil {
					return err
				}
				return checkCounts(rec.Counts, counts)
			}
			if err := l.add(ctx, rec); err != nil {
				return err
			}
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return &h, counts, nil
}

// requireEmpty refuses a database that already holds a desk: every
// carried table must be empty, and the log's head at zero.
func requireEmpty(ctx context.Context, tx *store.Tx) error {
	for _, k := range kinds {
		if k.Single {
			continue
		}
		has, err := tx.HasRows(ctx, k.Table)
		if err != nil {
			return err
		}
		if has {
			return models.Errorf(models.EConflict, "the database is not empty (table %s has rows): import only into a new database, e.g. a fresh DATABASE_URL", k.Table)
		}
	}
	return nil
}

func checkCounts(want, got map[string]int64) error {
	for _, k := range kinds {
		if want[k.Type] != got[k.Type] {
			return models.Errorf(models.EInvalid, "the archive's end record counts %d %s rows but %d came: it is damaged, nothing was imported", want[k.Type], k.Type, got[k.Type])
		}
	}
	return nil
}

// loader inserts the records of one archive, a batch at a time.
type loader struct {
	tx     *store.Tx
	opt    ImportOptions
	counts map[string]int64
	n      int
	// cur is the index in kinds of the type being loaded, cols its
	// table's insertable columns; batch holds its rows not yet inserted.
	cur   int
	cols  []string
	batch []byte
	rows  int
	// dupIDs and dupOf are the claims' duplicate_of links, set at the end.
	dupIDs, dupOf []int64
}

func (l *loader) add(ctx context.Context, rec record) error {
	i := kindIndex(rec.Type)
	if i < 0 {
		return models.Errorf(models.EInvalid, "archive record %d has the unknown type %q", l.n, rec.Type)
	}
	if i < l.cur {
		return models.Errorf(models.EInvalid, "archive record %d: a %s after %s rows; records come in archive order (docs/moving.md)", l.n, rec.Type, kinds[l.cur].Type)
	}
	if len(rec.Data) == 0 || rec.Data[0] != '{' {
		return models.Errorf(models.EInvalid, "archive record %d: data is not an object", l.n)
	}
	if i != l.cur {
		if err := l.flush(ctx); err != nil {
			return err
		}
		cols, err := l.tx.Columns(ctx, kinds[i].Table)
		if err != nil {
			return err
		}
		l.cur, l.cols = i, cols
	}
	k := kinds[i]
	row, err := l.prepare(k, rec.Data)
	if err != nil {
		return err
	}
	l.counts[k.Type]++
	if k.Single {
		if l.counts[k.Type] > 1 {
			return models.Errorf(models.EInvalid, "archive record %d: a second %s row", l.n, k.Type)
		}
		return l.tx.ReplaceRow(ctx, k.Table, slices.DeleteFunc(slices.Clone(l.cols), func(c string) bool { return c == "id" }), row)
	}
	if l.rows == 0 {
		l.batch = append(l.batch[:0], '[')
	} else {
		l.batch = append(l.batch, ',')
	}
	l.batch = append(l.batch, row...)
	l.rows++
	if l.rows >= batchRows || len(l.batch) >= batchBytes {
		return l.flush(ctx)
	}
	return nil
}

// prepare adjusts a row where the new desk must differ from the old.
func (l *loader) prepare(k kind, data json.RawMessage) (json.RawMessage, error) {
	switch k.Type {
	case "user", "claim", "webhook":
	default:
		return data, nil
	}
	// Numbers stay as written, so nothing is rounded through a float.
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var row map[string]any
	if err := d.Decode(&row); err != nil {
		return nil, models.Errorf(models.EInvalid, "archive record %d: %v", l.n, err)
	}
	var id int64
	if n, ok := row["id"].(json.Number); ok {
		id, _ = n.Int64()
	}
	switch k.Type {
	case "user":
		// Carried without its hash, a user has no password until an
		// admin sets one.
		if _, ok := row["password_hash"]; !ok {
			row["password_hash"] = ""
		}
	case "claim":
		// duplicate_of may point at a claim further on.
		if d, ok := row["duplicate_of"].(json.Number); ok {
			dup, err := d.Int64()
			if err != nil || id <= 0 {
				return nil, models.Errorf(models.EInvalid, "archive record %d: a claim without a valid id or duplicate_of", l.n)
			}
			l.dupIDs, l.dupOf = append(l.dupIDs, id), append(l.dupOf, dup)
			row["duplicate_of"] = nil
		}
	case "webhook":
		// The secret stays behind: a fresh one nobody knows, and the
		// endpoint disabled until an admin rotates and enables it.
		if l.opt.SealSecret == nil || id <= 0 {
			return nil, fmt.Errorf("transfer: cannot seal the secret of imported webhook %v", row["id"])
		}
		row["secret_sealed"] = `\x` + hex.EncodeToString(l.opt.SealSecret(id))
		row["old_secret_sealed"], row["old_secret_expires_at"] = nil, nil
		row["active"], row["disabled_at"], row["disabled_reason"] = false, l.opt.Now().UTC().Format(time.RFC3339Nano), ImportedWebhookReason
		row["consecutive_failures"], row["failing_since"] = 0, nil
	}
	return json.Marshal(row)
}

func (l *loader) flush(ctx context.Context) error {
	if l.rows == 0 {
		return nil
	}
	l.batch = append(l.batch, ']')
	if err := l.tx.InsertRows(ctx, kinds[l.cur].Table, l.cols, l.batch); err != nil {
		return models.Errorf(models.EInvalid, "archive records up to %d (%s): %v", l.n, kinds[l.cur].Type, err)
	}
	l.rows = 0
	return nil
}

// finish inserts what is left, links duplicates, moves the sequences on
// and keeps the imported inbox from being mailed again.
func (l *loader) finish(ctx context.Context) error {
	if err := l.flush(ctx); err != nil {
		return err
	}
	if err := l.tx.SetColumn(ctx, "claims", "duplicate_of", l.dupIDs, l.dupOf); err != nil {
		return err
	}
	for _, k := range kinds {
		if k.Single {
			continue
		}
		if err := l.tx.ResetSequences(ctx, k.Table); err != nil {
			return err
		}
	}
	return l.tx.SkipPendingEmails(ctx)
}
