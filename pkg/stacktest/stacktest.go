// Package stacktest builds the daemon's components for a test: a fresh
// WHMCS 8.4 database, an SMTP server in the test process, the store, the
// settings provider and the reminder runner, wired as serve wires them.
package stacktest

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/database"
	mailer "github.com/mfa-reminder/mfa-reminder/pkg/mail"
	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/smtptest"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

// Secrets and the local admin account of every Stack.
const (
	Token         = "stack-test-token-0123456789abcdef0123456"
	SSOSecret     = "stack-test-sso-secret-0123456789abcdef01"
	AdminUser     = "admin"
	AdminPassword = "stack-admin-password"
)

// adminHash is the bcrypt hash of AdminPassword at the lowest cost, so
// tests sign in fast.
var adminHash, _ = bcrypt.GenerateFromPassword([]byte(AdminPassword), bcrypt.MinCost)

// Stack is the daemon's components on test services.
type Stack struct {
	FX       *whmcsfixture.T
	SMTP     *smtptest.Server
	Config   *config.Config
	Store    *store.Store
	Settings *settings.Provider
	Runner   *reminder.Runner
	Logger   *slog.Logger
}

// New builds a Stack whose own tables are migrated. Everything is closed
// and dropped when the test ends.
func New(t testing.TB) *Stack {
	t.Helper()
	fx := whmcsfixture.New(t)
	mailServer := smtptest.Start(t)

	cfg := config.Default()
	cfg.Database.DSN = fx.DSN
	cfg.APIToken = Token
	cfg.SSOSecret = SSOSecret
	cfg.Admins = []config.AdminAccount{{Username: AdminUser, PasswordHash: string(adminHash)}}
	cfg.SMTP = mailServer.Config()

	db, err := database.Open(context.Background(), cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := store.New(db, cfg.Scope.ClientStatuses, cfg.Database.QueryTimeout)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	provider := settings.NewProvider(s, cfg, logger)
	return &Stack{
		FX:       fx,
		SMTP:     mailServer,
		Config:   cfg,
		Store:    s,
		Settings: provider,
		Runner:   reminder.New(s, provider, cfg, NewTransport(cfg.SMTP, logger), logger),
		Logger:   logger,
	}
}

// NewTransport returns a transport factory for smtp.
func NewTransport(smtp config.SMTPConfig, logger *slog.Logger) func() mailer.Transport {
	return func() mailer.Transport { return mailer.NewSMTP(smtp, nil, logger) }
}
