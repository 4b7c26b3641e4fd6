package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"gopkg.in/gomail.v2"
)

// Message is one email to send.
type Message struct {
	From    Address
	To      Address
	Cc, Bcc []string // bare addresses
	Content Content
	// Headers are extra headers such as Auto-Submitted; keys must be valid header names.
	Headers map[string]string
}

// Address is an email address with an optional display name.
type Address struct{ Email, Name string }

// Headers that Bytes sets itself and that Message.Headers must not repeat.
var reservedHeaders = []string{
	"From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version",
	"Content-Type", "Content-Transfer-Encoding",
}

// Bytes returns the RFC 5322 message built with gomail: multipart/alternative
// (text then HTML) when Content.HTML is set, text/plain otherwise; UTF-8;
// non-ASCII display names and subjects encoded (RFC 2047); CR/LF in names or
// subject can never start a new header; Date and Message-ID set. Bcc
// addresses are not written, because they belong in the SMTP envelope only.
func (m *Message) Bytes() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}

	email := gomail.NewMessage(gomail.SetCharset("UTF-8"),
		gomail.SetEncoding(gomail.QuotedPrintable))
	email.SetHeader("From", email.FormatAddress(m.From.Email, singleLine(m.From.Name)))
	email.SetHeader("To", email.FormatAddress(m.To.Email, singleLine(m.To.Name)))
	if len(m.Cc) > 0 {
		// SetHeader encodes the values in place, so it gets a copy.
		email.SetHeader("Cc", slices.Clone(m.Cc)...)
	}
	email.SetHeader("Subject", singleLine(m.Content.Subject))
	email.SetDateHeader("Date", time.Now())
	email.SetHeader("Message-ID", newMessageID(m.From.Email))
	for name, value := range m.Headers {
		email.SetHeader(name, value)
	}

	text := m.Content.Text
	if text == "" {
		text = htmlToText(m.Content.HTML)
	}
	email.SetBody("text/plain", text)
	if m.Content.HTML != "" {
		email.AddAlternative("text/html", m.Content.HTML)
	}

	var buf bytes.Buffer
	if _, err := email.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write message: %w", err)
	}
	return buf.Bytes(), nil
}

func (m *Message) validate() error {
	if err := checkAddress("From", m.From.Email); err != nil {
		return err
	}
	if err := checkAddress("To", m.To.Email); err != nil {
		return err
	}
	for _, address := range m.Cc {
		if err := checkAddress("Cc", address); err != nil {
			return err
		}
	}
	for _, address := range m.Bcc {
		if err := checkAddress("Bcc", address); err != nil {
			return err
		}
	}
	if m.Content.Text == "" && m.Content.HTML == "" {
		return errors.New("message has no body: set Content.Text or Content.HTML")
	}
	for name, value := range m.Headers {
		if err := checkHeader(name, value); err != nil {
			return err
		}
	}
	return nil
}

// checkAddress accepts a bare address such as user@example.com.
func checkAddress(field, address string) error {
	if address == "" {
		return fmt.Errorf("missing %s address", field)
	}
	parsed, err := mail.ParseAddress(address)
	if err != nil || parsed.Name != "" || parsed.Address != address {
		return fmt.Errorf("invalid %s address %q: use a bare address such as user@example.com",
			field, address)
	}
	return nil
}

// checkHeader accepts an RFC 5322 field name (printable ASCII except colon)
// with a single-line value.
func checkHeader(name, value string) error {
	if name == "" {
		return errors.New("invalid header: empty name")
	}
	for _, c := range []byte(name) {
		if c < 33 || c > 126 || c == ':' {
			return fmt.Errorf("invalid header name %q: use printable ASCII without spaces or colons",
				name)
		}
	}
	for _, reserved := range reservedHeaders {
		if strings.EqualFold(name, reserved) {
			return fmt.Errorf("invalid header %s: the mail package sets it, use the Message fields",
				name)
		}
	}
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("invalid value of header %s: contains a line break", name)
	}
	return nil
}

// newMessageID returns a random Message-ID in the domain of the sender.
func newMessageID(from string) string {
	domain := "localhost"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	return "<" + randomHex(16) + "@" + domain + ">"
}

func randomHex(n int) string {
	buf := make([]byte, n)
	// crypto/rand.Read never returns an error since Go 1.24.
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}
