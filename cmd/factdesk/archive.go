package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/factdesk/factdesk/factchecks"
	"github.com/factdesk/factdesk/models"
)

const archiveUsage = "usage: factdesk archive import [--format json|csv] FILE|-"

// archiveCmd imports other outlets' published fact-checks into the
// archive of prior checks.
func archiveCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("%s", archiveUsage)
	}
	fs := flag.NewFlagSet("archive import", flag.ContinueOnError)
	format := fs.String("format", "", "json (ClaimReview JSON-LD or claims:search) or csv; default: from the file's extension")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%s", archiveUsage)
	}
	name := fs.Arg(0)
	f, err := archiveFormat(*format, name)
	if err != nil {
		return err
	}
	var in io.Reader = os.Stdin
	if name != "-" {
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
	st, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := factchecks.Import(ctx, st, in, f)
	if err != nil {
		return err
	}
	return printArchiveReport(os.Stdout, rep)
}

func archiveFormat(flagValue, name string) (factchecks.Format, error) {
	v := strings.ToLower(flagValue)
	if v == "" {
		switch strings.ToLower(filepath.Ext(name)) {
		case ".csv":
			v = "csv"
		case ".json", ".jsonld":
			v = "json"
		default:
			return "", models.Errorf(models.EInvalid, "cannot tell the format of %q; pass --format json or --format csv", name)
		}
	}
	switch factchecks.Format(v) {
	case factchecks.JSON, factchecks.CSV:
		return factchecks.Format(v), nil
	}
	return "", models.Errorf(models.EInvalid, "--format must be json or csv")
}

func printArchiveReport(w io.Writer, rep factchecks.Report) error {
	fmt.Fprintf(w, "imported %d, updated %d, unchanged %d, skipped %d\n", rep.Imported, rep.Updated, rep.Unchanged, rep.Skipped)
	for _, s := range rep.Reasons {
		fmt.Fprintf(w, "  skipped record %d: %s\n", s.Line, s.Reason)
	}
	if rep.Truncated {
		_, err := fmt.Fprintf(w, "  (first %d skipped records listed)\n", factchecks.MaxReasons)
		return err
	}
	return nil
}
