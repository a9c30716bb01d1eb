package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"sort"
	"strings"
	"time"
)

// Message is one email to one person.
type Message struct {
	To      mail.Address
	Subject string
	// Text is the plain-text body, always sent; HTML, when set, is sent as
	// its alternative.
	Text string
	HTML string
	// Headers adds headers such as List-Unsubscribe. Line breaks in names
	// or values are removed, so no value can inject a header.
	Headers map[string]string
}

// Encode renders the message as RFC 5322 bytes with CRLF line ends.
func (m *Message) Encode(from mail.Address, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	h := textproto.MIMEHeader{}
	h.Set("From", from.String())
	h.Set("To", m.To.String())
	h.Set("Subject", mime.QEncoding.Encode("utf-8", clean(m.Subject)))
	h.Set("Date", now.Format(time.RFC1123Z))
	h.Set("Message-ID", messageID(from))
	h.Set("MIME-Version", "1.0")
	h.Set("Auto-Submitted", "auto-generated")
	for k, v := range m.Headers {
		h.Set(clean(k), clean(v))
	}
	if m.HTML == "" {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		writeHeader(&b, h)
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h.Set("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	writeHeader(&b, h)
	for _, part := range []struct{ typ, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.text); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

func writeHeader(b *bytes.Buffer, h textproto.MIMEHeader) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
}

func writeQP(w interface{ Write([]byte) (int, error) }, text string) error {
	qp := quotedprintable.NewWriter(w)
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(text)); err != nil {
		return err
	}
	return qp.Close()
}

// clean removes the line breaks that would end a header early.
func clean(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

func messageID(from mail.Address) string {
	var r [12]byte
	rand.Read(r[:])
	_, domain, ok := strings.Cut(from.Address, "@")
	if !ok {
		domain = "factdesk.invalid"
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}
