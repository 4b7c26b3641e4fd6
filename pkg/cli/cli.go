// Package cli implements the mfa-reminder command line. Run returns the
// exit code instead of exiting, so tests can call it.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/database"
	mailer "github.com/mfa-reminder/mfa-reminder/pkg/mail"
	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Version is set at build time with -ldflags.
var Version = "dev"

// Exit codes.
const (
	exitOK = 0
	// exitFailure means the command ran and something it did failed, such
	// as a send or a check.
	exitFailure = 1
	// exitSetup means a configuration, usage or database error.
	exitSetup = 2
)

const usage = `Usage: mfa-reminder [--config FILE] COMMAND [OPTIONS]

Commands:
  serve                 run the API, the dashboard and the daily reminder pass
  run-once [--dry-run]  run one reminder pass now; --dry-run lists who would be
                        emailed and sends nothing
  stats [--json]        print the MFA adoption figures
  remind --user ID      send one reminder to a WHMCS user (tblusers id) now
  check                 check configuration, database, template and mail server
  migrate               create or upgrade the daemon's own tables
  gen-secret            print a random secret for api_token or sso_secret
  hash-password         read a password and print its bcrypt hash for admins
  version               print the version

--config is optional, before or after the command: settings come from
FILE (YAML, see config.example.yaml) and from MFA_REMINDER_* environment
variables, which override the file. "mfa-reminder help COMMAND" describes
one command.
`

// commandHelp is the help of each command, for COMMAND --help and
// help COMMAND.
var commandHelp = map[string]string{
	"serve": `Usage: mfa-reminder [--config FILE] serve

Runs the API for the WHMCS hook, the dashboard and the daily reminder pass
until SIGINT or SIGTERM. Migrates the daemon's tables at start.
Exit status: 0 after a signal, 1 when the HTTP server stops on an error,
2 on a configuration or database error.
`,
	"run-once": `Usage: mfa-reminder [--config FILE] run-once [--dry-run]

Runs one reminder pass now and ends with "due=N sent=N skipped=N failed=N".
  --dry-run   list who would be emailed and send nothing
Exit status: 0, 1 when a send failed, 2 on a configuration or database
error or when another pass is running.
`,
	"stats": `Usage: mfa-reminder [--config FILE] stats [--json]

Prints the MFA adoption figures of the users in scope.
  --json   print one JSON object
Exit status: 0, 2 on a configuration or database error.
`,
	"remind": `Usage: mfa-reminder [--config FILE] remind --user ID

Sends one reminder to the WHMCS user ID (tblusers.id) now, whatever the
frequency and the enable_email setting.
Exit status: 0 when sent; 1 when the user has MFA, is out of scope or
unknown, or the send failed; 2 on a bad ID or a configuration or database
error.
`,
	"check": `Usage: mfa-reminder [--config FILE] check

Checks configuration, database, WHMCS version, table privileges, the
daemon's tables, the WHMCS addon's secrets, the email template, the TLS
files and the SMTP server, one OK or FAIL line each. It changes no data:
the write test is rolled back.
Exit status: 0 when every check passed, 1 otherwise.
`,
	"migrate": `Usage: mfa-reminder [--config FILE] migrate

Creates or upgrades the daemon's own tables; safe to repeat.
Exit status: 0, 2 on a configuration or database error.
`,
	"version": "Usage: mfa-reminder version\n\nPrints the version.\n",
	"gen-secret": `Usage: mfa-reminder gen-secret

Prints 32 random bytes in hex (64 characters), for api_token or sso_secret.
`,
	"hash-password": `Usage: mfa-reminder hash-password

Reads a password (hidden on a terminal, else the first line of standard
input) and prints its bcrypt hash for the password_hash of an entry in
admins. The password must have 12 to 72 bytes.
Exit status: 0, 2 for a password outside those lengths.
`,
}

// cli is one invocation.
type cli struct {
	stdout io.Writer
	stderr io.Writer
	lookup func(string) (string, bool)
	path   string
	// flagCode is the exit code after parseFlags returned false: 0 after
	// --help, 2 after a usage error.
	flagCode int
}

// Run runs the command in args (without the program name) and returns the
// exit code. lookupEnv reads environment variables.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer,
	lookupEnv func(string) (string, bool)) int {
	c := &cli{stdout: stdout, stderr: stderr, lookup: lookupEnv}

	flags := flag.NewFlagSet("mfa-reminder", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, usage) }
	flags.StringVar(&c.path, "config", "", "YAML configuration `file`")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitSetup
	}
	if flags.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return exitSetup
	}

	command, rest := flags.Arg(0), flags.Args()[1:]
	switch command {
	case "serve":
		return c.serve(ctx, rest)
	case "run-once":
		return c.runOnce(ctx, rest)
	case "stats":
		return c.stats(ctx, rest)
	case "remind":
		return c.remind(ctx, rest)
	case "check":
		return c.check(ctx, rest)
	case "migrate":
		return c.migrate(ctx, rest)
	case "version":
		fmt.Fprintf(stdout, "mfa-reminder %s\n", Version)
		return exitOK
	case "gen-secret":
		return c.genSecret(rest)
	case "hash-password":
		return c.hashPassword(rest)
	case "help":
		topic := flags.Arg(1)
		if help, ok := commandHelp[topic]; ok {
			fmt.Fprint(stdout, help)
			return exitOK
		}
		if topic != "" {
			fmt.Fprintf(stderr, "mfa-reminder: unknown command %q\n\n%s", topic, usage)
			return exitSetup
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "mfa-reminder: unknown command %q\n\n%s", command, usage)
		return exitSetup
	}
}

// fail prints err and returns code.
func (c *cli) fail(code int, err error) int {
	fmt.Fprintf(c.stderr, "mfa-reminder: %v\n", err)
	return code
}

// parseFlags parses a command's flags and rejects extra arguments.
// It also takes --config after the command, as admins often type it there.
func (c *cli) parseFlags(flags *flag.FlagSet, args []string) bool {
	flags.SetOutput(io.Discard)
	flags.Usage = func() {}
	flags.StringVar(&c.path, "config", c.path, "YAML configuration `file`")
	c.flagCode = exitSetup
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stdout, commandHelp[flags.Name()])
			c.flagCode = exitOK
			return false
		}
		fmt.Fprintf(c.stderr, "mfa-reminder %s: %v\n\n%s", flags.Name(), err,
			commandHelp[flags.Name()])
		return false
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(c.stderr, "mfa-reminder %s: unexpected argument %q\n", flags.Name(),
			flags.Arg(0))
		return false
	}
	return true
}

// loadConfig loads and validates the configuration for the needs given.
func (c *cli) loadConfig(needs ...config.Requirement) (*config.Config, error) {
	cfg, err := config.Load(c.path, c.lookup)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(needs...); err != nil {
		return nil, err
	}
	return cfg, nil
}

// env is the configuration, logger and database shared by the commands
// that use the database.
type env struct {
	cfg    *config.Config
	logger *slog.Logger
	db     *sqlx.DB
	store  *store.Store
	info   store.WHMCSInfo
}

func (e *env) close() {
	e.db.Close()
}

// open loads the configuration, connects to the WHMCS database and checks
// that it is WHMCS 8 or newer. On failure it prints the error and returns
// a nil env.
func (c *cli) open(ctx context.Context, needs ...config.Requirement) *env {
	cfg, err := c.loadConfig(append(needs, config.NeedDatabase)...)
	if err != nil {
		c.fail(exitSetup, err)
		return nil
	}
	logger := newLogger(c.stderr, cfg.Log)
	database.SetDriverLogger(logger)

	db, err := database.Open(ctx, cfg.Database)
	if err != nil {
		c.fail(exitSetup, err)
		return nil
	}
	s := store.New(db, cfg.Scope.ClientStatuses, cfg.Database.QueryTimeout)
	info, err := s.Detect(ctx)
	if err != nil {
		db.Close()
		c.fail(exitSetup, err)
		return nil
	}
	return &env{cfg: cfg, logger: logger, db: db, store: s, info: info}
}

// migrateTables brings the daemon's tables up to date and logs what it did.
func (e *env) migrateTables(ctx context.Context) error {
	applied, err := e.store.Migrate(ctx)
	if err != nil {
		return err
	}
	if applied > 0 {
		e.logger.Info("Own tables migrated", "applied", applied,
			"schema_version", store.SchemaVersion)
	}
	return nil
}

// runner builds the reminder runner.
func (e *env) runner() (*reminder.Runner, *settings.Provider) {
	provider := settings.NewProvider(e.store, e.cfg, e.logger)
	smtp := e.cfg.SMTP
	newTransport := func() mailer.Transport { return mailer.NewSMTP(smtp, nil, e.logger) }
	if smtp.OutboxDir != "" {
		newTransport = func() mailer.Transport { return mailer.NewOutbox(smtp.OutboxDir) }
	}
	return reminder.New(e.store, provider, e.cfg, newTransport, e.logger), provider
}

// emailAddress matches what looks like an email address in a log value.
var emailAddress = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+\.[A-Za-z]{2,}`)

// redactEmails replaces email addresses in string and error values, so
// that logs identify users by id only, even where a mail server's reply
// quotes the address.
func redactEmails(_ []string, attr slog.Attr) slog.Attr {
	switch attr.Value.Kind() {
	case slog.KindString:
		if text := attr.Value.String(); strings.Contains(text, "@") {
			attr.Value = slog.StringValue(emailAddress.ReplaceAllString(text, "[email]"))
		}
	case slog.KindAny:
		if err, ok := attr.Value.Any().(error); ok && strings.Contains(err.Error(), "@") {
			attr.Value = slog.StringValue(emailAddress.ReplaceAllString(err.Error(), "[email]"))
		}
	}
	return attr
}

func newLogger(w io.Writer, cfg config.LogConfig) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.Level)))
	options := &slog.HandlerOptions{Level: level, ReplaceAttr: redactEmails}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, options))
	}
	return slog.New(slog.NewTextHandler(w, options))
}
