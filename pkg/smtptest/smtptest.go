// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 inside a test process and records every message it accepts.
package smtptest

import (
	"bytes"
	"io"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Parsed returns the message parsed as RFC 5322.
func (m Message) Parsed() (*mail.Message, error) {
	return mail.ReadMessage(bytes.NewReader(m.Data))
}

// Server is a running SMTP server.
type Server struct {
	Host string
	Port int

	server   *smtp.Server
	mu       sync.Mutex
	messages []Message
	rejected map[string]*smtp.SMTPError
	// stalled maps a recipient to how long the server waits before it
	// replies to the end of that recipient's message.
	stalled map[string]time.Duration
}

// Start starts a server on a free port of 127.0.0.1 that accepts every
// message, and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen for SMTP: %v", err)
	}

	s := &Server{rejected: map[string]*smtp.SMTPError{}, stalled: map[string]time.Duration{}}
	s.server = smtp.NewServer(s)
	s.server.Domain = "localhost"
	s.server.ReadTimeout = 10 * time.Second
	s.server.WriteTimeout = 10 * time.Second
	s.server.AllowInsecureAuth = true
	s.server.ErrorLog = quietLogger{}

	address := listener.Addr().(*net.TCPAddr)
	s.Host, s.Port = "127.0.0.1", address.Port
	go func() { _ = s.server.Serve(listener) }()
	t.Cleanup(func() { s.server.Close() })
	return s
}

// Addr returns host:port.
func (s *Server) Addr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// Config returns an SMTP configuration for this server, without
// encryption or authentication.
func (s *Server) Config() config.SMTPConfig {
	smtp := config.Default().SMTP
	smtp.Host, smtp.Port, smtp.Encryption = s.Host, s.Port, "none"
	smtp.From, smtp.FromName = "noreply@example-hosting.test", "Example Hosting"
	smtp.Timeout = 5 * time.Second
	return smtp
}

// Reject makes the server refuse the recipient address with code and
// text, for example 550 and "mailbox unavailable".
func (s *Server) Reject(address string, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[strings.ToLower(address)] = &smtp.SMTPError{Code: code, Message: text}
}

// Stall makes the server keep a message to address, then wait for delay
// before it replies to the end of DATA, as an overloaded server does.
func (s *Server) Stall(address string, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stalled[strings.ToLower(address)] = delay
}

// Accept removes a rejection set with Reject.
func (s *Server) Accept(address string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rejected, strings.ToLower(address))
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// MessagesTo returns the accepted messages with address among the
// recipients.
func (s *Server) MessagesTo(address string) []Message {
	var found []Message
	for _, message := range s.Messages() {
		for _, to := range message.To {
			if strings.EqualFold(to, address) {
				found = append(found, message)
				break
			}
		}
	}
	return found
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &session{server: s}, nil
}

type session struct {
	server  *Server
	current Message
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.current = Message{From: from}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.server.mu.Lock()
	rejection := x.server.rejected[strings.ToLower(to)]
	x.server.mu.Unlock()
	if rejection != nil {
		return rejection
	}
	x.current.To = append(x.current.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.current.Data = data
	x.server.mu.Lock()
	x.server.messages = append(x.server.messages, x.current)
	var delay time.Duration
	for _, to := range x.current.To {
		delay = max(delay, x.server.stalled[strings.ToLower(to)])
	}
	x.server.mu.Unlock()
	time.Sleep(delay)
	return nil
}

func (x *session) Reset()        { x.current = Message{} }
func (x *session) Logout() error { return nil }

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}
func (quietLogger) Println(...any)        {}
