// Command mfa-reminder-demo creates a demo WHMCS 8 database on a local
// MySQL server, fills it with a few thousand users, and runs the daemon on
// it with reminder emails written to a folder instead of sent.
//
// The server comes from MFA_REMINDER_DEMO_DSN (default: root without a
// password on 127.0.0.1:3306). The demo replaces the database it names
// (-database, default mfa_reminder_demo) and leaves everything else alone.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mfa-reminder/mfa-reminder/pkg/cli"
	"github.com/mfa-reminder/mfa-reminder/pkg/whmcsfixture"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	flags := flag.NewFlagSet("mfa-reminder-demo", flag.ContinueOnError)
	name := flags.String("database", "mfa_reminder_demo", "name of the demo `database` to (re)create")
	accounts := flags.Int("accounts", 2000, "number of client accounts")
	outbox := flags.String("outbox", "demo-outbox", "`folder` for the reminder emails")
	listen := flags.String("listen", envOr("MFA_REMINDER_LISTEN", "127.0.0.1:8087"),
		"HTTP `address` of the daemon")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}

	// A busy port is reported before the database is rebuilt, not after.
	probe, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mfa-reminder-demo: cannot listen on %s: %v\nChoose another "+
			"address, for example MFA_REMINDER_LISTEN=127.0.0.1:18087 make demo\n", *listen, err)
		return 2
	}
	probe.Close()

	serverDSN := envOr("MFA_REMINDER_DEMO_DSN", "root@tcp(127.0.0.1:3306)/")
	fmt.Printf("Creating the demo WHMCS database %s ...\n", *name)
	started := time.Now()
	fixture, err := whmcsfixture.Create(ctx, serverDSN, *name, whmcsfixture.WHMCS84)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mfa-reminder-demo: %v\nSet MFA_REMINDER_DEMO_DSN to a MySQL "+
			"account that may create databases, e.g. root:pass@tcp(127.0.0.1:3306)/\n", err)
		return 2
	}
	defer fixture.Close()

	seeded, err := seed(ctx, fixture, *accounts, "http://"+*listen, demoToken, demoSSOSecret)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mfa-reminder-demo: fill the demo database: %v\n", err)
		return 2
	}
	fmt.Printf("Filled it in %s: %d client accounts, %d users (%d account owners, %d "+
		"sub-users, %d without an active account), %d with two-factor authentication.\n",
		time.Since(started).Round(time.Millisecond), seeded.accounts, seeded.users,
		seeded.owners, seeded.subUsers, seeded.outOfScope, seeded.withMFA)

	outboxDir, err := filepath.Abs(*outbox)
	if err == nil {
		err = emptyOutbox(outboxDir)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mfa-reminder-demo: %v\n", err)
		return 2
	}
	configPath, err := writeDemoConfig()
	if err != nil {
		fmt.Fprintf(os.Stderr, "mfa-reminder-demo: %v\n", err)
		return 2
	}
	defer os.Remove(configPath)
	env := map[string]string{
		"MFA_REMINDER_DATABASE_DSN":    fixture.DSN,
		"MFA_REMINDER_API_TOKEN":       demoToken,
		"MFA_REMINDER_SSO_SECRET":      demoSSOSecret,
		"MFA_REMINDER_LISTEN":          *listen,
		"MFA_REMINDER_SMTP_OUTBOX_DIR": outboxDir,
		"MFA_REMINDER_SMTP_FROM":       "support@example-hosting.test",
		"MFA_REMINDER_LOG_LEVEL":       envOr("MFA_REMINDER_LOG_LEVEL", "warn"),
	}
	lookup := func(key string) (string, bool) {
		value, ok := env[key]
		return value, ok
	}

	fmt.Printf("\nRunning one reminder pass; messages go to %s\n", outboxDir)
	if code := cli.Run(ctx, []string{"--config", configPath, "run-once"}, os.Stdout, os.Stderr,
		lookup); code != 0 {
		return code
	}

	fmt.Printf(`
Dashboard:  http://%[1]s/   (username %[4]s, password %[5]s)
Alert API:  curl -i -H "Authorization: Bearer %[2]s" "http://%[1]s/api/v1/alert?user_id=%[3]d"
Stats API:  curl -H "Authorization: Bearer %[2]s" http://%[1]s/api/v1/stats
The daemon runs until you press Ctrl+C.

`, *listen, demoToken, seeded.firstSubUserWithoutMFA, demoUser, demoPassword)
	code := cli.Run(ctx, []string{"--config", configPath, "serve"}, os.Stdout, os.Stderr, lookup)
	fmt.Println("Stopped. The demo database stays until the next make demo.")
	return code
}

// emptyOutbox removes the messages of an earlier demo run.
func emptyOutbox(dir string) error {
	messages, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return err
	}
	for _, message := range messages {
		if err := os.Remove(message); err != nil {
			return fmt.Errorf("empty the outbox: %w", err)
		}
	}
	return nil
}

// Demo secrets and account. They are printed and public: never reuse them.
const (
	demoToken     = "demo-token-not-for-production-0123456789"
	demoSSOSecret = "demo-sso-secret-not-for-production-0123"
	demoUser      = "demo"
	demoPassword  = "demo-password"
)

// writeDemoConfig writes a configuration file with the demo's local admin
// account and returns its path.
func writeDemoConfig() (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(demoPassword), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash the demo password: %w", err)
	}
	file, err := os.CreateTemp("", "mfa-reminder-demo-*.yaml")
	if err != nil {
		return "", fmt.Errorf("write the demo configuration: %w", err)
	}
	defer file.Close()
	_, err = fmt.Fprintf(file, "admins:\n  - username: %s\n    password_hash: %q\n", demoUser, hash)
	if err != nil {
		return "", fmt.Errorf("write the demo configuration: %w", err)
	}
	return file.Name(), nil
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
