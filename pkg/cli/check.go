package cli

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/database"
	mailer "github.com/mfa-reminder/mfa-reminder/pkg/mail"
	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// checker prints one line per check.
type checker struct {
	w      io.Writer
	failed bool
}

func (ch *checker) ok(name, detail string) {
	if detail != "" {
		name += ": " + detail
	}
	fmt.Fprintf(ch.w, "OK    %s\n", name)
}

func (ch *checker) fail(name string, err error) {
	ch.failed = true
	fmt.Fprintf(ch.w, "FAIL  %s: %v\n", name, err)
}

func (ch *checker) result(name, detail string, err error) bool {
	if err != nil {
		ch.fail(name, err)
		return false
	}
	ch.ok(name, detail)
	return true
}

func (ch *checker) exitCode() int {
	if ch.failed {
		return exitFailure
	}
	return exitOK
}

// check tests everything the daemon needs, without changing anything.
func (c *cli) check(ctx context.Context, args []string) int {
	if !c.parseFlags(flag.NewFlagSet("check", flag.ContinueOnError), args) {
		return c.flagCode
	}
	ch := &checker{w: c.stdout}

	cfg, err := config.Load(c.path, c.lookup)
	if err != nil {
		ch.fail("configuration", err)
		return ch.exitCode()
	}
	if err := cfg.Validate(config.NeedDatabase, config.NeedAPIToken, config.NeedSSOSecret,
		config.NeedMail); err != nil {
		var invalid *config.ValidationError
		if !errors.As(err, &invalid) {
			ch.fail("configuration", err)
		}
		for _, problem := range invalid.Problems {
			ch.fail("configuration", errors.New(problem))
		}
	} else {
		ch.ok("configuration", configOrigin(c.path, cfg))
	}
	if _, err := mysql.ParseDSN(cfg.Database.DSN); cfg.Database.DSN == "" || err != nil {
		return ch.exitCode()
	}

	db, err := database.Open(ctx, cfg.Database)
	if !ch.result("database reachable", "", err) {
		return ch.exitCode()
	}
	defer db.Close()
	s := store.New(db, cfg.Scope.ClientStatuses, cfg.Database.QueryTimeout)

	version, _ := s.ServerVersion(ctx)
	ch.ok("database server", databaseAddress(cfg.Database.DSN)+", "+version)
	info, err := s.Detect(ctx)
	if !ch.result("WHMCS 8 or newer", "WHMCS "+info.Version+" in database "+info.Database, err) {
		return ch.exitCode()
	}
	for _, table := range store.WHMCSTables {
		ch.result("SELECT on "+table, "", s.CheckSelect(ctx, table))
	}

	if cfg.TLS.CertFile != "" {
		_, err := tls.LoadX509KeyPair(cfg.TLS.CertFile, cfg.TLS.KeyFile)
		ch.result("TLS certificate and key", cfg.TLS.CertFile, err)
	}
	c.checkOwnTables(ctx, ch, s)
	e := &env{cfg: cfg, logger: newLogger(io.Discard, cfg.Log), db: db, store: s, info: info}
	c.checkBehaviour(ctx, ch, e)
	c.checkMail(ctx, ch, cfg.SMTP)
	return ch.exitCode()
}

func configOrigin(path string, cfg *config.Config) string {
	fromEnv := false
	for _, source := range cfg.Sources {
		fromEnv = fromEnv || source == config.SourceEnv
	}
	switch {
	case path == "" && fromEnv:
		return "environment variables and defaults, no config file"
	case path == "":
		return "defaults only"
	case fromEnv:
		return path + " and environment variables"
	default:
		return path
	}
}

func databaseAddress(dsn string) string {
	parsed, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "unknown address"
	}
	return parsed.Addr
}

func (c *cli) checkOwnTables(ctx context.Context, ch *checker, s *store.Store) {
	version, err := s.AppliedSchemaVersion(ctx)
	if err != nil || version < store.SchemaVersion {
		ch.fail("own tables", fmt.Errorf("schema version %d of %d: run mfa-reminder migrate, "+
			"or start the daemon, which migrates", version, store.SchemaVersion))
		return
	}
	err = s.CheckWritable(ctx)
	if err != nil {
		err = fmt.Errorf("%w: grant the daemon's MySQL user write access to its tables "+
			"as the README shows", err)
	}
	ch.result("own tables writable", strings.Join(store.OwnTables, ", "), err)
}

// checkBehaviour checks the addon settings and the email template.
func (c *cli) checkBehaviour(ctx context.Context, ch *checker, e *env) {
	runner, provider := e.runner()
	snapshot, err := provider.Get(ctx)
	if !ch.result("WHMCS settings", "", err) {
		return
	}
	for _, problem := range snapshot.Problems {
		ch.fail("WHMCS setting", fmt.Errorf("%s; the default is used until it is fixed, "+
			"for addon settings under Setup > Addon Modules > MFA Reminder > Configure", problem))
	}
	if snapshot.SecurityURL == "" {
		ch.fail("security link", errors.New("WHMCS System URL is empty: set it in WHMCS "+
			"General Settings, or set whmcs_url or the addon's security_url"))
	} else {
		ch.ok("security link", snapshot.SecurityURL)
	}

	addon, err := e.store.AddonSettings(ctx)
	if ch.result("WHMCS addon settings", "", err) {
		checkAddonSecret(ch, addon, "api_token", e.cfg.APIToken, "API Token")
		checkAddonSecret(ch, addon, "sso_secret", e.cfg.SSOSecret, "SSO Secret")
	}

	reports, err := runner.CheckTemplates(ctx)
	if !ch.result("email template", "", err) {
		return
	}
	for _, report := range reports {
		name := fmt.Sprintf("email template %q (%s)", reminder.TemplateName,
			templateLanguage(report.Language))
		switch {
		case report.BuiltIn:
			ch.ok(name, "WHMCS has none, so the built-in text is used; activating the "+
				"addon creates an editable copy")
		case report.Disabled:
			ch.fail(name, errors.New("disabled, so no reminder in this language is sent: "+
				"enable it under Setup > Email Templates"))
		default:
			ch.result(name, "renders", report.Err)
		}
	}
}

// checkAddonSecret compares a secret that the WHMCS addon and the daemon
// must share, without printing either value.
func checkAddonSecret(ch *checker, addon map[string]string, key, daemonValue, label string) {
	name := "WHMCS addon " + key
	value, ok := addon[key]
	switch {
	case !ok || strings.TrimSpace(value) == "":
		ch.fail(name, fmt.Errorf("not set: enter the daemon's %s as %s under Setup > Addon "+
			"Modules > MFA Reminder > Configure", key, label))
	case subtle.ConstantTimeCompare([]byte(strings.TrimSpace(value)), []byte(daemonValue)) != 1:
		ch.fail(name, fmt.Errorf("differs from the daemon's %s: copy the daemon's value into "+
			"%s under Setup > Addon Modules > MFA Reminder > Configure", key, label))
	default:
		ch.ok(name, "matches the daemon's")
	}
}

func templateLanguage(language string) string {
	if language == "" {
		return "default language"
	}
	return language
}

func (c *cli) checkMail(ctx context.Context, ch *checker, smtp config.SMTPConfig) {
	if smtp.OutboxDir != "" {
		ch.result("outbox", "messages are written to "+smtp.OutboxDir+", not sent",
			checkWritableDir(smtp.OutboxDir))
		return
	}
	if smtp.Host == "" {
		return
	}
	for _, step := range mailer.Check(ctx, smtp, nil) {
		ch.result("SMTP "+step.Name, "", step.Err)
	}
}

// checkWritableDir creates dir when missing and proves a file can be
// written there.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".check-*")
	if err != nil {
		return fmt.Errorf("write to %s: %w", dir, err)
	}
	probe.Close()
	return os.Remove(filepath.Clean(probe.Name()))
}
