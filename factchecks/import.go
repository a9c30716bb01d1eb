package factchecks

import (
	"context"
	"fmt"
	"io"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// MaxReasons caps the per-line reasons a report lists; Skipped still
// counts every skipped record.
const MaxReasons = 50

// Skip is a record left out and why.
type Skip struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Report counts what an import did.
type Report struct {
	Imported  int    `json:"imported"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Skipped   int    `json:"skipped"`
	Reasons   []Skip `json:"skipped_lines"`
	// Truncated says Reasons stops at MaxReasons.
	Truncated bool `json:"skipped_lines_truncated"`
}

// Import reads r in format f and archives every valid record in one
// transaction, upserting on the review's URL so an import run twice
// changes nothing. A record that cannot be archived is skipped with its
// reason; only a document that cannot be read at all fails the import.
// Afterwards the archive's search is readied for lookups
// (store.SettleArchive).
func Import(ctx context.Context, st *store.Store, r io.Reader, f Format) (Report, error) {
	rep := Report{Reasons: []Skip{}}
	err := st.WithTx(ctx, func(tx *store.Tx) error {
		rep = Report{Reasons: []Skip{}}
		return Read(r, f, func(line int, rec models.PriorCheck, bad error) error {
			if bad != nil {
				rep.Skipped++
				if len(rep.Reasons) < MaxReasons {
					rep.Reasons = append(rep.Reasons, Skip{Line: line, Reason: bad.Error()})
				} else {
					rep.Truncated = true
				}
				return nil
			}
			how, err := tx.UpsertPriorCheck(ctx, &rec)
			if err != nil {
				return fmt.Errorf("record %d: %w", line, err)
			}
			switch how {
			case store.PriorInserted:
				rep.Imported++
			case store.PriorUpdated:
				rep.Updated++
			default:
				rep.Unchanged++
			}
			return nil
		})
	})
	if err != nil {
		return rep, err
	}
	// The archive is searched right after an import (an article imported
	// next is matched against it): merge the new rows into its index.
	if err := st.SettleArchive(ctx, rep.Imported+rep.Updated); err != nil {
		return rep, fmt.Errorf("the checks were archived, but readying the archive's search failed (the hourly recount does it too; importing again changes nothing): %w", err)
	}
	return rep, nil
}
