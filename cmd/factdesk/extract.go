package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/factdesk/factdesk/extract"
)

// maxExtractInput caps what extract reads, so piping a binary file by
// mistake fails fast instead of filling memory.
const maxExtractInput = 16 << 20

// extractCmd prints the candidate claims of an article: factdesk extract
// [--format json|text] FILE|-. It needs no database.
func extractCmd(_ context.Context, args []string) error {
	return runExtract(args, os.Stdin, os.Stdout)
}

// runExtract is extractCmd with its streams passed in, for tests.
func runExtract(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned and printed once by main
	format := fs.String("format", "text", "json or text")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("extract: %w; usage: factdesk extract [--format json|text] FILE|-", err)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: factdesk extract [--format json|text] FILE|- (- reads standard input)")
	}
	if *format != "json" && *format != "text" {
		return fmt.Errorf("extract: unknown format %q: use json or text", *format)
	}
	in := stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		defer f.Close()
		in = f
	}
	raw, err := io.ReadAll(io.LimitReader(in, maxExtractInput+1))
	if err != nil {
		return fmt.Errorf("extract: read: %w", err)
	}
	if len(raw) > maxExtractInput {
		return fmt.Errorf("extract: the input is larger than %d MiB", maxExtractInput>>20)
	}
	cands := extract.Candidates(string(raw))
	if *format == "text" {
		return extract.WriteText(stdout, cands)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Candidates []extract.Candidate `json:"candidates"`
	}{cands})
}
