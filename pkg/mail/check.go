package mail

import (
	"context"
	"crypto/tls"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

// CheckStep is one step of an SMTP check, such as "connect smtp.example.com:587",
// "STARTTLS", "EHLO mail.example.com" or "AUTH PLAIN". Err is nil when the
// step succeeded.
type CheckStep struct {
	Name string
	Err  error
}

// Check opens a session as NewSMTP does (connect, EHLO, STARTTLS when
// configured, AUTH when a username is set), then sends QUIT without sending
// a message. It returns the steps run, stopping at the first failure. Errors
// name the host and port and the setting to change. Passwords never appear in
// them.
func Check(ctx context.Context, cfg config.SMTPConfig, tlsConfig *tls.Config) []CheckStep {
	var steps []CheckStep
	record := func(name string, err error) {
		steps = append(steps, CheckStep{Name: name, Err: err})
	}

	s, err := openSession(ctx, cfg, tlsConfig, record)
	if err != nil {
		return steps
	}
	record("QUIT", s.quit())
	return steps
}
