package warc

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// newUUIDURN is a random (version 4) UUID as a WARC record id.
func newUUIDURN() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(u[:])
	return "<urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:] + ">", nil
}

// Parsed is one record read back from a .warc.gz stream, with its digests
// checked.
type Parsed struct {
	Record
	// Header holds the WARC header fields by canonical name (first value).
	Header map[string]string
	// HTTPStatus and HTTPHeader are set for response and revisit records.
	HTTPStatus int
	HTTPHeader http.Header
	// Block is the whole record block (for HTTP records: status line,
	// headers and body).
	Block []byte
	// Payload is the HTTP body of a request or response, the block of any
	// other record.
	Payload []byte
}

// ReadAll parses every record in a .warc.gz (or plain .warc) stream with
// strict validation, recomputing the block and payload digests; any mismatch
// or syntax problem is an error. It is meant for tests, the snapshot viewer
// and `verify` tools, not for huge files: payloads are held in memory.
func ReadAll(r io.Reader) ([]Parsed, error) {
	gowarcOptions.Lock()
	fr, err := gowarc.NewWarcFileReaderFromStream(r, 0,
		gowarc.WithStrictValidation(),
		gowarc.WithBufferMaxMemBytes(8<<20),
	)
	gowarcOptions.Unlock()
	if err != nil {
		return nil, fmt.Errorf("warc: read: %w", err)
	}
	defer fr.Close()
	var out []Parsed
	for {
		rec, err := fr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("warc: record %d: %w", len(out), err)
		}
		p, err := parsed(rec)
		_ = rec.Close()
		if err != nil {
			return out, fmt.Errorf("warc: record %d: %w", len(out), err)
		}
		out = append(out, p)
	}
}

func parsed(rec gowarc.Record) (Parsed, error) {
	if len(rec.Validation) > 0 {
		return Parsed{}, errors.Join(rec.Validation...)
	}
	wr := rec.WarcRecord
	if err := wr.Block().Cache(); err != nil {
		return Parsed{}, err
	}
	validation, err := wr.ValidateDigest()
	if err == nil && len(validation) > 0 {
		err = errors.Join(validation...)
	}
	if err != nil {
		return Parsed{}, fmt.Errorf("digest: %w", err)
	}
	h := wr.WarcHeader()
	p := Parsed{
		Record: Record{
			ID:            h.Get(gowarc.WarcRecordID),
			Type:          RecordType(wr.Type().String()),
			TargetURI:     h.Get(gowarc.WarcTargetURI),
			Offset:        rec.Offset,
			Length:        rec.Size,
			BlockDigest:   h.Get(gowarc.WarcBlockDigest),
			PayloadDigest: h.Get(gowarc.WarcPayloadDigest),
			ContentType:   h.Get(gowarc.ContentType),
			RefersTo:      h.Get(gowarc.WarcRefersTo),
		},
		Header: map[string]string{},
	}
	if d, err := wr.Date(); err == nil {
		p.Date = d
	}
	for _, name := range []string{gowarc.WarcRecordID, gowarc.WarcType, gowarc.WarcDate, gowarc.WarcTargetURI,
		gowarc.WarcIPAddress, gowarc.WarcConcurrentTo, gowarc.WarcPayloadDigest, gowarc.WarcBlockDigest,
		gowarc.WarcProfile, gowarc.WarcRefersTo, gowarc.WarcRefersToTargetURI, gowarc.WarcRefersToDate,
		gowarc.ContentType, gowarc.ContentLength, gowarc.WarcFilename} {
		if h.Has(name) {
			p.Header[name] = h.Get(name)
		}
	}
	raw, err := wr.Block().RawBytes()
	if err != nil {
		return Parsed{}, err
	}
	if p.Block, err = io.ReadAll(raw); err != nil {
		return Parsed{}, err
	}
	var body io.Reader
	switch b := wr.Block().(type) {
	case gowarc.HttpResponseBlock:
		p.HTTPStatus = b.HttpStatusCode()
		if hh := b.HttpHeader(); hh != nil {
			p.HTTPHeader = hh.Clone()
		}
		body, err = b.PayloadBytes()
	case gowarc.PayloadBlock:
		body, err = b.PayloadBytes()
	default:
		body, err = wr.Block().RawBytes()
	}
	if err != nil {
		return Parsed{}, err
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, body); err != nil {
		return Parsed{}, err
	}
	p.Payload = buf.Bytes()
	return p, nil
}
