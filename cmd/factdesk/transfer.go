package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/transfer"
)

const (
	exportUsage = "usage: factdesk export --all [--with-password-hashes] FILE|-"
	importUsage = "usage: factdesk import FILE|-   (into an empty database)"
)

func exportCmd(ctx context.Context, args []string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return runExport(ctx, cfg, args, os.Stdout, os.Stderr)
}

func importCmd(ctx context.Context, args []string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return runImport(ctx, cfg, args, os.Stdin, os.Stdout)
}

// runExport is `factdesk export --all FILE`: the whole desk as a JSON
// Lines archive (docs/moving.md). A file is written beside its name and
// renamed into place when complete, so a failed export leaves no archive
// that looks whole. With "-" the archive goes to stdout and the summary
// to report.
func runExport(ctx context.Context, cfg app.Config, args []string, stdout, report io.Writer) error {
	fset := flag.NewFlagSet("export", flag.ContinueOnError)
	all := fset.Bool("all", false, "export the whole desk (required: the only kind of export so far)")
	hashes := fset.Bool("with-password-hashes", false, "keep users' password hashes, so they sign in on the new desk with their passwords")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if !*all || fset.NArg() != 1 {
		return fmt.Errorf("%s", exportUsage)
	}
	st, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	src := transfer.Source{PublicURL: cfg.PublicURL, AuditOrigin: cfg.Audit.Origin}
	if key, err := audit.LoadKey(cfg.Audit.KeyFile, cfg.Audit.Origin); err == nil {
		src.CheckpointKey = key.Public().String()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	opt := transfer.ExportOptions{PasswordHashes: *hashes, CaptureDir: cfg.CaptureDir, Source: src}
	name := fset.Arg(0)
	if name == "-" {
		counts, err := transfer.Export(ctx, st, stdout, opt)
		if err != nil {
			return err
		}
		printCounts(report, "exported", counts)
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	counts, err := transfer.Export(ctx, st, tmp, opt)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600) // users' emails, maybe password hashes
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return err
	}
	printCounts(report, "exported to "+name+":", counts)
	return nil
}

// runImport is `factdesk import FILE`: it creates and migrates the
// database when needed, loads the archive in one transaction, and signs a
// checkpoint of the imported log with this desk's key.
func runImport(ctx context.Context, cfg app.Config, args []string, stdin io.Reader, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%s", importUsage)
	}
	in := stdin
	if args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.Close()
	h, counts, err := transfer.Import(ctx, a.Store, in, transfer.ImportOptions{SealSecret: a.Webhooks.SealUnknownSecret})
	if err != nil {
		return err
	}
	printCounts(out, "imported", counts)
	cp, err := a.Audit.Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("imported, but signing a checkpoint of the imported history failed (run factdesk audit checkpoint): %w", err)
	}
	fmt.Fprintf(out, "signed a checkpoint of the imported log (%d entries) with this desk's key\n", cp.Size)
	if !h.PasswordHashes && counts["user"] > 0 {
		fmt.Fprintln(out, "users came without passwords: set one with factdesk users password --email E (or export again with --with-password-hashes)")
	}
	if counts["webhook"] > 0 {
		fmt.Fprintf(out, "%d webhook endpoint(s) are disabled: rotate each one's secret, give it to the receiver, then enable it\n", counts["webhook"])
	}
	return nil
}

func printCounts(w io.Writer, what string, counts map[string]int64) {
	types := make([]string, 0, len(counts))
	var total int64
	for t, n := range counts {
		types = append(types, t)
		total += n
	}
	sort.Strings(types)
	fmt.Fprintf(w, "%s %d records:", what, total)
	for _, t := range types {
		fmt.Fprintf(w, " %s=%d", t, counts[t])
	}
	fmt.Fprintln(w)
}
