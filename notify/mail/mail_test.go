package mail_test

import (
	"context"
	"crypto/tls"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/smtptest"
	"github.com/factdesk/factdesk/notify/mail"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	ok := []struct {
		url  string
		want mail.Config
	}{
		{"smtp://ana:s%40cret@mail.example.org:587?tls=starttls", mail.Config{Host: "mail.example.org", Port: 587, Username: "ana", Password: "s@cret", TLS: mail.TLSStartTLS}},
		{"smtp://ana:pw@mail.example.org", mail.Config{Host: "mail.example.org", Port: 587, Username: "ana", Password: "pw", TLS: mail.TLSStartTLS}},
		{"smtps://ana:pw@mail.example.org", mail.Config{Host: "mail.example.org", Port: 465, Username: "ana", Password: "pw", TLS: mail.TLSImplicit}},
		{"smtp://relay.internal:25?tls=none", mail.Config{Host: "relay.internal", Port: 25, TLS: mail.TLSNone}},
		{"smtp://relay.internal?tls=none", mail.Config{Host: "relay.internal", Port: 25, TLS: mail.TLSNone}},
		{"smtp://u:p4ss@127.0.0.1:2525?tls=none", mail.Config{Host: "127.0.0.1", Port: 2525, Username: "u", Password: "p4ss", TLS: mail.TLSNone}},
	}
	for _, tc := range ok {
		got, err := mail.ParseConfig(tc.url, "Desk <desk@example.org>")
		if err != nil {
			t.Errorf("ParseConfig(%q) = %v", tc.url, err)
			continue
		}
		if got.Host != tc.want.Host || got.Port != tc.want.Port || got.Username != tc.want.Username ||
			got.Password != tc.want.Password || got.TLS != tc.want.TLS || got.From.Address != "desk@example.org" {
			t.Errorf("ParseConfig(%q) = %+v, want %+v", tc.url, got, tc.want)
		}
		if strings.Contains(got.String(), "cret") || (got.Password != "" && strings.Contains(got.String(), got.Password)) {
			t.Errorf("String() = %q shows the password", got.String())
		}
	}
	bad := []struct{ url, from, says string }{
		{"http://mail.example.org", "desk@example.org", "scheme"},
		{"smtp://mail.example.org?tls=maybe", "desk@example.org", "tls=maybe"},
		{"smtps://mail.example.org?tls=none", "desk@example.org", "smtps://"},
		{"smtp://mail.example.org?port=1", "desk@example.org", "unknown parameter"},
		{"smtp://:587", "desk@example.org", "no host"},
		{"smtp://mail.example.org:99999", "desk@example.org", "port"},
		{"smtp://ana:hunter2@mail.example.org?tls=none", "desk@example.org", "in clear"},
		{"smtp://mail.example.org", "", "FACTDESK_MAIL_FROM is required"},
		{"smtp://mail.example.org", "not an address", "not an email address"},
		{"smtp://ana:hunter2@mail example.org", "desk@example.org", "not a URL"},
		{"", "desk@example.org", "FACTDESK_SMTP_URL is not"},
	}
	for _, tc := range bad {
		_, err := mail.ParseConfig(tc.url, tc.from)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseConfig(%q, %q) = %v, want an error saying %q", tc.url, tc.from, err, tc.says)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseConfig(%q) error %q shows the password", tc.url, err)
		}
	}
	if c, err := mail.ParseConfig("", ""); err != nil || c.Enabled() {
		t.Errorf("ParseConfig(\"\", \"\") = %+v, %v; want mail off", c, err)
	}
}

// TestSend delivers to a real server on loopback in each TLS mode and reads
// the message back as a mail client would.
func TestSend(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"none", "starttls", "implicit"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			tlsOpt := mode
			if mode == "none" {
				tlsOpt = ""
			}
			srv := smtptest.Start(t, smtptest.Options{Username: "desk", Password: "pa:ss", TLS: tlsOpt})
			raw := "smtp://desk:pa%3Ass@" + srv.Addr() + "?tls=" + mode
			if mode == "implicit" {
				raw = "smtps://desk:pa%3Ass@" + srv.Addr()
			}
			cfg, err := mail.ParseConfig(raw, "Factdesk <desk@example.org>")
			if err != nil {
				t.Fatal(err)
			}
			cfg.TLSConfig = &tls.Config{RootCAs: srv.RootCAs}
			msg := &mail.Message{
				To: netmail.Address{Name: "Elena Ruiz", Address: "elena@example.org"}, Subject: "Asignada: «la declaración»",
				Text:    "Line one\nhttps://desk.example.org/claims/7\n" + strings.Repeat("long ", 40),
				HTML:    `<p>Line one <a href="https://desk.example.org/claims/7">claim</a></p>`,
				Headers: map[string]string{"List-Unsubscribe": "<https://desk.example.org/u?t=1>", "X-Evil": "a\r\nBcc: x@example.org"},
			}
			if err := mail.NewSender(cfg).Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("server got %d messages, want 1", len(got))
			}
			r := got[0]
			if r.From != "desk@example.org" || len(r.To) != 1 || r.To[0] != "elena@example.org" || r.Authed != "desk" || r.TLS != (mode != "none") {
				t.Errorf("envelope = from %q to %v authed %q tls %v", r.From, r.To, r.Authed, r.TLS)
			}
			m := r.Parse(t)
			subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			if subject != msg.Subject || m.Header.Get("List-Unsubscribe") != "<https://desk.example.org/u?t=1>" || m.Header.Get("Bcc") != "" {
				t.Errorf("headers = %v (subject %q)", m.Header, subject)
			}
			text, html := r.Parts(t)
			if text != strings.ReplaceAll(msg.Text, "\n", "\r\n") || html != msg.HTML {
				t.Errorf("parts = %q / %q", text, html)
			}
		})
	}
}

// TestStartTLSRequired: a server without STARTTLS gets nothing, not the
// password in clear.
func TestStartTLSRequired(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{Username: "desk", Password: "pw"})
	cfg, err := mail.ParseConfig("smtp://desk:pw@"+srv.Addr(), "desk@example.org")
	if err != nil {
		t.Fatal(err)
	}
	err = mail.NewSender(cfg).Send(context.Background(), &mail.Message{To: netmail.Address{Address: "a@example.org"}, Subject: "x", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || strings.Contains(err.Error(), "pw") {
		t.Errorf("Send = %v, want a refusal naming STARTTLS", err)
	}
	if srv.Count() != 0 {
		t.Errorf("server got %d messages, want none", srv.Count())
	}
	wrong, _ := mail.ParseConfig("smtp://desk:wrong@"+srv.Addr()+"?tls=none", "desk@example.org")
	err = mail.NewSender(wrong).Send(context.Background(), &mail.Message{To: netmail.Address{Address: "a@example.org"}, Subject: "x", Text: "x"})
	if err == nil || strings.Contains(err.Error(), "wrong") {
		t.Errorf("Send with a wrong password = %v, want an error without the password", err)
	}
}
