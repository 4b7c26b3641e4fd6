package mail

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// mailPart is one decoded body part of a parsed message.
type mailPart struct {
	mediaType string
	charset   string
	body      string // decoded, with \n line endings
}

// parseMessage parses raw with net/mail and returns its header and its
// text parts in order.
func parseMessage(t *testing.T, raw []byte) (mail.Header, []mailPart) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot parse the message: %v\n%s", err, raw)
	}

	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("invalid Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		part := decodePart(t, mediaType, params["charset"],
			msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		return msg.Header, []mailPart{part}
	}
	if mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, want multipart/alternative", mediaType)
	}

	var parts []mailPart
	reader := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := reader.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read MIME part: %v", err)
		}
		partType, partParams, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("invalid part Content-Type %q: %v", p.Header.Get("Content-Type"), err)
		}
		parts = append(parts, decodePart(t, partType, partParams["charset"],
			p.Header.Get("Content-Transfer-Encoding"), p))
	}
	return msg.Header, parts
}

func decodePart(t *testing.T, mediaType, charset, encoding string, r io.Reader) mailPart {
	t.Helper()
	if encoding != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding of %s = %q, want quoted-printable", mediaType, encoding)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		t.Fatalf("decode %s part: %v", mediaType, err)
	}
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	return mailPart{mediaType: mediaType, charset: charset, body: text}
}

func testMessage() *Message {
	return &Message{
		From: Address{Email: "support@acme.example", Name: "Acme Support"},
		To:   Address{Email: "juergen@example.com", Name: "Jürgen Müller"},
		Content: Content{
			Subject: "Sichern Sie Ihr Konto – jetzt",
			HTML:    "<p>Hallo Jürgen,</p>\n<p>bitte aktivieren Sie die Zwei-Faktor-Authentifizierung.</p>",
			Text:    "Hallo Jürgen,\n\nbitte aktivieren Sie die Zwei-Faktor-Authentifizierung.",
		},
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}
}

func TestMessageBytesHeaders(t *testing.T) {
	raw, err := testMessage().Bytes()
	if err != nil {
		t.Fatalf("Bytes error: %v", err)
	}
	header, _ := parseMessage(t, raw)

	from, err := header.AddressList("From")
	if err != nil || len(from) != 1 {
		t.Fatalf("From = %q: %v", header.Get("From"), err)
	}
	if from[0].Name != "Acme Support" || from[0].Address != "support@acme.example" {
		t.Errorf("From = %+v, want Acme Support <support@acme.example>", from[0])
	}

	to, err := header.AddressList("To")
	if err != nil || len(to) != 1 {
		t.Fatalf("To = %q: %v", header.Get("To"), err)
	}
	if to[0].Name != "Jürgen Müller" || to[0].Address != "juergen@example.com" {
		t.Errorf("To = %+v, want Jürgen Müller <juergen@example.com>", to[0])
	}
	if !strings.Contains(header.Get("To"), "=?UTF-8?") {
		t.Errorf("raw To %q is not RFC 2047 encoded", header.Get("To"))
	}

	subject, err := new(mime.WordDecoder).DecodeHeader(header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode Subject %q: %v", header.Get("Subject"), err)
	}
	if subject != "Sichern Sie Ihr Konto – jetzt" {
		t.Errorf("Subject = %q, want %q", subject, "Sichern Sie Ihr Konto – jetzt")
	}
	if !strings.HasPrefix(header.Get("Subject"), "=?UTF-8?") {
		t.Errorf("raw Subject %q is not RFC 2047 encoded", header.Get("Subject"))
	}

	date, err := header.Date()
	if err != nil {
		t.Errorf("Date %q: %v", header.Get("Date"), err)
	}
	if time.Since(date) > time.Minute || time.Since(date) < -time.Minute {
		t.Errorf("Date = %v, want about now", date)
	}

	id := header.Get("Message-Id")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@acme.example>") || len(id) < 20 {
		t.Errorf("Message-ID = %q, want <random@acme.example>", id)
	}
	if got := header.Get("Mime-Version"); got != "1.0" {
		t.Errorf("MIME-Version = %q, want 1.0", got)
	}
	if got := header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted = %q, want auto-generated", got)
	}
}

func TestMessageBytesMessageIDUnique(t *testing.T) {
	first, err := testMessage().Bytes()
	if err != nil {
		t.Fatalf("Bytes error: %v", err)
	}
	second, err := testMessage().Bytes()
	if err != nil {
		t.Fatalf("Bytes error: %v", err)
	}
	firstHeader, _ := parseMessage(t, first)
	secondHeader, _ := parseMessage(t, second)
	if firstHeader.Get("Message-Id") == secondHeader.Get("Message-Id") {
		t.Errorf("two messages share Message-ID %q", firstHeader.Get("Message-Id"))
	}
}

func TestMessageBytesParts(t *testing.T) {
	msg := testMessage()
	tests := []struct {
		name    string
		content Content
		want    []mailPart
	}{
		{
			name:    "HTML and text",
			content: msg.Content,
			want: []mailPart{
				{mediaType: "text/plain", charset: "UTF-8", body: msg.Content.Text},
				{mediaType: "text/html", charset: "UTF-8", body: msg.Content.HTML},
			},
		},
		{
			name:    "text only",
			content: Content{Subject: "s", Text: "Hallo Jürgen,\n\n" + strings.Repeat("long line ", 20)},
			want: []mailPart{{mediaType: "text/plain", charset: "UTF-8",
				body: "Hallo Jürgen,\n\n" + strings.Repeat("long line ", 20)}},
		},
		{
			name:    "HTML without text",
			content: Content{Subject: "s", HTML: "<p>a &amp; b</p>"},
			want: []mailPart{
				{mediaType: "text/plain", charset: "UTF-8", body: "a & b"},
				{mediaType: "text/html", charset: "UTF-8", body: "<p>a &amp; b</p>"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg.Content = tt.content
			raw, err := msg.Bytes()
			if err != nil {
				t.Fatalf("Bytes error: %v", err)
			}
			_, parts := parseMessage(t, raw)
			if len(parts) != len(tt.want) {
				t.Fatalf("got %d parts, want %d", len(parts), len(tt.want))
			}
			for i, want := range tt.want {
				if parts[i] != want {
					t.Errorf("part %d = %+v, want %+v", i, parts[i], want)
				}
			}
		})
	}
}

func TestMessageBytesHeaderInjection(t *testing.T) {
	const injection = "\r\nBcc: evil@example.com"
	msg := testMessage()
	msg.From.Name = "Acme" + injection
	msg.To.Name = "Eve" + injection
	msg.Content.Subject = "Hello" + injection + "\nX-Injected: yes"

	raw, err := msg.Bytes()
	if err != nil {
		t.Fatalf("Bytes error: %v", err)
	}
	header, _ := parseMessage(t, raw)

	if got := header.Get("Bcc"); got != "" {
		t.Errorf("Bcc header = %q, want none", got)
	}
	if got := header.Get("X-Injected"); got != "" {
		t.Errorf("X-Injected header = %q, want none", got)
	}
	if bytes.Contains(bytes.ToLower(raw), []byte("\nbcc:")) {
		t.Errorf("raw message contains a Bcc line:\n%s", raw)
	}
	to, err := header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "juergen@example.com" {
		t.Errorf("To = %q (%v), want one address juergen@example.com", header.Get("To"), err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode Subject: %v", err)
	}
	if strings.ContainsAny(subject, "\r\n") {
		t.Errorf("Subject %q contains a line break", subject)
	}
}

func TestMessageBytesRecipients(t *testing.T) {
	msg := testMessage()
	msg.Cc = []string{"billing@example.com", "owner@example.com"}
	msg.Bcc = []string{"audit@acme.example"}

	raw, err := msg.Bytes()
	if err != nil {
		t.Fatalf("Bytes error: %v", err)
	}
	header, _ := parseMessage(t, raw)

	cc, err := header.AddressList("Cc")
	if err != nil || len(cc) != 2 {
		t.Fatalf("Cc = %q (%v), want two addresses", header.Get("Cc"), err)
	}
	if cc[0].Address != "billing@example.com" || cc[1].Address != "owner@example.com" {
		t.Errorf("Cc = %v, want billing@example.com and owner@example.com", cc)
	}
	if header.Get("Bcc") != "" || bytes.Contains(raw, []byte("audit@acme.example")) {
		t.Errorf("message reveals the Bcc address:\n%s", raw)
	}
}

func TestMessageBytesInvalid(t *testing.T) {
	tests := []struct {
		name   string
		modify func(m *Message)
		want   string
	}{
		{"missing From", func(m *Message) { m.From.Email = "" }, "missing From address"},
		{"From with name", func(m *Message) { m.From.Email = "Acme <a@acme.example>" },
			`invalid From address "Acme <a@acme.example>"`},
		{"To with line break", func(m *Message) { m.To.Email = "a@example.com\r\nBcc: b@example.com" },
			"invalid To address"},
		{"invalid Cc", func(m *Message) { m.Cc = []string{"not an address"} }, "invalid Cc address"},
		{"invalid Bcc", func(m *Message) { m.Bcc = []string{"a@b@c"} }, "invalid Bcc address"},
		{"no body", func(m *Message) { m.Content = Content{Subject: "s"} }, "message has no body"},
		{"header name with space", func(m *Message) { m.Headers = map[string]string{"X Bad": "1"} },
			`invalid header name "X Bad"`},
		{"header name with colon", func(m *Message) { m.Headers = map[string]string{"X:": "1"} },
			`invalid header name "X:"`},
		{"header value with line break",
			func(m *Message) { m.Headers = map[string]string{"X-Tag": "a\nBcc: b@example.com"} },
			"invalid value of header X-Tag: contains a line break"},
		{"reserved header", func(m *Message) { m.Headers = map[string]string{"bcc": "b@example.com"} },
			"invalid header bcc: the mail package sets it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := testMessage()
			tt.modify(msg)
			raw, err := msg.Bytes()
			if err == nil {
				t.Fatalf("Bytes returned no error and\n%s", raw)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}
