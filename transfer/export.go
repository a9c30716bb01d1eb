package transfer

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/factdesk/factdesk/store"
)

// ExportOptions tune an export.
type ExportOptions struct {
	// PasswordHashes keeps users' bcrypt hashes, so everyone signs in on
	// the new desk with their password. Off, users arrive without one.
	PasswordHashes bool
	// CaptureDir is FACTDESK_CAPTURE_DIR: captures kept there as files
	// are read and carried as chunks, like captures kept in the database.
	CaptureDir string
	Source     Source
	Now        func() time.Time
}

// Export writes the whole desk to w: the header, then every row of every
// carried table in archive order, then the end record with the counts. It
// reads one snapshot of the database and holds one row at a time.
func Export(ctx context.Context, st *store.Store, w io.Writer, opt ExportOptions) (map[string]int64, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	counts := map[string]int64{}
	err := st.ReadOnlyTx(ctx, func(tx *store.Tx) error {
		schema, err := tx.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		h := Header{Format: Format, Version: Version, Schema: schema, ExportedAt: opt.Now().UTC().Format(time.RFC3339),
			Source: opt.Source, PasswordHashes: opt.PasswordHashes}
		if err := writeJSON(bw, h); err != nil {
			return err
		}
		var files []fileCapture
		for _, k := range kinds {
			cols, err := tx.Columns(ctx, k.Table)
			if err != nil {
				return err
			}
			cols = slices.DeleteFunc(cols, func(c string) bool {
				return slices.Contains(k.Omit, c) || (k.Table == "users" && c == "password_hash" && !opt.PasswordHashes)
			})
			key, err := tx.PrimaryKey(ctx, k.Table)
			if err != nil {
				return err
			}
			err = tx.StreamRows(ctx, k.Table, cols, key, func(row []byte) error {
				if k.Type == "capture" {
					var err error
					if row, err = fromDirectory(row, &files); err != nil {
						return err
					}
				}
				counts[k.Type]++
				return writeRecord(bw, k.Type, row)
			})
			if err != nil {
				return err
			}
			if k.Type == "capture_chunk" {
				for _, f := range files {
					n, err := writeFileChunks(bw, opt.CaptureDir, f)
					if err != nil {
						return err
					}
					counts[k.Type] += n
				}
			}
		}
		return writeJSON(bw, record{Type: "end", Counts: counts})
	})
	if err != nil {
		return nil, err
	}
	return counts, bw.Flush()
}

// fileCapture is a capture whose bytes are a file in the capture directory.
type fileCapture struct {
	ID   int64
	Path string
}

// fromDirectory rewrites a capture kept as a file into one kept in the
// database, noting the file so its bytes follow as chunks.
func fromDirectory(row []byte, files *[]fileCapture) ([]byte, error) {
	var c map[string]any
	if err := json.Unmarshal(row, &c); err != nil {
		return nil, fmt.Errorf("transfer: capture row: %w", err)
	}
	if c["storage"] != store.CaptureInDirectory {
		return row, nil
	}
	id, _ := c["id"].(float64)
	path, _ := c["path"].(string)
	*files = append(*files, fileCapture{ID: int64(id), Path: path})
	c["storage"], c["path"] = store.CaptureInDatabase, ""
	return json.Marshal(c)
}

// writeFileChunks carries a capture file as capture_chunks rows of the
// store's chunk size.
func writeFileChunks(w io.Writer, dir string, f fileCapture) (int64, error) {
	rel := filepath.FromSlash(f.Path)
	if dir == "" || !filepath.IsLocal(rel) {
		return 0, fmt.Errorf("transfer: capture %d is a file (%q) but FACTDESK_CAPTURE_DIR is not set or the path leaves it", f.ID, f.Path)
	}
	file, err := os.Open(filepath.Join(dir, rel))
	if err != nil {
		return 0, fmt.Errorf("transfer: capture %d: %w", f.ID, err)
	}
	defer file.Close()
	buf := make([]byte, store.CaptureChunkBytes)
	var n int64
	for {
		m, err := io.ReadFull(file, buf)
		if m > 0 {
			row, _ := json.Marshal(map[string]any{"capture_id": f.ID, "n": n, "data": `\x` + hex.EncodeToString(buf[:m])})
			if err := writeRecord(w, "capture_chunk", row); err != nil {
				return n, err
			}
			n++
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("transfer: capture %d: %w", f.ID, err)
		}
	}
}

func writeRecord(w io.Writer, typ string, row []byte) error {
	if _, err := fmt.Fprintf(w, `{"type":%q,"data":`, typ); err != nil {
		return err
	}
	if _, err := w.Write(row); err != nil {
		return err
	}
	_, err := io.WriteString(w, "}\n")
	return err
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
