// Package warc writes one source fetch as WARC 1.1 records: the request, the
// response (or a revisit when the payload has not changed since an earlier
// capture) and a metadata record that says how the page was fetched (resolved
// address, TLS certificate fingerprints, fetch settings).
//
// Records are built with github.com/nlnwa/gowarc/v3. It was chosen over
// github.com/internetarchive/gowarc because it is a record-level library
// (builder, marshaler, validating reader, revisit support) with four small
// dependencies, while internetarchive/gowarc is built around its own capturing
// HTTP client (custom dialer, uTLS, DNS resolver, SOCKS): using it would either
// bypass safehttp's SSRF guard or drag in a second network stack that factdesk
// must not use. Here the fetch is done by safehttp and this package only
// serialises what it saw.
//
// Each record is written as its own gzip member, the layout that makes
// .warc.gz files randomly accessible: a record's (offset, length) in the file
// is enough to read it back, which is what CDXJ indexes and provenance.json
// point at.
//
// Digests are "sha256:" followed by lowercase hex. The WARC 1.1 standard
// leaves the encoding open; the IIPC community recommendation is base32 only
// for sha1 and base16 for longer hashes, gowarc emits that by default, WACZ's
// datapackage.json uses the same "sha256:<hex>" form, and an outsider can
// compare it with `sha256sum` output by eye.
package warc

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	gowarc "github.com/nlnwa/gowarc/v3"
)

// Software names this writer in metadata records.
const Software = "factdesk archive/warc (github.com/nlnwa/gowarc/v3)"

// RecordType is the WARC-Type of a written record.
type RecordType string

const (
	// TypeRequest is the HTTP request as sent.
	TypeRequest RecordType = "request"
	// TypeResponse is the HTTP response with its full body.
	TypeResponse RecordType = "response"
	// TypeRevisit is a response whose body is identical to an earlier
	// capture's; only the HTTP headers are kept.
	TypeRevisit RecordType = "revisit"
	// TypeMetadata describes how the fetch was made.
	TypeMetadata RecordType = "metadata"
	// TypeWarcinfo describes the file it opens.
	TypeWarcinfo RecordType = "warcinfo"
)

// Settings are the fetch settings recorded in the metadata record, so a reader
// can tell what the fetcher would and would not have seen.
type Settings struct {
	UserAgent    string
	MaxBodyBytes int64
	Timeout      time.Duration
	MaxRedirects int
	// Redirects lists the URLs that answered with a redirect, in order, before
	// the URL whose response is recorded.
	Redirects []string
}

// Fetch is one completed HTTP exchange as the fetcher saw it. The body is
// the body as the client delivered it (transfer coding removed, and content
// coding removed when the client asked for gzip itself); the recorded
// response headers are made consistent with that body (see HTTPResponse).
type Fetch struct {
	// URL is the URL whose response is recorded (the last hop of any redirect
	// chain).
	URL            string
	Method         string // "GET" when empty
	Proto          string // "HTTP/1.1" when empty
	RequestHeader  http.Header
	StatusCode     int
	Status         string // reason phrase; http.StatusText when empty
	ResponseHeader http.Header
	Body           []byte
	// RemoteIP is the address the connection was made to (after the SSRF
	// guard resolved and checked it).
	RemoteIP netip.Addr
	// PeerCertificates is the TLS chain the server presented, leaf first;
	// empty for plain HTTP.
	PeerCertificates []*x509.Certificate
	// Time is when the request was sent.
	Time     time.Time
	Settings Settings
}

// Prior identifies an earlier capture's response record, for a revisit.
type Prior struct {
	RecordID      string // "<urn:uuid:...>"
	TargetURI     string
	Date          time.Time
	PayloadDigest string // "sha256:<hex>"
}

// Record locates one written record.
type Record struct {
	ID        string // "<urn:uuid:...>"
	Type      RecordType
	TargetURI string
	Date      time.Time
	// Offset and Length are the gzip member's position in the stream the
	// Writer writes to.
	Offset int64
	Length int64
	// BlockDigest covers the whole record block (for a response: the HTTP
	// status line, headers and body).
	BlockDigest string
	// PayloadDigest covers the HTTP body only; empty for metadata and
	// warcinfo records.
	PayloadDigest string
	// ContentType is the record's Content-Type (for responses the HTTP
	// message type, for the page's own type see Capture.MIME).
	ContentType string
	// RefersTo is the revisited record's id for a revisit.
	RefersTo string
}

// Capture is what one call to Writer.WriteCapture wrote: its records are
// contiguous, so [Offset, Offset+Length) holds the whole capture and is what a
// timestamp is asked for.
type Capture struct {
	Request  Record
	Response Record // TypeResponse, or TypeRevisit when Revisit is true
	Metadata Record
	Revisit  bool
	// PayloadDigest is the SHA-256 of the body, "sha256:<hex>".
	PayloadDigest string
	StatusCode    int
	MIME          string // media type of the page, without parameters
	URL           string
	Time          time.Time
	Offset        int64
	Length        int64
}

// Records returns the capture's records in the order they were written.
func (c Capture) Records() []Record {
	return []Record{c.Request, c.Response, c.Metadata}
}

// Writer appends gzip-per-record WARC records to an io.Writer and tracks
// offsets. It is not safe for concurrent use.
type Writer struct {
	w      io.Writer
	offset int64
}

// NewWriter writes to w, whose current length is offset (0 for a new file).
func NewWriter(w io.Writer, offset int64) *Writer {
	return &Writer{w: w, offset: offset}
}

// Offset is where the next record will start.
func (w *Writer) Offset() int64 { return w.offset }

// PayloadDigest is the digest form used throughout: "sha256:<lowercase hex>".
func PayloadDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// WriteWarcinfo writes a warcinfo record naming the file and the software.
func (w *Writer) WriteWarcinfo(filename string, now time.Time, fields map[string]string) (Record, error) {
	var body strings.Builder
	body.WriteString("software: " + Software + "\r\n")
	body.WriteString("format: WARC File Format 1.1\r\n")
	body.WriteString("conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		body.WriteString(k + ": " + oneLine(fields[k]) + "\r\n")
	}
	b := newBuilder(gowarc.Warcinfo)
	b.AddWarcHeaderTime(gowarc.WarcDate, now)
	b.AddWarcHeader(gowarc.WarcFilename, filename)
	b.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	if _, err := b.WriteString(body.String()); err != nil {
		return Record{}, err
	}
	return w.build(b, TypeWarcinfo, "", now, false)
}

// WriteCapture writes the request, the response and the metadata record of f.
// When prior is not nil and the body's payload digest equals
// prior.PayloadDigest, the response is written as a revisit record (profile
// identical-payload-digest) referring to prior, so an unchanged recheck costs
// only its headers. The three records reach the underlying writer in one
// Write, so a failure never leaves half a capture in the stream.
func (w *Writer) WriteCapture(f *Fetch, prior *Prior) (Capture, error) {
	out, start := w.w, w.offset
	var buf bytes.Buffer
	w.w = &buf
	c, err := w.writeCapture(f, prior)
	w.w = out
	if err == nil {
		_, err = out.Write(buf.Bytes())
	}
	if err != nil {
		w.offset = start
		return Capture{}, err
	}
	return c, nil
}

func (w *Writer) writeCapture(f *Fetch, prior *Prior) (Capture, error) {
	if f.URL == "" {
		return Capture{}, errors.New("warc: fetch has no URL")
	}
	u, err := url.Parse(f.URL)
	if err != nil {
		return Capture{}, fmt.Errorf("warc: fetch URL: %w", err)
	}
	if f.Time.IsZero() {
		return Capture{}, errors.New("warc: fetch has no time")
	}
	at := f.Time.UTC()
	start := w.offset
	digest := PayloadDigest(f.Body)

	respID, err := w.id()
	if err != nil {
		return Capture{}, err
	}

	reqB := newBuilder(gowarc.Request)
	reqB.AddWarcHeaderTime(gowarc.WarcDate, at)
	reqB.AddWarcHeader(gowarc.WarcTargetURI, f.URL)
	reqB.AddWarcHeader(gowarc.WarcConcurrentTo, respID)
	reqB.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
	if f.RemoteIP.IsValid() {
		reqB.AddWarcHeader(gowarc.WarcIPAddress, f.RemoteIP.Unmap().String())
	}
	if _, err := reqB.Write(HTTPRequest(f, u)); err != nil {
		return Capture{}, err
	}
	reqRec, err := w.build(reqB, TypeRequest, f.URL, at, false)
	if err != nil {
		return Capture{}, err
	}

	respB := newBuilder(gowarc.Response)
	respB.AddWarcHeader(gowarc.WarcRecordID, respID)
	respB.AddWarcHeaderTime(gowarc.WarcDate, at)
	respB.AddWarcHeader(gowarc.WarcTargetURI, f.URL)
	respB.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	if f.RemoteIP.IsValid() {
		respB.AddWarcHeader(gowarc.WarcIPAddress, f.RemoteIP.Unmap().String())
	}
	respB.AddWarcHeader(gowarc.WarcPayloadDigest, digest)
	if _, err := respB.Write(HTTPResponse(f)); err != nil {
		return Capture{}, err
	}
	var respRec Record
	revisit := prior != nil && prior.PayloadDigest == digest
	if revisit {
		respRec, err = w.buildRevisit(respB, prior, f.URL, at)
	} else {
		respRec, err = w.build(respB, TypeResponse, f.URL, at, true)
	}
	if err != nil {
		return Capture{}, err
	}

	metaB := newBuilder(gowarc.Metadata)
	metaB.AddWarcHeaderTime(gowarc.WarcDate, at)
	metaB.AddWarcHeader(gowarc.WarcTargetURI, f.URL)
	metaB.AddWarcHeader(gowarc.WarcConcurrentTo, respID)
	metaB.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	if _, err := metaB.Write(MetadataFields(f)); err != nil {
		return Capture{}, err
	}
	metaRec, err := w.build(metaB, TypeMetadata, f.URL, at, false)
	if err != nil {
		return Capture{}, err
	}

	mime := ""
	if f.ResponseHeader != nil {
		mime = mediaType(f.ResponseHeader.Get("Content-Type"))
	}
	return Capture{
		Request:       reqRec,
		Response:      respRec,
		Metadata:      metaRec,
		Revisit:       revisit,
		PayloadDigest: digest,
		StatusCode:    f.StatusCode,
		MIME:          mime,
		URL:           f.URL,
		Time:          at,
		Offset:        start,
		Length:        w.offset - start,
	}, nil
}

func (w *Writer) id() (string, error) {
	id, err := newUUIDURN()
	if err != nil {
		return "", fmt.Errorf("warc: record id: %w", err)
	}
	return id, nil
}

// gowarcOptions serialises the gowarc constructors: each one calls
// uuid.EnableRandPool, which writes a package variable of google/uuid without
// a lock, so two captures built at once race (go test -race sees it). Record
// ids are made here with crypto/rand, so nothing reads that variable.
var gowarcOptions sync.Mutex

func newBuilder(t gowarc.RecordType) gowarc.WarcRecordBuilder {
	gowarcOptions.Lock()
	defer gowarcOptions.Unlock()
	return gowarc.NewRecordBuilder(t,
		gowarc.WithVersion(gowarc.V1_1),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithAddMissingContentLength(true),
		gowarc.WithAddMissingRecordId(true),
		gowarc.WithDefaultDigestAlgorithm("sha256"),
		gowarc.WithDefaultDigestEncoding(gowarc.Base16),
		// A 5 MiB page stays in memory instead of spilling to a temp file.
		gowarc.WithBufferMaxMemBytes(8<<20),
		gowarc.WithSpecViolationPolicy(gowarc.ErrFail),
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrFail),
		gowarc.WithBlockErrorPolicy(gowarc.ErrFail),
	)
}

// build finishes b and writes it; presetID says b already has its
// WARC-Record-ID (the response, which the request and metadata records point
// at before it is built).
func (w *Writer) build(b gowarc.WarcRecordBuilder, t RecordType, target string, at time.Time, presetID bool) (Record, error) {
	if t != TypeRequest && t != TypeResponse && t != TypeMetadata && t != TypeWarcinfo {
		return Record{}, fmt.Errorf("warc: unexpected record type %q", t)
	}
	if !presetID {
		id, err := w.id()
		if err != nil {
			return Record{}, err
		}
		b.AddWarcHeader(gowarc.WarcRecordID, id)
	}
	rec, validation, err := b.Build()
	if err == nil && len(validation) > 0 {
		err = errors.Join(validation...)
	}
	if err != nil {
		_ = b.Close()
		return Record{}, fmt.Errorf("warc: build %s record: %w", t, err)
	}
	defer rec.Close()
	return w.emit(rec, t, target, at)
}

func (w *Writer) buildRevisit(b gowarc.WarcRecordBuilder, prior *Prior, target string, at time.Time) (Record, error) {
	rec, validation, err := b.Build()
	if err == nil && len(validation) > 0 {
		err = errors.Join(validation...)
	}
	if err != nil {
		_ = b.Close()
		return Record{}, fmt.Errorf("warc: build response for revisit: %w", err)
	}
	defer rec.Close()
	ref := &gowarc.RevisitRef{
		Profile:        gowarc.ProfileIdenticalPayloadDigestV1_1,
		TargetRecordId: prior.RecordID,
		TargetUri:      prior.TargetURI,
	}
	if !prior.Date.IsZero() {
		ref.TargetDate = prior.Date.UTC().Format(time.RFC3339Nano)
	}
	rv, err := rec.ToRevisitRecord(ref)
	if err != nil {
		return Record{}, fmt.Errorf("warc: revisit record: %w", err)
	}
	defer rv.Close()
	out, err := w.emit(rv, TypeRevisit, target, at)
	if err != nil {
		return Record{}, err
	}
	out.RefersTo = prior.RecordID
	return out, nil
}

// emit writes rec as one gzip member and advances the offset. The gzip is
// klauspost/compress's (already a dependency of gowarc): on a 1 MiB page it
// is about eight times faster than compress/gzip at the default level for
// about 15% more bytes, and any gzip reader reads it.
func (w *Writer) emit(rec gowarc.WarcRecord, t RecordType, target string, at time.Time) (Record, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return Record{}, err
	}
	if _, _, err := gowarc.NewMarshaler().Marshal(zw, rec, 0); err != nil {
		return Record{}, fmt.Errorf("warc: marshal %s record: %w", t, err)
	}
	if err := zw.Close(); err != nil {
		return Record{}, err
	}
	n, err := w.w.Write(buf.Bytes())
	if err != nil {
		return Record{}, fmt.Errorf("warc: write %s record: %w", t, err)
	}
	h := rec.WarcHeader()
	out := Record{
		ID:            h.Get(gowarc.WarcRecordID),
		Type:          t,
		TargetURI:     target,
		Date:          at,
		Offset:        w.offset,
		Length:        int64(n),
		BlockDigest:   h.Get(gowarc.WarcBlockDigest),
		PayloadDigest: h.Get(gowarc.WarcPayloadDigest),
		ContentType:   h.Get(gowarc.ContentType),
	}
	w.offset += int64(n)
	return out, nil
}

// HTTPRequest serialises the request as HTTP/1.1 wire text. The Host header
// comes first, as a client sends it; the other headers follow sorted so the
// same fetch always gives the same block digest.
func HTTPRequest(f *Fetch, u *url.URL) []byte {
	method := f.Method
	if method == "" {
		method = http.MethodGet
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s\r\n", method, u.RequestURI(), proto(f.Proto))
	host := u.Host
	if f.RequestHeader != nil && f.RequestHeader.Get("Host") != "" {
		host = f.RequestHeader.Get("Host")
	}
	fmt.Fprintf(&b, "Host: %s\r\n", host)
	writeHeader(&b, f.RequestHeader, "Host")
	b.WriteString("\r\n")
	return b.Bytes()
}

// HTTPResponse serialises the response as HTTP/1.1 wire text with f.Body as
// its payload. Go's client has already removed chunked transfer coding (and,
// when it asked for gzip itself, the content coding), so the recorded headers
// drop Transfer-Encoding and carry the Content-Length of the stored body:
// otherwise a replay tool would try to de-chunk or gunzip a body that is
// neither.
func HTTPResponse(f *Fetch) []byte {
	status := f.Status
	if status == "" {
		status = http.StatusText(f.StatusCode)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %d %s\r\n", proto(f.Proto), f.StatusCode, status)
	writeHeader(&b, f.ResponseHeader, "Transfer-Encoding", "Content-Length")
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(f.Body))
	b.Write(f.Body)
	return b.Bytes()
}

// MetadataFields is the metadata record's application/warc-fields block.
func MetadataFields(f *Fetch) []byte {
	var b bytes.Buffer
	field := func(name, value string) {
		fmt.Fprintf(&b, "%s: %s\r\n", name, oneLine(value))
	}
	field("software", Software)
	if f.RemoteIP.IsValid() {
		field("ip-address", f.RemoteIP.Unmap().String())
	}
	for i, c := range f.PeerCertificates {
		sum := sha256.Sum256(c.Raw)
		field("tls-certificate-sha256", fmt.Sprintf("%d %s %s", i, hex.EncodeToString(sum[:]), c.Subject.String()))
	}
	s := f.Settings
	if s.UserAgent != "" {
		field("user-agent", s.UserAgent)
	}
	if s.MaxBodyBytes > 0 {
		field("max-body-bytes", strconv.FormatInt(s.MaxBodyBytes, 10))
	}
	if s.Timeout > 0 {
		field("timeout", s.Timeout.String())
	}
	field("max-redirects", strconv.Itoa(s.MaxRedirects))
	for _, r := range s.Redirects {
		field("redirect-followed", r)
	}
	field("payload-bytes", strconv.Itoa(len(f.Body)))
	return b.Bytes()
}

func writeHeader(b *bytes.Buffer, h http.Header, skip ...string) {
	keys := make([]string, 0, len(h))
outer:
	for k := range h {
		for _, s := range skip {
			if strings.EqualFold(k, s) {
				continue outer
			}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\r\n", k, oneLine(v))
		}
	}
}

func proto(p string) string {
	// HTTP/2 responses are recorded as HTTP/1.1 text: WARC stores the
	// HTTP/1.x message format, and replay tools parse only that.
	if p == "" || strings.HasPrefix(p, "HTTP/2") || strings.HasPrefix(p, "HTTP/3") {
		return "HTTP/1.1"
	}
	return p
}

// oneLine keeps a header value from smuggling a line break into the record.
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}
