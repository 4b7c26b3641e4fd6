package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

const testPassword = "s3cret-Passw0rd"

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newTestMessage(to, subject string) *Message {
	return &Message{
		From:    Address{Email: "support@acme.example", Name: "Acme Support"},
		To:      Address{Email: to, Name: "Test User"},
		Content: Content{Subject: subject, Text: "Please turn on two-factor authentication."},
	}
}

// subjectOf parses data as a message and returns its Subject.
func subjectOf(t *testing.T, data []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("received data is not a message: %v\n%s", err, data)
	}
	return msg.Header.Get("Subject")
}

func TestSMTPSend(t *testing.T) {
	cert := newTestCertificate(t)
	tests := []struct {
		name       string
		opts       serverOptions
		encryption string
		wantTLS    bool
	}{
		{"none", serverOptions{}, "none", false},
		{"none with AUTH PLAIN on loopback",
			serverOptions{username: "acme", password: testPassword, insecureAuth: true},
			"none", false},
		{"starttls", serverOptions{tls: cert.server}, "starttls", true},
		{"starttls with AUTH PLAIN",
			serverOptions{tls: cert.server, username: "acme", password: testPassword},
			"starttls", true},
		{"tls", serverOptions{tls: cert.server, implicitTLS: true}, "tls", true},
		{"tls with AUTH LOGIN",
			serverOptions{tls: cert.server, implicitTLS: true, username: "acme",
				password: testPassword, loginOnly: true},
			"tls", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startTestServer(t, tt.opts)
			transport := NewSMTP(server.config(tt.encryption), cert.client, testLogger(t))
			ctx := context.Background()

			first := newTestMessage("ann@example.com", "First")
			second := newTestMessage("bob@example.com", "Second")
			second.Cc = []string{"carol@example.com"}
			second.Bcc = []string{"audit@acme.example"}
			for _, msg := range []*Message{first, second} {
				reply, err := transport.Send(ctx, msg)
				if err != nil {
					t.Fatalf("Send(%s) error: %v", msg.Content.Subject, err)
				}
				if reply != "250 2.0.0 OK: queued" {
					t.Errorf("Send(%s) reply = %q, want %q", msg.Content.Subject, reply,
						"250 2.0.0 OK: queued")
				}
			}
			if err := transport.Close(); err != nil {
				t.Errorf("Close error: %v", err)
			}

			received := server.received()
			if len(received) != 2 {
				t.Fatalf("server received %d messages, want 2", len(received))
			}
			wantRecipients := [][]string{
				{"ann@example.com"},
				{"bob@example.com", "carol@example.com", "audit@acme.example"},
			}
			for i, got := range received {
				if got.from != "support@acme.example" {
					t.Errorf("message %d MAIL FROM = %q, want support@acme.example", i, got.from)
				}
				if !slices.Equal(got.recipients, wantRecipients[i]) {
					t.Errorf("message %d RCPT TO = %v, want %v", i, got.recipients, wantRecipients[i])
				}
				if got.connection != 1 {
					t.Errorf("message %d came on connection %d, want 1", i, got.connection)
				}
				if got.tls != tt.wantTLS {
					t.Errorf("message %d TLS = %v, want %v", i, got.tls, tt.wantTLS)
				}
				if got.helo != "mfa-reminder.test" {
					t.Errorf("message %d EHLO name = %q, want mfa-reminder.test", i, got.helo)
				}
			}
			if got := subjectOf(t, received[1].data); got != "Second" {
				t.Errorf("second message Subject = %q, want Second", got)
			}
			if bytes.Contains(received[1].data, []byte("audit@acme.example")) {
				t.Errorf("message data reveals the Bcc address")
			}
			if got := server.connectionCount(); got != 1 {
				t.Errorf("transport opened %d connections, want 1", got)
			}
		})
	}
}

func TestSMTPSendRejected(t *testing.T) {
	tests := []struct {
		name          string
		opts          serverOptions
		wantCode      int
		wantReply     string
		wantTemporary bool
		wantCommand   string
	}{
		{
			name: "recipient 550",
			opts: serverOptions{rejected: map[string]*smtp.SMTPError{"nobody@example.com": {
				Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}}},
			wantCode:    550,
			wantReply:   "550 5.1.1 mailbox unavailable",
			wantCommand: "RCPT TO:<nobody@example.com>",
		},
		{
			name: "recipient 450",
			opts: serverOptions{rejected: map[string]*smtp.SMTPError{"nobody@example.com": {
				Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "try again later"}}},
			wantCode:      450,
			wantReply:     "450 4.2.1 try again later",
			wantTemporary: true,
			wantCommand:   "RCPT TO:<nobody@example.com>",
		},
		{
			name: "DATA 554",
			opts: serverOptions{rejectedData: map[string]*smtp.SMTPError{"nobody@example.com": {
				Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "spam detected"}}},
			wantCode:    554,
			wantReply:   "554 5.7.1 spam detected",
			wantCommand: "the message",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startTestServer(t, tt.opts)
			transport := NewSMTP(server.config("none"), nil, testLogger(t))
			defer transport.Close()
			ctx := context.Background()

			_, err := transport.Send(ctx, newTestMessage("nobody@example.com", "Rejected"))
			rejected, ok := err.(*RejectedError)
			if !ok {
				t.Fatalf("Send error = %v (%T), want *RejectedError", err, err)
			}
			if rejected.Code != tt.wantCode {
				t.Errorf("Code = %d, want %d", rejected.Code, tt.wantCode)
			}
			if rejected.Reply != tt.wantReply {
				t.Errorf("Reply = %q, want %q", rejected.Reply, tt.wantReply)
			}
			if rejected.Temporary != tt.wantTemporary {
				t.Errorf("Temporary = %v, want %v", rejected.Temporary, tt.wantTemporary)
			}
			wantError := "SMTP server rejected " + tt.wantCommand + ": " + tt.wantReply
			if rejected.Error() != wantError {
				t.Errorf("Error() = %q, want %q", rejected.Error(), wantError)
			}

			reply, err := transport.Send(ctx, newTestMessage("ann@example.com", "Accepted"))
			if err != nil {
				t.Fatalf("Send after the rejection error: %v", err)
			}
			if !strings.HasPrefix(reply, "250 ") {
				t.Errorf("reply = %q, want 250", reply)
			}
			received := server.received()
			if len(received) != 1 {
				t.Fatalf("server received %d messages, want 1", len(received))
			}
			if !slices.Equal(received[0].recipients, []string{"ann@example.com"}) {
				t.Errorf("RCPT TO = %v, want only ann@example.com", received[0].recipients)
			}
			if got := server.connectionCount(); got != 1 {
				t.Errorf("transport opened %d connections, want 1", got)
			}
		})
	}
}

func TestSMTPSendReconnectsAfterDrop(t *testing.T) {
	server := startTestServer(t, serverOptions{})
	transport := NewSMTP(server.config("none"), nil, testLogger(t))
	defer transport.Close()
	ctx := context.Background()

	if _, err := transport.Send(ctx, newTestMessage("ann@example.com", "First")); err != nil {
		t.Fatalf("first Send error: %v", err)
	}
	server.dropConnections()
	if _, err := transport.Send(ctx, newTestMessage("bob@example.com", "Second")); err != nil {
		t.Fatalf("Send after the server dropped the connection error: %v", err)
	}

	received := server.received()
	if len(received) != 2 {
		t.Fatalf("server received %d messages, want 2", len(received))
	}
	if received[0].connection != 1 || received[1].connection != 2 {
		t.Errorf("messages came on connections %d and %d, want 1 and 2",
			received[0].connection, received[1].connection)
	}
	if got := subjectOf(t, received[1].data); got != "Second" {
		t.Errorf("second message Subject = %q, want Second", got)
	}
}

func TestSMTPSendServiceClosing(t *testing.T) {
	tests := []struct {
		name           string
		closingReplies int
		wantErr        bool
		wantReceived   int
	}{
		{"retried once", 1, false, 1},
		{"fails after one retry", 2, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startTestServer(t, serverOptions{closingReplies: tt.closingReplies})
			transport := NewSMTP(server.config("none"), nil, testLogger(t))
			defer transport.Close()

			_, err := transport.Send(context.Background(), newTestMessage("ann@example.com", "Hi"))
			if tt.wantErr {
				var rejected *RejectedError
				if !errors.As(err, &rejected) || rejected.Code != 421 || !rejected.Temporary {
					t.Errorf("Send error = %v, want a temporary *RejectedError with code 421", err)
				}
			} else if err != nil {
				t.Errorf("Send error: %v", err)
			}
			if got := len(server.received()); got != tt.wantReceived {
				t.Errorf("server received %d messages, want %d", got, tt.wantReceived)
			}
			if got := server.connectionCount(); got != 2 {
				t.Errorf("transport opened %d connections, want 2", got)
			}
		})
	}
}

func TestSMTPSendNoResendAfterData(t *testing.T) {
	server := startTestServer(t, serverOptions{dropAfterData: true})
	transport := NewSMTP(server.config("none"), nil, testLogger(t))
	defer transport.Close()

	_, err := transport.Send(context.Background(), newTestMessage("ann@example.com", "Once"))
	if err == nil {
		t.Fatal("Send returned no error although the server closed the connection before replying")
	}
	if !strings.Contains(err.Error(), "the server may have accepted the message") {
		t.Errorf("error %q does not say that the message may have been accepted", err)
	}
	if got := len(server.received()); got != 1 {
		t.Errorf("server received %d messages, want exactly 1", got)
	}
	if got := server.connectionCount(); got != 1 {
		t.Errorf("transport opened %d connections, want 1", got)
	}
}

func TestSMTPSendStartTLSNotOffered(t *testing.T) {
	server := startTestServer(t, serverOptions{})
	transport := NewSMTP(server.config("starttls"), nil, testLogger(t))
	defer transport.Close()

	_, err := transport.Send(context.Background(), newTestMessage("ann@example.com", "Hi"))
	if err == nil {
		t.Fatal("Send returned no error from a server without STARTTLS")
	}
	for _, want := range []string{
		server.address(), "does not offer STARTTLS: set smtp.encryption to tls or none",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if got := len(server.received()); got != 0 {
		t.Errorf("server received %d messages, want 0", got)
	}
}

func TestSMTPSendAuthFailed(t *testing.T) {
	cert := newTestCertificate(t)
	server := startTestServer(t, serverOptions{tls: cert.server, username: "acme",
		password: testPassword})
	cfg := server.config("starttls")
	cfg.Password = "wrong-" + testPassword
	transport := NewSMTP(cfg, cert.client, testLogger(t))
	defer transport.Close()

	_, err := transport.Send(context.Background(), newTestMessage("ann@example.com", "Hi"))
	if err == nil {
		t.Fatal("Send returned no error with a wrong password")
	}
	for _, want := range []string{"AUTH PLAIN", `"acme"`, server.address(), "535",
		"check smtp.username and smtp.password"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Errorf("error %q contains the password", err)
	}
}

func TestSMTPSendContext(t *testing.T) {
	t.Run("cancelled before", func(t *testing.T) {
		server := startTestServer(t, serverOptions{})
		transport := NewSMTP(server.config("none"), nil, testLogger(t))
		defer transport.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		_, err := transport.Send(ctx, newTestMessage("ann@example.com", "Hi"))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send error = %v, want context.Canceled", err)
		}
		if got := server.connectionCount(); got != 0 {
			t.Errorf("transport opened %d connections, want 0", got)
		}
	})

	t.Run("deadline during DATA", func(t *testing.T) {
		server := startTestServer(t, serverOptions{stall: make(chan struct{})})
		transport := NewSMTP(server.config("none"), nil, testLogger(t))
		defer transport.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()

		start := time.Now()
		_, err := transport.Send(ctx, newTestMessage("ann@example.com", "Hi"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Send error = %v, want context.DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("Send returned after %v, want soon after the 200ms deadline", elapsed)
		}
		if got := server.connectionCount(); got != 1 {
			t.Errorf("transport opened %d connections, want 1 (no retry)", got)
		}
	})
}

func TestSMTPSendInvalidMessage(t *testing.T) {
	server := startTestServer(t, serverOptions{})
	transport := NewSMTP(server.config("none"), nil, testLogger(t))
	defer transport.Close()

	_, err := transport.Send(context.Background(), newTestMessage("not an address", "Hi"))
	if err == nil || !strings.Contains(err.Error(), "build message: invalid To address") {
		t.Errorf("Send error = %v, want build message: invalid To address", err)
	}
	if got := server.connectionCount(); got != 0 {
		t.Errorf("transport opened %d connections, want 0", got)
	}
}

func TestSMTPSendAfterClose(t *testing.T) {
	server := startTestServer(t, serverOptions{})
	transport := NewSMTP(server.config("none"), nil, nil)
	if _, err := transport.Send(context.Background(), newTestMessage("a@example.com", "Hi")); err != nil {
		t.Fatalf("Send error: %v", err)
	}
	if err := transport.Close(); err != nil {
		t.Fatalf("Close error: %v", err)
	}

	_, err := transport.Send(context.Background(), newTestMessage("b@example.com", "Hi"))
	if !errors.Is(err, errTransportClosed) {
		t.Errorf("Send after Close error = %v, want %v", err, errTransportClosed)
	}
	if err := transport.Close(); err != nil {
		t.Errorf("second Close error: %v", err)
	}
}

func TestSMTPSendConcurrent(t *testing.T) {
	server := startTestServer(t, serverOptions{})
	transport := NewSMTP(server.config("none"), nil, testLogger(t))
	defer transport.Close()

	const count = 8
	var wg sync.WaitGroup
	errs := make(chan error, count)
	for i := range count {
		wg.Go(func() {
			to := fmt.Sprintf("user%d@example.com", i)
			if _, err := transport.Send(context.Background(), newTestMessage(to, "Hi")); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Send error: %v", err)
	}
	if got := len(server.received()); got != count {
		t.Errorf("server received %d messages, want %d", got, count)
	}
	if got := server.connectionCount(); got != 1 {
		t.Errorf("transport opened %d connections, want 1", got)
	}
}
