package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

func noEnv(string) (string, bool) { return "", false }

func envOf(values map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		value, ok := values[name]
		return value, ok
	}
}

func TestExampleFileMatchesDefaults(t *testing.T) {
	cfg, err := config.Load("../../config.example.yaml", noEnv)
	if err != nil {
		t.Fatalf("load config.example.yaml: %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config.example.yaml is invalid: %v", err)
	}

	want := config.Default()
	cfg.Sources, want.Sources = nil, nil
	// Printed forms, because the file's empty lists decode as empty
	// slices where the defaults have nil.
	if fmt.Sprintf("%+v", cfg) != fmt.Sprintf("%+v", want) {
		t.Errorf("config.example.yaml differs from the defaults in code:\nfile:    %+v\ndefault: %+v",
			cfg, want)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	err := os.WriteFile(path, []byte("listen: 127.0.0.1:9000\nsmtp:\n  host: file.example.test\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	cfg, err := config.Load(path, envOf(map[string]string{
		"MFA_REMINDER_SMTP_HOST":       "env.example.test",
		"MFA_REMINDER_SMTP_PORT":       "2525",
		"MFA_REMINDER_CLIENT_STATUSES": "active, Inactive",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}

	if cfg.Listen != "127.0.0.1:9000" || cfg.Source("listen") != config.SourceFile {
		t.Errorf("listen = %q from %s, want the file's value", cfg.Listen, cfg.Source("listen"))
	}
	if cfg.SMTP.Host != "env.example.test" || cfg.Source("smtp.host") != config.SourceEnv {
		t.Errorf("smtp.host = %q from %s, want the environment's value", cfg.SMTP.Host,
			cfg.Source("smtp.host"))
	}
	if cfg.SMTP.Port != 2525 {
		t.Errorf("smtp.port = %d, want 2525", cfg.SMTP.Port)
	}
	if got := cfg.Scope.ClientStatuses; !reflect.DeepEqual(got, []string{"Active", "Inactive"}) {
		t.Errorf("client statuses = %v, want [Active Inactive]", got)
	}
	if cfg.Source("run_at") != config.SourceDefault {
		t.Errorf("run_at source = %s, want default", cfg.Source("run_at"))
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	cfg, err := config.Load("", envOf(map[string]string{
		"MFA_REMINDER_DATABASE_DSN":    "root:s3cret-pass@tcp(127.0.0.1:3306)/",
		"MFA_REMINDER_LISTEN":          "localhost",
		"MFA_REMINDER_SMTP_ENCRYPTION": "ssl",
		"MFA_REMINDER_SMTP_FROM":       "Support <support@example.test>",
		"MFA_REMINDER_RUN_AT":          "9am",
		"MFA_REMINDER_TIMEZONE":        "Europe/Nowhere",
		"MFA_REMINDER_CLIENT_STATUSES": "Active,Suspended",
		"MFA_REMINDER_LOG_LEVEL":       "verbose",
	}))
	if err != nil {
		t.Fatal(err)
	}

	err = cfg.Validate(config.NeedDatabase, config.NeedAPIToken, config.NeedMail)
	var invalid *config.ValidationError
	if !errors.As(err, &invalid) {
		t.Fatalf("Validate error = %v, want a ValidationError", err)
	}
	message := err.Error()
	for _, want := range []string{
		"database.dsn", "names no database",
		"listen", `"localhost"`,
		"smtp.encryption", `"ssl"`, "none, starttls or tls",
		"smtp.from", "smtp.from_name",
		"run_at", `"9am"`,
		"timezone", "Europe/Nowhere",
		"scope.client_statuses", `"Suspended"`,
		"log.level", "api_token", "smtp.host",
		"(set by MFA_REMINDER_SMTP_ENCRYPTION)",
	} {
		if !strings.Contains(message, want) {
			t.Errorf("error lacks %q:\n%s", want, message)
		}
	}
	if strings.Contains(message, "s3cret-pass") {
		t.Errorf("error shows the database password:\n%s", message)
	}
	if len(invalid.Problems) < 9 {
		t.Errorf("got %d problems, want every one of them: %v", len(invalid.Problems), invalid.Problems)
	}
}

func TestFileErrorsNameKeyAndFix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	file := "smtp:\n  hots: x\n  port: smtp\ndatabase:\n  query_timeout: 30\n" +
		"  dsn: \"root:file-s3cret@tcp(127.0.0.1:3306)/whmcs\"\ndefaults: \"root:file-s3cret\"\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, noEnv)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	err = cfg.Validate()
	if err == nil {
		t.Fatal("Validate returned no error")
	}
	message := err.Error()
	for _, want := range []string{
		"smtp.hots (line 2): unknown key; did you mean smtp.host?",
		"smtp.port (line 3): invalid value: use a whole number",
		"database.query_timeout (line 5): invalid value: use a duration such as 30s",
		"defaults (line 7): invalid value: use a section",
	} {
		if !strings.Contains(message, want) {
			t.Errorf("error lacks %q:\n%s", want, message)
		}
	}
	if strings.Contains(message, "file-s3cret") {
		t.Errorf("error repeats a secret value:\n%s", message)
	}
}

func TestEnvironmentAndValueErrorsTogether(t *testing.T) {
	cfg, err := config.Load("", envOf(map[string]string{
		"MFA_REMINDER_SMTP_PORT":    "twenty-five",
		"MFA_REMINDER_DATABASE_DSN": "root:env-s3cret@tcp(127.0.0.1:3306",
	}))
	if err != nil {
		t.Fatal(err)
	}
	message := fmt.Sprint(cfg.Validate(config.NeedDatabase, config.NeedAPIToken))
	for _, want := range []string{"MFA_REMINDER_SMTP_PORT", "twenty-five", "database.dsn",
		"api_token"} {
		if !strings.Contains(message, want) {
			t.Errorf("error lacks %q:\n%s", want, message)
		}
	}
	if strings.Contains(message, "env-s3cret") {
		t.Errorf("error shows the database password:\n%s", message)
	}
}

func TestRedactDSN(t *testing.T) {
	tests := []struct {
		dsn  string
		want string
	}{
		{"user:secret@tcp(db:3306)/whmcs", "user:***@tcp(db:3306)/whmcs"},
		{"user@tcp(db:3306)/whmcs", "user@tcp(db:3306)/whmcs"},
		{"user:secret@bogus", "***"},
		{"user:top@secret-part/whmcs", "***"},
		{"user:p@ss@tcp(db:3306", "***@tcp(db:3306"},
	}
	for _, tt := range tests {
		if got := config.RedactDSN(tt.dsn); got != tt.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

func TestNestedSectionErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	file := "sessions:\n  idle_timout: 5m\napi:\n  rate_limit: fast\napi_token: [a, b]\n" +
		"admins:\n  - username: alice\n    pasword_hash: x\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	message := fmt.Sprint(cfg.Validate())
	for _, want := range []string{
		"sessions.idle_timout (line 2): unknown key; did you mean sessions.idle_timeout?",
		"api.rate_limit (line 4): invalid value: use a number",
		"api_token (line 5): invalid value: use text",
		"admins[].pasword_hash (line 8): unknown key",
	} {
		if !strings.Contains(message, want) {
			t.Errorf("error lacks %q:\n%s", want, message)
		}
	}
}

func TestTLSPairMustLoad(t *testing.T) {
	dir := t.TempDir()
	bogus := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(bogus, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load("", envOf(map[string]string{
		"MFA_REMINDER_TLS_CERT_FILE": bogus, "MFA_REMINDER_TLS_KEY_FILE": bogus}))
	if err != nil {
		t.Fatal(err)
	}
	if message := fmt.Sprint(cfg.Validate()); !strings.Contains(message, "do not load as a pair") {
		t.Errorf("error lacks the TLS pair problem:\n%s", message)
	}
}
