package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

// Transport sends messages. One Transport is used for one reminder pass and then closed.
type Transport interface {
	// Send delivers msg and returns the server's final reply to DATA (for example
	// "250 2.0.0 Ok: queued as 4Xyz"); for the outbox, the file path.
	Send(ctx context.Context, msg *Message) (reply string, err error)
	Close() error
}

// RejectedError means the server refused this message (4xx/5xx to MAIL, RCPT
// or DATA). The connection remains usable for the next message. Reply is the
// server's code and text, e.g. "550 5.1.1 mailbox unavailable". Temporary is
// true for 4xx.
type RejectedError struct {
	Code      int
	Reply     string
	Temporary bool

	command string // such as "RCPT TO:<user@example.com>"; may be empty
}

func (e *RejectedError) Error() string {
	if e.command == "" {
		return "SMTP server rejected the message: " + e.Reply
	}
	return "SMTP server rejected " + e.command + ": " + e.Reply
}

// ErrUnconfirmed is wrapped by the error of a message whose connection
// failed after the whole message was sent and before the server replied.
// The server may have queued it, so sending it again could deliver it
// twice.
var ErrUnconfirmed = errors.New("the server may have accepted the message before the connection failed")

// errTransportClosed is returned by Send after Close.
var errTransportClosed = errors.New("mail transport is closed")

// NewSMTP returns a Transport over one SMTP connection, opened on the first
// Send and reused. When the connection has dropped (EOF, reset, timeout, 421)
// it reconnects once and sends that message again once. It does not resend
// when the connection fails after the whole message was sent and before the
// server replied, because the server may already have queued it.
//
// cfg.Encryption selects plain SMTP ("none"), STARTTLS, which the server
// must offer ("starttls"), or implicit TLS ("tls"). When cfg.Username is set
// it authenticates with AUTH PLAIN, or LOGIN when the server offers only
// that. cfg.Timeout bounds every command. tlsConfig may be nil, which means
// the system roots and ServerName cfg.Host.
func NewSMTP(cfg config.SMTPConfig, tlsConfig *tls.Config, logger *slog.Logger) Transport {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &smtpTransport{cfg: cfg, tlsConfig: tlsConfig, logger: logger}
}

type smtpTransport struct {
	cfg       config.SMTPConfig
	tlsConfig *tls.Config
	logger    *slog.Logger

	mu      sync.Mutex // serialises Send and Close on the one connection
	session *session   // nil until the first Send and after a failure
	closed  bool
}

// envelope is the SMTP sender and recipients of a message.
type envelope struct {
	from       string
	recipients []string
}

func (t *smtpTransport) Send(ctx context.Context, msg *Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	data, err := msg.Bytes()
	if err != nil {
		return "", fmt.Errorf("build message: %w", err)
	}
	env := envelope{from: msg.From.Email, recipients: []string{msg.To.Email}}
	env.recipients = append(env.recipients, msg.Cc...)
	env.recipients = append(env.recipients, msg.Bcc...)

	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return "", errTransportClosed
	}

	reply, err := t.sendOnce(ctx, env, data)
	var failure *deliveryFailure
	if err == nil || !errors.As(err, &failure) || !failure.retry || ctx.Err() != nil {
		return reply, unwrapFailure(err)
	}

	t.logger.Warn("SMTP connection lost, reconnecting",
		slog.String("smtp_server", t.address()),
		slog.Any("error", failure.err))
	reply, err = t.sendOnce(ctx, env, data)
	return reply, unwrapFailure(err)
}

// sendOnce sends data over the open session, opening one when needed.
func (t *smtpTransport) sendOnce(ctx context.Context, env envelope, data []byte) (string, error) {
	if t.session == nil {
		s, err := openSession(ctx, t.cfg, t.tlsConfig, nil)
		if err != nil {
			return "", err
		}
		t.session = s
		t.logger.Debug("SMTP connection opened",
			slog.String("smtp_server", s.address),
			slog.String("encryption", t.cfg.Encryption))
	}

	reply, err := t.session.deliver(ctx, env, data)
	var failure *deliveryFailure
	if err == nil || !errors.As(err, &failure) {
		return reply, err
	}
	if failure.connectionLost {
		t.dropSession()
		return "", failure
	}

	// The connection works, so end the rejected transaction to leave it
	// ready for the next message.
	if err := t.session.reset(ctx); err != nil {
		t.logger.Warn("SMTP reset after rejection failed, closing connection",
			slog.String("smtp_server", t.address()),
			slog.Any("error", err))
		t.dropSession()
	}
	return "", failure
}

func (t *smtpTransport) dropSession() {
	if t.session != nil {
		t.session.close()
		t.session = nil
	}
}

func (t *smtpTransport) address() string {
	return t.cfg.Host + ":" + strconv.Itoa(t.cfg.Port)
}

func (t *smtpTransport) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	if t.session == nil {
		return nil
	}

	s := t.session
	t.session = nil
	if err := s.quit(); err != nil {
		return err
	}
	t.logger.Debug("SMTP connection closed", slog.String("smtp_server", s.address))
	return nil
}

// deliveryFailure describes why a message did not go through and what it
// means for the connection.
type deliveryFailure struct {
	err error // the error for Send to return: a *RejectedError or a wrapped I/O error
	// connectionLost means the connection cannot be used again.
	connectionLost bool
	// retry means the server certainly did not accept the message, so
	// sending it again on a new connection cannot deliver it twice.
	retry bool
}

func (f *deliveryFailure) Error() string { return f.err.Error() }

func (f *deliveryFailure) Unwrap() error { return f.err }

func unwrapFailure(err error) error {
	var failure *deliveryFailure
	if errors.As(err, &failure) {
		return failure.err
	}
	return err
}

// Steps of a mail transaction, to tell which failures are safe to retry.
type stage int

const (
	stageMail stage = iota
	stageRcpt
	stageData
	stageBody
	stageEnd // the final dot and the reply to it
)

// deliver runs one mail transaction and returns the server's reply to the
// end of DATA.
func (s *session) deliver(ctx context.Context, env envelope, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	// Closing the connection is the only way to interrupt go-smtp's
	// blocking calls when ctx ends.
	stop := context.AfterFunc(ctx, func() { s.conn.Close() })
	reply, err := s.transaction(env, data)
	if !stop() {
		return "", &deliveryFailure{
			err:            fmt.Errorf("send to %s: %w", s.address, context.Cause(ctx)),
			connectionLost: true,
		}
	}
	return reply, err
}

func (s *session) transaction(env envelope, data []byte) (string, error) {
	opts := &smtp.MailOptions{Size: int64(len(data))}
	if !isASCII(env.from) || !allASCII(env.recipients) {
		if ok, _ := s.client.Extension("SMTPUTF8"); !ok {
			return "", fmt.Errorf("server %s does not support SMTPUTF8, which the "+
				"non-ASCII addresses of this message need", s.address)
		}
		opts.UTF8 = true
	}

	if err := s.client.Mail(env.from, opts); err != nil {
		return "", s.failure(stageMail, "MAIL FROM:<"+env.from+">", err)
	}
	for _, recipient := range env.recipients {
		if err := s.client.Rcpt(recipient, nil); err != nil {
			return "", s.failure(stageRcpt, "RCPT TO:<"+recipient+">", err)
		}
	}

	w, err := s.client.Data()
	if err != nil {
		return "", s.failure(stageData, "DATA", err)
	}
	// go-smtp sets no deadline while the body is written.
	if err := s.conn.SetWriteDeadline(time.Now().Add(s.timeout)); err != nil {
		return "", s.failure(stageBody, "DATA", err)
	}
	if _, err := w.Write(data); err != nil {
		return "", s.failure(stageBody, "DATA", err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", s.failure(stageEnd, "the message", err)
	}
	return "250 " + resp.StatusText, nil
}

// failure classifies an error of one transaction step.
func (s *session) failure(at stage, command string, err error) error {
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) {
		rejected := &RejectedError{
			Code:      smtpErr.Code,
			Reply:     replyText(smtpErr),
			Temporary: smtpErr.Temporary(),
			command:   command,
		}
		// 421: the server is closing the connection and did not take the
		// message, whatever the step.
		lost := smtpErr.Code == 421
		return &deliveryFailure{err: rejected, connectionLost: lost, retry: lost}
	}

	if at == stageEnd {
		return &deliveryFailure{
			err: fmt.Errorf("send %s to %s: %w: %w", command, s.address, err,
				ErrUnconfirmed),
			connectionLost: true,
		}
	}
	return &deliveryFailure{
		err:            fmt.Errorf("send %s to %s: %w", command, s.address, err),
		connectionLost: true,
		retry:          isConnectionDrop(err),
	}
}

// reset ends the current transaction with RSET.
func (s *session) reset(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { s.conn.Close() })
	defer stop()
	if err := s.client.Reset(); err != nil {
		return fmt.Errorf("RSET to %s: %w", s.address, s.contextError(ctx, err))
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func allASCII(list []string) bool {
	for _, s := range list {
		if !isASCII(s) {
			return false
		}
	}
	return true
}
