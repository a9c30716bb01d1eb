package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/safehttp"
)

const auditUsage = `usage:
  factdesk audit verify                 recompute every history hash and the log's checkpoints;
                                        exits 1 naming the first entry that does not match
  factdesk audit checkpoint             sign a checkpoint of the log now and print it
  factdesk audit seal                   hash history rows that have none, and give committed entries their log index
  factdesk audit key                    print the public key served at /.well-known/factdesk/checkpoint-key
  factdesk audit verify-page [--key K] [--since FILE] URL
                                        check a published fact check's entries against its signed checkpoint,
                                        and that the log only grew since a checkpoint saved in FILE`

// loadAuditConfig reads where the checkpoint key lives and what the log is
// called. The key file defaults to the user's configuration directory, on
// purpose not beside the database: docs/audit.md explains why.
func loadAuditConfig(c app.Config) (audit.Config, error) {
	ac := audit.Config{KeyFile: os.Getenv("FACTDESK_AUDIT_KEY_FILE"), Origin: os.Getenv("FACTDESK_AUDIT_ORIGIN")}
	if ac.KeyFile == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return ac, fmt.Errorf("FACTDESK_AUDIT_KEY_FILE is not set and there is no configuration directory (%v): set it to a path outside the database", err)
		}
		ac.KeyFile = filepath.Join(dir, "factdesk", "checkpoint.key")
	}
	if ac.Origin == "" {
		ac.Origin = defaultOrigin(c)
	}
	var err error
	if ac.CheckpointInterval, err = envDuration("FACTDESK_AUDIT_CHECKPOINT_INTERVAL", audit.DefaultCheckpointInterval, time.Minute, 24*time.Hour); err != nil {
		return ac, err
	}
	return ac, nil
}

// defaultOrigin names the log after the host of the public pages.
func defaultOrigin(c app.Config) string {
	host := c.Addr
	if u, err := url.Parse(c.PublicURL); err == nil && u.Host != "" {
		host = u.Host
	}
	if h, port, err := net.SplitHostPort(host); err == nil && (port == "80" || port == "443") {
		host = h
	}
	return host + "/audit"
}

func auditCmd(ctx context.Context, args []string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return runAudit(ctx, cfg, cfg.Audit, args, os.Stdout)
}

// errVerifyFailed is returned after a failed verification has been
// printed, so main exits 1 without repeating it.
var errVerifyFailed = errors.New("audit: verification failed")

// runAudit is `factdesk audit`.
func runAudit(ctx context.Context, cfg app.Config, ac audit.Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(auditUsage)
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, cfg, ac, out)
	case "checkpoint", "seal", "key":
		st, err := openStore(ctx, cfg, true)
		if err != nil {
			return err
		}
		defer st.Close()
		svc, err := audit.Open(st, ac)
		if err != nil {
			return err
		}
		switch args[0] {
		case "checkpoint":
			c, err := svc.Checkpoint(ctx)
			if err != nil {
				return err
			}
			fmt.Fprint(out, c.Note)
		case "seal":
			n, err := svc.Seal(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "sealed %d history entries\n", n)
		case "key":
			fmt.Fprint(out, string(svc.PublicKey()))
		}
		return nil
	case "verify-page":
		return auditVerifyPage(ctx, cfg, args[1:], out)
	}
	return fmt.Errorf("unknown audit command %q\n%s", args[0], auditUsage)
}

func auditVerify(ctx context.Context, cfg app.Config, ac audit.Config, out io.Writer) error {
	st, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	// Verifying needs no key; with one, the checkpoints' signatures are
	// checked too. It never creates a key.
	key, err := audit.LoadKey(ac.KeyFile, ac.Origin)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	svc := audit.ForVerify(st, key)
	// Changes commit their entries' hashes; the seal step gives them their
	// place in the log. Run it first, so every committed entry is checked.
	if _, err := svc.Seal(ctx); err != nil {
		return err
	}
	r, err := svc.Verify(ctx)
	if err != nil {
		return err
	}
	if !r.SignaturesChecked {
		fmt.Fprintf(out, "note: no checkpoint key at %s, so signatures were not checked\n", ac.KeyFile)
	}
	if r.Unsealed > 0 {
		fmt.Fprintf(out, "note: %d history entries have no hash yet; the next change or `factdesk audit seal` seals them\n", r.Unsealed)
	}
	if r.Unlogged > 0 {
		fmt.Fprintf(out, "note: %d history entries committed during the check are not in the log yet; the next seal step adds them\n", r.Unlogged)
	}
	if r.OK() {
		fmt.Fprintf(out, "OK: %d history entries of %d claims and %d checkpoints verify\n", r.Entries, r.Claims, r.Checkpoints)
		return nil
	}
	fmt.Fprintf(out, "FAILED: %s\n", r.Problems[0])
	for _, p := range r.Problems[1:] {
		fmt.Fprintf(out, "also: %s\n", p)
	}
	if r.More > 0 {
		fmt.Fprintf(out, "and %d more problems\n", r.More)
	}
	return errVerifyFailed
}

// proofLink finds <link rel="factdesk-proof" href="..."> in a page.
var (
	linkTag = regexp.MustCompile(`(?is)<link\b[^>]*>`)
	relAttr = regexp.MustCompile(`(?is)\brel\s*=\s*["']?factdesk-proof["'\s/>]`)
	hrefVal = regexp.MustCompile(`(?is)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
)

func auditVerifyPage(ctx context.Context, cfg app.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("audit verify-page", flag.ContinueOnError)
	fs.SetOutput(out)
	keyText := fs.String("key", "", "the desk's public key (name+id+key), obtained beforehand; default: fetched from the page's site")
	since := fs.String("since", "", "a checkpoint saved earlier (a file): also check that the log only grew since")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: factdesk audit verify-page [--key K] [--since FILE] URL")
	}
	pageURL, err := url.Parse(fs.Arg(0))
	if err != nil || (pageURL.Scheme != "http" && pageURL.Scheme != "https") {
		return fmt.Errorf("%q is not an http(s) URL", fs.Arg(0))
	}
	client := safehttp.New(safehttp.Config{AllowCIDRs: cfg.FetchAllowCIDRs, Timeout: 20 * time.Second, MaxRedirects: 5})
	body, ctype, err := fetch(ctx, client, pageURL.String())
	if err != nil {
		return err
	}
	proofURL := pageURL
	if !strings.HasPrefix(ctype, "application/json") {
		href := ""
		for _, tag := range linkTag.FindAllString(string(body), -1) {
			if relAttr.MatchString(tag) {
				if m := hrefVal.FindStringSubmatch(tag); m != nil {
					href = m[1] + m[2] + m[3]
					break
				}
			}
		}
		if href == "" {
			return fmt.Errorf("%s names no proof: it has no <link rel=\"factdesk-proof\">", pageURL)
		}
		if proofURL, err = pageURL.Parse(href); err != nil {
			return fmt.Errorf("the page's proof link %q: %w", href, err)
		}
		if body, _, err = fetch(ctx, client, proofURL.String()); err != nil {
			return err
		}
	}
	var proof audit.Proof
	if err := json.Unmarshal(body, &proof); err != nil {
		return fmt.Errorf("%s is not a factdesk proof: %w", proofURL, err)
	}
	if *keyText == "" {
		keyURL := proofURL.ResolveReference(&url.URL{Path: "/.well-known/factdesk/checkpoint-key"})
		raw, _, err := fetch(ctx, client, keyURL.String())
		if err != nil {
			return err
		}
		*keyText = string(raw)
		fmt.Fprintf(out, "note: key fetched from %s; pass --key with a key obtained beforehand to rule out a site that changed both\n", keyURL)
	}
	v, err := audit.ParseVerifier(*keyText)
	if err != nil {
		return err
	}
	cp, entries, err := audit.VerifyProof(&proof, v)
	if err != nil {
		fmt.Fprintf(out, "FAILED: %v\n", err)
		return errVerifyFailed
	}
	if *since != "" {
		if err := checkSince(ctx, client, proofURL, v, cp, *since, out); err != nil {
			fmt.Fprintf(out, "FAILED: %v\n", err)
			return errVerifyFailed
		}
	}
	fmt.Fprintf(out, "OK: claim %d, %d public entries, included in checkpoint %s size %d root %x signed by %s\n",
		proof.ClaimID, len(entries), cp.Origin, cp.Size, cp.Root[:], v.Name)
	for _, e := range entries {
		line := fmt.Sprintf("  log index %d  %s  %s", e.LogIndex, e.Entry.At.UTC().Format(time.RFC3339), e.Entry.Action)
		if e.Entry.Verdict != "" {
			line += "  verdict " + string(e.Entry.Verdict)
		}
		if e.Entry.Comment != "" {
			line += fmt.Sprintf("  %q", e.Entry.Comment)
		}
		fmt.Fprintln(out, line)
	}
	return nil
}

// maxProofBytes bounds what verify-page reads from the site.
const maxProofBytes = 8 << 20

func fetch(ctx context.Context, client *safehttp.Client, u string) ([]byte, string, error) {
	resp, err := client.Get(ctx, u)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("fetch %s: %s", u, resp.Status)
	}
	body, truncated, err := safehttp.ReadLimited(resp.Body, maxProofBytes)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", u, err)
	}
	if truncated {
		return nil, "", fmt.Errorf("read %s: larger than %d bytes", u, maxProofBytes)
	}
	return body, resp.Header.Get("Content-Type"), nil
}

// checkSince checks that the checkpoint saved in file and the page's are
// of one log that only grew in between.
func checkSince(ctx context.Context, client *safehttp.Client, site *url.URL, v audit.Verifier, cp audit.Checkpoint, file string, out io.Writer) error {
	saved, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read the saved checkpoint: %w", err)
	}
	old, err := v.Verify(saved)
	if err != nil {
		return fmt.Errorf("the saved checkpoint: %w", err)
	}
	from, to := min(old.Size, cp.Size), max(old.Size, cp.Size)
	if from == 0 {
		return nil // the empty log is a prefix of every log
	}
	u := site.ResolveReference(&url.URL{Path: "/.well-known/factdesk/consistency", RawQuery: fmt.Sprintf("from=%d&to=%d", from, to)})
	body, _, err := fetch(ctx, client, u.String())
	if err != nil {
		return err
	}
	var c audit.Consistency
	if err := json.Unmarshal(body, &c); err != nil {
		return fmt.Errorf("%s is not a consistency proof: %w", u, err)
	}
	if err := c.Check(old, cp); err != nil {
		return err
	}
	fmt.Fprintf(out, "consistent: the saved checkpoint of %d entries and the page's of %d are one log that only grew\n", old.Size, cp.Size)
	return nil
}
