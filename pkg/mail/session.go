package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

// defaultTimeout applies when config.SMTPConfig.Timeout is not positive.
const defaultTimeout = 30 * time.Second

// session is one open SMTP connection, after EHLO, STARTTLS and AUTH.
type session struct {
	client *smtp.Client
	// conn is the TCP connection under the client, or the TLS connection
	// for implicit TLS. Closing it aborts the command in flight, which is
	// how context cancellation reaches go-smtp's blocking calls.
	conn    net.Conn
	address string
	timeout time.Duration
}

// stepFunc records one step of opening a session, for Check.
type stepFunc func(name string, err error)

// openSession connects and runs EHLO, STARTTLS (for "starttls") and AUTH
// (when cfg.Username is set). It calls step after each step when step is
// not nil, and stops at the first failure.
func openSession(ctx context.Context, cfg config.SMTPConfig, tlsConfig *tls.Config,
	step stepFunc) (*session, error) {
	if step == nil {
		step = func(string, error) {}
	}
	if err := checkSMTPConfig(cfg); err != nil {
		step("configuration", err)
		return nil, err
	}

	s := &session{
		address: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		timeout: cfg.Timeout,
	}
	if s.timeout <= 0 {
		s.timeout = defaultTimeout
	}
	tlsConfig = clientTLSConfig(tlsConfig, cfg.Host)

	conn, err := s.dial(ctx, cfg.Encryption, tlsConfig)
	step("connect "+s.address, err)
	if err != nil {
		return nil, err
	}
	s.conn = conn

	if err := s.start(ctx, cfg, tlsConfig, step); err != nil {
		s.conn.Close()
		return nil, err
	}
	return s, nil
}

func checkSMTPConfig(cfg config.SMTPConfig) error {
	if cfg.Host == "" {
		return errors.New("missing SMTP host: set smtp.host")
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return fmt.Errorf("invalid SMTP port %d: set smtp.port, usually 587 for starttls "+
			"and 465 for tls", cfg.Port)
	}
	switch cfg.Encryption {
	case "none", "starttls", "tls":
	default:
		return fmt.Errorf("invalid smtp.encryption %q: use none, starttls or tls", cfg.Encryption)
	}
	// The same rule as net/smtp's PLAIN authentication: a password goes
	// over an unencrypted connection only to the local machine.
	if cfg.Encryption == "none" && cfg.Username != "" && !isLoopback(cfg.Host) {
		return fmt.Errorf("refusing to send the SMTP password unencrypted to %s: "+
			"set smtp.encryption to starttls or tls", cfg.Host)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// clientTLSConfig returns a copy of base that verifies the certificate
// against host unless base names another server.
func clientTLSConfig(base *tls.Config, host string) *tls.Config {
	var cfg *tls.Config
	if base == nil {
		cfg = &tls.Config{}
	} else {
		cfg = base.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

func (s *session) dial(ctx context.Context, encryption string,
	tlsConfig *tls.Config) (net.Conn, error) {
	dialer := &net.Dialer{Timeout: s.timeout}
	if encryption != "tls" {
		conn, err := dialer.DialContext(ctx, "tcp", s.address)
		if err != nil {
			return nil, fmt.Errorf("connect to %s: %w: check smtp.host and smtp.port",
				s.address, err)
		}
		return conn, nil
	}

	tlsDialer := &tls.Dialer{NetDialer: dialer, Config: tlsConfig}
	conn, err := tlsDialer.DialContext(ctx, "tcp", s.address)
	if err != nil {
		return nil, fmt.Errorf("connect to %s with TLS: %w%s", s.address, err, tlsHint(err))
	}
	return conn, nil
}

// tlsHint returns advice for a failed TLS handshake, or "".
func tlsHint(err error) string {
	var recordErr tls.RecordHeaderError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &recordErr):
		return ": the server did not answer with TLS; port 587 and 25 usually need " +
			"smtp.encryption starttls"
	case errors.As(err, &hostErr):
		return ": the certificate is for another name; set smtp.host to a name in it"
	case isCertificateError(err):
		return ": this machine does not trust the server certificate; add its CA to " +
			"the system trust store"
	}
	return ""
}

// isTLSError reports whether err comes from a TLS handshake.
func isTLSError(err error) bool {
	var alertErr tls.AlertError
	var recordErr tls.RecordHeaderError
	return isCertificateError(err) || errors.As(err, &alertErr) || errors.As(err, &recordErr)
}

func isCertificateError(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authorityErr x509.UnknownAuthorityError
	var invalidErr x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &hostErr) ||
		errors.As(err, &authorityErr) || errors.As(err, &invalidErr)
}

// start runs the steps after connecting. A cancelled ctx closes the
// connection, which ends any step in flight.
func (s *session) start(ctx context.Context, cfg config.SMTPConfig, tlsConfig *tls.Config,
	step stepFunc) error {
	stop := context.AfterFunc(ctx, func() { s.conn.Close() })
	defer stop()

	if cfg.Encryption == "starttls" {
		err := s.startTLS(ctx, tlsConfig)
		step("STARTTLS", err)
		if err != nil {
			return err
		}
	} else {
		s.client = smtp.NewClient(s.conn)
		s.setTimeouts()
	}

	helo := heloName(cfg.HELO)
	err := s.hello(ctx, helo)
	if cfg.Encryption == "starttls" && isTLSError(err) {
		// The TLS handshake after STARTTLS runs on the first read, which is
		// the EHLO reply, so its failure belongs to the TLS step.
		step("TLS handshake", err)
		return err
	}
	step("EHLO "+helo, err)
	if err != nil {
		return err
	}

	if cfg.Username == "" {
		return nil
	}
	mechanism, err := s.authenticate(ctx, cfg.Username, cfg.Password)
	step(strings.TrimSpace("AUTH "+mechanism), err)
	return err
}

func (s *session) setTimeouts() {
	s.client.CommandTimeout = s.timeout
	s.client.SubmissionTimeout = s.timeout
}

// startTLS reads the greeting, sends EHLO and STARTTLS, and switches the
// connection to TLS.
//
// NOTE: go-smtp v0.26 sends "EHLO localhost" before STARTTLS and offers no
// way to change it, because RFC 3207 makes the server discard that name.
// A server that rejects "EHLO localhost" before TLS needs smtp.encryption tls.
func (s *session) startTLS(ctx context.Context, tlsConfig *tls.Config) error {
	// go-smtp applies its 5-minute default command timeout here, before the
	// client can be configured, so the whole step is bounded instead.
	stepCtx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	stop := context.AfterFunc(stepCtx, func() { s.conn.Close() })

	client, err := smtp.NewClientStartTLS(s.conn, tlsConfig)
	if !stop() {
		// The step ran out of time or ctx ended, so the connection is closed.
		if err == nil {
			client.Close()
			err = net.ErrClosed
		}
		err = fmt.Errorf("%w (%w)", stepCtx.Err(), err)
	}
	if err != nil {
		// go-smtp v0.26 reports a missing STARTTLS extension only as this text.
		if strings.Contains(err.Error(), "doesn't support STARTTLS") {
			return fmt.Errorf("server %s does not offer STARTTLS: "+
				"set smtp.encryption to tls or none", s.address)
		}
		hint := ""
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			hint = ": " + implicitTLSHint
		}
		return fmt.Errorf("STARTTLS with %s: %w%s", s.address, err, hint)
	}
	s.client = client
	s.setTimeouts()
	return nil
}

const implicitTLSHint = "no answer in time; if the port expects TLS from the start " +
	"(usually 465), set smtp.encryption to tls"

func heloName(configured string) string {
	if configured != "" {
		return configured
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		return name
	}
	return "localhost"
}

func (s *session) hello(ctx context.Context, name string) error {
	err := s.client.Hello(name)
	if err == nil {
		return nil
	}
	err = s.contextError(ctx, err)
	switch {
	case isTLSError(err):
		return fmt.Errorf("TLS handshake with %s: %w%s", s.address, err, tlsHint(err))
	case isTimeout(err):
		return fmt.Errorf("EHLO to %s: %w: %s", s.address, err, implicitTLSHint)
	}
	return fmt.Errorf("EHLO to %s: %w", s.address, err)
}

// authenticate runs AUTH PLAIN, or AUTH LOGIN when the server offers only
// that, and returns the mechanism used. Errors never contain the password.
func (s *session) authenticate(ctx context.Context, username, password string) (string, error) {
	offered, mechanisms := s.client.Extension("AUTH")
	if !offered {
		return "", fmt.Errorf("server %s does not offer AUTH on this connection: "+
			"clear smtp.username, or use smtp.encryption starttls or tls if the server "+
			"allows AUTH only over TLS", s.address)
	}

	var client sasl.Client
	var mechanism string
	switch {
	case s.client.SupportsAuth(sasl.Plain):
		mechanism, client = sasl.Plain, sasl.NewPlainClient("", username, password)
	case s.client.SupportsAuth(sasl.Login):
		mechanism, client = sasl.Login, sasl.NewLoginClient(username, password)
	default:
		return "", fmt.Errorf("server %s offers AUTH %s: mfa-reminder supports PLAIN and LOGIN",
			s.address, mechanisms)
	}

	if err := s.client.Auth(client); err != nil {
		err = s.contextError(ctx, err)
		var smtpErr *smtp.SMTPError
		if errors.As(err, &smtpErr) && smtpErr.Code == 535 {
			return mechanism, fmt.Errorf("AUTH %s as %q rejected by %s: %s: "+
				"check smtp.username and smtp.password", mechanism, username, s.address,
				replyText(smtpErr))
		}
		return mechanism, fmt.Errorf("AUTH %s as %q with %s: %w", mechanism, username,
			s.address, err)
	}
	return mechanism, nil
}

// contextError returns the context's error, with err attached, when ctx
// ended; err otherwise. A cancelled context shows up as a closed connection.
func (s *session) contextError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w (%w)", ctxErr, err)
	}
	return err
}

func (s *session) quit() error {
	if err := s.client.Quit(); err != nil {
		s.client.Close()
		return fmt.Errorf("QUIT to %s: %w", s.address, err)
	}
	return nil
}

func (s *session) close() {
	s.client.Close()
}

// replyText formats a server reply as it appeared on the wire, such as
// "550 5.1.1 mailbox unavailable".
func replyText(err *smtp.SMTPError) string {
	reply := strconv.Itoa(err.Code)
	if err.EnhancedCode != (smtp.EnhancedCode{}) && err.EnhancedCode != smtp.NoEnhancedCode {
		code := err.EnhancedCode
		reply += fmt.Sprintf(" %d.%d.%d", code[0], code[1], code[2])
	}
	if err.Message != "" {
		reply += " " + err.Message
	}
	return reply
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// isConnectionDrop reports whether err means the connection is gone: the
// server closed or reset it, or it timed out.
func isConnectionDrop(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED) ||
		isTimeout(err)
}
