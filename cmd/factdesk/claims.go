package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

const claimsUsage = "usage: factdesk claims import --as EMAIL [--batch N] FILE|-"

// importBatch is how many claims one transaction of an import files.
const importBatch = 500

// claimsCmd files claims in bulk from a JSON Lines archive: one object per
// line with the fields of POST /api/v1/claims (text, claimant, source_url,
// priority, due_at, language, tags). Each batch is one transaction through
// the engine, so every claim gets its created entry, events, follows and
// audit hash, as through the API; unlike the API, no similar-claim lookup
// runs per claim, which is what made loading a large archive slow.
func claimsCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("%s", claimsUsage)
	}
	fs := flag.NewFlagSet("claims import", flag.ContinueOnError)
	as := fs.String("as", "", "email of the active user the claims are filed by (checker, editor or admin)")
	batch := fs.Int("batch", importBatch, "claims per transaction")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || *as == "" || *batch < 1 {
		return fmt.Errorf("%s", claimsUsage)
	}
	var in io.Reader = os.Stdin
	if name := fs.Arg(0); name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return err
		}
		defer file.Close()
		in = file
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	actor, err := a.Store.UserByEmail(ctx, *as)
	if err != nil {
		return err
	}
	if !actor.Active {
		return models.Errorf(models.EForbidden, "%s is deactivated", actor.Email)
	}
	_, err = importClaims(ctx, a.Engine, actor, in, *batch, os.Stdout)
	return err
}

// importClaims files the claims of r in batches of batch and reports to
// out. On a bad line it stops and names it: the batches before it are
// filed, that batch and the rest are not (re-run from that line).
func importClaims(ctx context.Context, eng *workflow.Engine, actor *models.User, r io.Reader, batch int, out io.Writer) (int, error) {
	start := time.Now()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var pending []workflow.NewClaim
	first, line, filed := 1, 0, 0
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if _, err := eng.CreateClaims(ctx, actor, pending); err != nil {
			return fmt.Errorf("lines %d–%d (none of them filed; %d claims before them were): %s", first, line, filed, oneLine(err))
		}
		filed += len(pending)
		pending, first = pending[:0], line+1
		return nil
	}
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var in workflow.NewClaim
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return filed, fmt.Errorf("line %d is not a claim object (%v); %d claims before it were filed", line, err, filed)
		}
		pending = append(pending, in)
		if len(pending) == batch {
			if err := flush(); err != nil {
				return filed, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return filed, fmt.Errorf("reading line %d: %w", line+1, err)
	}
	if err := flush(); err != nil {
		return filed, err
	}
	took := time.Since(start)
	_, err := fmt.Fprintf(out, "filed %d claims in %s (%.0f claims/s)\n", filed, took.Round(time.Millisecond), float64(filed)/max(took.Seconds(), 1e-9))
	return filed, err
}
