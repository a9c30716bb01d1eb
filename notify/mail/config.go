// Package mail sends email over SMTP: its configuration comes from a URL
// (FACTDESK_SMTP_URL) and a sender address (FACTDESK_MAIL_FROM), and each
// message goes out on its own connection, with a plain-text part and an
// optional HTML alternative.
package mail

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TLSMode is how the connection to the server is protected.
type TLSMode string

const (
	// TLSStartTLS upgrades a plain connection with STARTTLS and refuses to
	// go on if the server does not offer it (the submission port, 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (smtps://, port 465).
	TLSImplicit TLSMode = "implicit"
	// TLSNone sends in clear, for a relay on the same host or network
	// (port 25). Credentials are then refused unless the relay is on
	// loopback.
	TLSNone TLSMode = "none"
)

// Config is where and how to send.
type Config struct {
	Host     string
	Port     int
	Username string
	// Password is never printed: String and every error leave it out.
	Password string
	TLS      TLSMode
	From     mail.Address
	// Timeout bounds one message, connecting included (default 30s).
	Timeout time.Duration
	// TLSConfig, when set, replaces the default (verify the server's
	// certificate for Host against the system roots); tests trust their
	// own CA through it.
	TLSConfig *tls.Config
	// HelloName is the name given in EHLO (default "localhost").
	HelloName string
}

// Enabled reports whether mail is configured at all.
func (c Config) Enabled() bool { return c.Host != "" }

// String describes the configuration without the password.
func (c Config) String() string {
	if !c.Enabled() {
		return "mail disabled"
	}
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("smtp %s%s (tls %s) from %s", user, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.TLS, c.From.String())
}

// ParseConfig reads FACTDESK_SMTP_URL and FACTDESK_MAIL_FROM. rawURL is one
// of smtp://user:pass@host:587?tls=starttls (the default for smtp://),
// smtps://user:pass@host:465, or smtp://host:25?tls=none. An empty rawURL
// means mail is off (the zero Config). Errors name the variable and what
// to fix, and never contain the password.
func ParseConfig(rawURL, from string) (Config, error) {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" {
		if strings.TrimSpace(from) != "" {
			return Config{}, fmt.Errorf("FACTDESK_MAIL_FROM is set but FACTDESK_SMTP_URL is not: set the SMTP server like smtp://user:pass@mail.example.org:587")
		}
		return Config{}, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url's error quotes the whole URL, password included.
		return Config{}, fmt.Errorf("FACTDESK_SMTP_URL is not a URL: write it like smtp://user:pass@mail.example.org:587 (percent-encode special characters in the password)")
	}
	c := Config{Host: u.Hostname(), Timeout: 30 * time.Second, HelloName: "localhost"}
	q := u.Query()
	tlsParam := q.Get("tls")
	for k := range q {
		if k != "tls" {
			return Config{}, fmt.Errorf("FACTDESK_SMTP_URL has an unknown parameter %q: the only one is tls (starttls or none)", k)
		}
	}
	switch u.Scheme {
	case "smtp":
		switch tlsParam {
		case "", "starttls":
			c.TLS, c.Port = TLSStartTLS, 587
		case "none":
			c.TLS, c.Port = TLSNone, 25
		default:
			return Config{}, fmt.Errorf("FACTDESK_SMTP_URL has tls=%s: use tls=starttls, tls=none, or the smtps:// scheme for implicit TLS", tlsParam)
		}
	case "smtps":
		if tlsParam != "" && tlsParam != "implicit" {
			return Config{}, fmt.Errorf("FACTDESK_SMTP_URL is smtps:// (TLS from the start) but has tls=%s: drop the parameter, or use smtp:// with it", tlsParam)
		}
		c.TLS, c.Port = TLSImplicit, 465
	default:
		return Config{}, fmt.Errorf("FACTDESK_SMTP_URL has scheme %q: use smtp:// or smtps://", u.Scheme)
	}
	if c.Host == "" {
		return Config{}, fmt.Errorf("FACTDESK_SMTP_URL names no host: write it like smtp://mail.example.org:587")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return Config{}, fmt.Errorf("FACTDESK_SMTP_URL has port %q: use a number from 1 to 65535", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Username == "" {
			return Config{}, fmt.Errorf("FACTDESK_SMTP_URL has a password but no user name")
		}
	}
	if c.Username != "" && c.TLS == TLSNone && !isLoopback(c.Host) {
		return Config{}, fmt.Errorf("FACTDESK_SMTP_URL sends credentials with tls=none to %s, which would put the password on the network in clear: use tls=starttls or smtps://, or a relay on loopback", c.Host)
	}
	from = strings.TrimSpace(from)
	if from == "" {
		return Config{}, fmt.Errorf("FACTDESK_MAIL_FROM is required with FACTDESK_SMTP_URL: set it like \"Factdesk <desk@example.org>\"")
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return Config{}, fmt.Errorf("FACTDESK_MAIL_FROM=%q is not an email address: set it like \"Factdesk <desk@example.org>\"", from)
	}
	c.From = *addr
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
