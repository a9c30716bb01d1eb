package wacz

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/factdesk/factdesk/archive/tsa"
	"github.com/factdesk/factdesk/archive/warc"
)

// Report is what Verify checked.
type Report struct {
	Files      int // resources whose size and digest matched
	Records    int // WARC records parsed with their digests checked
	Captures   int // provenance captures whose span digest matched
	Tokens     int // timestamp tokens that verified
	Provenance Provenance
}

// Verify checks a packet the way an outsider's tools would: the
// datapackage digest, every listed file's size and SHA-256, no unlisted
// file, every WARC record's block and payload digests, every provenance
// record range and capture span, and every timestamp token against its
// span (and against roots when given).
func Verify(packet []byte, roots *x509.CertPool) (Report, error) {
	var rep Report
	zr, err := zip.NewReader(bytes.NewReader(packet), int64(len(packet)))
	if err != nil {
		return rep, fmt.Errorf("wacz: open: %w", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return rep, fmt.Errorf("wacz: %s appears twice", f.Name)
		}
		if f.Name == WARCPath && f.Method != zip.Store {
			return rep, fmt.Errorf("wacz: %s is compressed in the zip; it must be stored for range reads", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return rep, fmt.Errorf("wacz: %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return rep, fmt.Errorf("wacz: %s: %w", f.Name, err)
		}
		files[f.Name] = b
	}
	var digest DigestFile
	if err := json.Unmarshal(files[DigestPath], &digest); err != nil {
		return rep, fmt.Errorf("wacz: %s: %w", DigestPath, err)
	}
	if digest.Path != DataPackagePath || digest.Hash != hashOf(files[DataPackagePath]) {
		return rep, fmt.Errorf("wacz: %s does not match %s", DigestPath, DataPackagePath)
	}
	var dp DataPackage
	if err := json.Unmarshal(files[DataPackagePath], &dp); err != nil {
		return rep, fmt.Errorf("wacz: %s: %w", DataPackagePath, err)
	}
	if dp.Profile != "data-package" || dp.WACZVersion != Version {
		return rep, fmt.Errorf("wacz: profile %q version %q", dp.Profile, dp.WACZVersion)
	}
	listed := map[string]bool{DataPackagePath: true, DigestPath: true}
	for _, r := range dp.Resources {
		b, ok := files[r.Path]
		if !ok {
			return rep, fmt.Errorf("wacz: %s is listed but missing", r.Path)
		}
		if int64(len(b)) != r.Bytes || hashOf(b) != r.Hash {
			return rep, fmt.Errorf("wacz: %s: %d bytes %s, listed as %d bytes %s", r.Path, len(b), hashOf(b), r.Bytes, r.Hash)
		}
		listed[r.Path] = true
		rep.Files++
	}
	for name := range files {
		if !listed[name] {
			return rep, fmt.Errorf("wacz: %s is not listed in %s", name, DataPackagePath)
		}
	}
	for _, need := range []string{WARCPath, IndexPath, PagesPath, ProvenancePath} {
		if !listed[need] {
			return rep, fmt.Errorf("wacz: %s missing", need)
		}
	}

	data := files[WARCPath]
	recs, err := warc.ReadAll(bytes.NewReader(data))
	if err != nil {
		return rep, err
	}
	rep.Records = len(recs)
	byID := map[string]warc.Parsed{}
	for _, r := range recs {
		byID[r.ID] = r
	}

	if err := json.Unmarshal(files[ProvenancePath], &rep.Provenance); err != nil {
		return rep, fmt.Errorf("wacz: %s: %w", ProvenancePath, err)
	}
	for _, ev := range rep.Provenance.Evidence {
		if ev.AnchorTextFile != "" {
			text, ok := files[ev.AnchorTextFile]
			if !ok || ev.Excerpt == nil {
				return rep, fmt.Errorf("wacz: evidence %s: anchor text %s or excerpt missing", ev.ID, ev.AnchorTextFile)
			}
			if err := checkAnchor(*ev.Excerpt, string(text)); err != nil {
				return rep, fmt.Errorf("wacz: evidence %s: %w", ev.ID, err)
			}
		}
		for _, c := range ev.Captures {
			if err := verifyCapture(c, data, byID, files, roots); err != nil {
				return rep, fmt.Errorf("wacz: evidence %s, capture %s: %w", ev.ID, c.ResponseRecordID, err)
			}
			rep.Captures++
			rep.Tokens += len(c.Timestamps)
		}
	}
	return rep, nil
}

func verifyCapture(c CaptureRef, data []byte, byID map[string]warc.Parsed, files map[string][]byte, roots *x509.CertPool) error {
	if c.File != WARCPath {
		return fmt.Errorf("file %q", c.File)
	}
	if c.SpanOffset < 0 || c.SpanLength <= 0 || c.SpanOffset+c.SpanLength > int64(len(data)) {
		return errors.New("span outside the WARC file")
	}
	span := data[c.SpanOffset : c.SpanOffset+c.SpanLength]
	sum := sha256.Sum256(span)
	if hex.EncodeToString(sum[:]) != c.SpanSHA256 {
		return errors.New("span digest differs")
	}
	for _, r := range c.Records {
		got, ok := byID[r.ID]
		if !ok || got.Offset != r.Offset || got.Length != r.Length || got.BlockDigest != r.BlockDigest || string(got.Type) != r.Type {
			return fmt.Errorf("record %s not at [%d,+%d) as %s", r.ID, r.Offset, r.Length, r.Type)
		}
		if r.Offset < c.SpanOffset || r.Offset+r.Length > c.SpanOffset+c.SpanLength {
			return fmt.Errorf("record %s outside its capture span", r.ID)
		}
	}
	if resp, ok := byID[c.ResponseRecordID]; !ok || resp.PayloadDigest != c.PayloadDigest {
		return errors.New("response record missing or with another payload digest")
	}
	for _, ts := range c.Timestamps {
		der, err := base64.StdEncoding.DecodeString(ts.TokenBase64)
		if err != nil || !bytes.Equal(der, files[ts.TokenFile]) {
			return fmt.Errorf("token %s differs from its base64 copy", ts.TokenFile)
		}
		tok, err := tsa.VerifyToken(der, sum[:], roots)
		if err != nil {
			return fmt.Errorf("token %s: %w", ts.TokenFile, err)
		}
		if !tok.Time.Equal(ts.Time) {
			return fmt.Errorf("token %s time %v, provenance says %v", ts.TokenFile, tok.Time, ts.Time)
		}
	}
	if len(c.Timestamps) > 0 && c.TimestampStatus != tsa.StatusTimestamped {
		return fmt.Errorf("tokens present but status %q", c.TimestampStatus)
	}
	return nil
}
