// Command factdesk runs the fact-check desk: the server and its admin
// subcommands. It only wires packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/factdesk/factdesk/models"
)

const usage = `factdesk: a self-hosted fact-check and source-verification desk

Usage:
  factdesk serve [--demo]                 run the server (creates and migrates the database)
  factdesk migrate [up|down|status]       manage the schema
  factdesk users add --email E --name N --role R [--password P]
  factdesk users password --email E [--password P]
                                          set a user's password (after an import without hashes)
  factdesk workflow [--mermaid]           print the workflow table
  factdesk extract [--format json|text] FILE|-
                                          print an article's check-worthy sentences
  factdesk audit verify|checkpoint|seal|key|verify-page URL
                                          check and sign the tamper-evident history (docs/audit.md)
  factdesk model eval|train [--data DIR] [--out FILE]
                                          measure or retrain the check-worthiness model
  factdesk secret rotate                  re-seal webhook secrets under a new key
                                          (FACTDESK_NEW_SECRET_KEY, or a fresh one)
  factdesk archive import [--format json|csv] FILE|-
                                          import other outlets' fact-checks (ClaimReview, claims:search, CSV)
  factdesk export --all [--with-password-hashes] FILE|-
                                          write the whole desk as a JSON Lines archive (docs/moving.md)
  factdesk import FILE|-                  load such an archive into an empty database
  factdesk claims import --as EMAIL [--batch N] FILE|-
                                          file claims in bulk from JSON Lines (no similar lookup per claim)

Configuration (environment; the README lists every variable):
  DATABASE_URL             default postgres://postgres@127.0.0.1:5432/factdesk?sslmode=disable
  FACTDESK_ADDR            default 127.0.0.1:8080
  FACTDESK_ADMIN_EMAIL     first admin, created when the desk has no users
  FACTDESK_ADMIN_PASSWORD
  FACTDESK_PUBLIC_URL      absolute base URL of the public fact-check pages
  FACTDESK_SECRET_KEY      key that encrypts webhook secrets (generated when unset)
  FACTDESK_AUDIT_KEY_FILE  checkpoint signing key, outside the database (default: user config dir)
  FACTDESK_AUDIT_ORIGIN    name of the desk's log (default: public host + /audit)
  FACTDESK_WEBHOOK_*, FACTDESK_FETCH_*, FACTDESK_SOURCE_RECHECK_INTERVAL, FACTDESK_TSA_*, FACTDESK_CAPTURE_DIR, FACTDESK_PUBLISHER_*,
  FACTDESK_TRUST_PROXY     see the README
  FACTDESK_METRICS_TOKEN, FACTDESK_METRICS_ADDR, FACTDESK_CORS_ORIGINS, FACTDESK_RETENTION_*
                           see docs/operations.md
`

type command func(ctx context.Context, args []string) error

var commands = map[string]command{
	"serve":    serve,
	"migrate":  migrate,
	"users":    users,
	"workflow": printWorkflow,
	"extract":  extractCmd,
	"audit":    auditCmd,
	"model":    modelCmd,
	"secret":   secret,
	"archive":  archiveCmd,
	"export":   exportCmd,
	"import":   importCmd,
	"claims":   claimsCmd,
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		fmt.Print(usage)
		return
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "factdesk: unknown command %q; run factdesk help\n", os.Args[1])
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd(ctx, os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "factdesk: "+oneLine(err))
		os.Exit(1)
	}
}

// oneLine renders an error for the terminal. Domain errors already say what
// to fix; field errors are appended so a bad flag is named.
func oneLine(err error) string {
	var de *models.Error
	if errors.As(err, &de) {
		msg := de.Message
		for _, f := range de.Fields {
			msg += "; " + f.Field + ": " + f.Message
		}
		return msg
	}
	return err.Error()
}
