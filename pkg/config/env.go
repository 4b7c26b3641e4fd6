package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// envVar binds one environment variable to one configuration key.
type envVar struct {
	name string
	key  string
	set  func(c *Config, value string) error
}

func setString(target func(c *Config) *string) func(*Config, string) error {
	return func(c *Config, value string) error {
		*target(c) = value
		return nil
	}
}

func setInt(target func(c *Config) *int) func(*Config, string) error {
	return func(c *Config, value string) error {
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("invalid number %q: use a whole number", value)
		}
		*target(c) = n
		return nil
	}
}

// envVars lists the environment variables that override the file. The
// names are a fixed contract: scripts and the README rely on them.
var envVars = []envVar{
	{"MFA_REMINDER_DATABASE_DSN", "database.dsn",
		setString(func(c *Config) *string { return &c.Database.DSN })},
	{"MFA_REMINDER_LISTEN", "listen",
		setString(func(c *Config) *string { return &c.Listen })},
	{"MFA_REMINDER_DATABASE_PASSWORD", "database.password",
		setString(func(c *Config) *string { return &c.Database.Password })},
	{"MFA_REMINDER_API_TOKEN", "api_token",
		setString(func(c *Config) *string { return &c.APIToken })},
	{"MFA_REMINDER_SSO_SECRET", "sso_secret",
		setString(func(c *Config) *string { return &c.SSOSecret })},
	{"MFA_REMINDER_PUBLIC_URL", "public_url",
		setString(func(c *Config) *string { return &c.PublicURL })},
	{"MFA_REMINDER_WHMCS_URL", "whmcs_url",
		setString(func(c *Config) *string { return &c.WHMCSURL })},
	{"MFA_REMINDER_WHMCS_ADMIN_URL", "whmcs_admin_url",
		setString(func(c *Config) *string { return &c.WHMCSAdminURL })},
	{"MFA_REMINDER_RUN_AT", "run_at",
		setString(func(c *Config) *string { return &c.RunAt })},
	{"MFA_REMINDER_TIMEZONE", "timezone",
		setString(func(c *Config) *string { return &c.Timezone })},
	{"MFA_REMINDER_SMTP_HOST", "smtp.host",
		setString(func(c *Config) *string { return &c.SMTP.Host })},
	{"MFA_REMINDER_SMTP_PORT", "smtp.port",
		setInt(func(c *Config) *int { return &c.SMTP.Port })},
	{"MFA_REMINDER_SMTP_USERNAME", "smtp.username",
		setString(func(c *Config) *string { return &c.SMTP.Username })},
	{"MFA_REMINDER_SMTP_PASSWORD", "smtp.password",
		setString(func(c *Config) *string { return &c.SMTP.Password })},
	{"MFA_REMINDER_SMTP_ENCRYPTION", "smtp.encryption",
		setString(func(c *Config) *string { return &c.SMTP.Encryption })},
	{"MFA_REMINDER_SMTP_FROM", "smtp.from",
		setString(func(c *Config) *string { return &c.SMTP.From })},
	{"MFA_REMINDER_SMTP_FROM_NAME", "smtp.from_name",
		setString(func(c *Config) *string { return &c.SMTP.FromName })},
	{"MFA_REMINDER_SMTP_OUTBOX_DIR", "smtp.outbox_dir",
		setString(func(c *Config) *string { return &c.SMTP.OutboxDir })},
	{"MFA_REMINDER_CLIENT_STATUSES", "scope.client_statuses", setClientStatuses},
	{"MFA_REMINDER_LOG_LEVEL", "log.level",
		setString(func(c *Config) *string { return &c.Log.Level })},
	{"MFA_REMINDER_LOG_FORMAT", "log.format",
		setString(func(c *Config) *string { return &c.Log.Format })},
	{"MFA_REMINDER_TLS_CERT_FILE", "tls.cert_file",
		setString(func(c *Config) *string { return &c.TLS.CertFile })},
	{"MFA_REMINDER_TLS_KEY_FILE", "tls.key_file",
		setString(func(c *Config) *string { return &c.TLS.KeyFile })},
	{"MFA_REMINDER_API_ALLOWED_IPS", "api.allowed_ips", setList(func(c *Config) *[]string {
		return &c.API.AllowedIPs
	})},
	{"MFA_REMINDER_TRUSTED_PROXIES", "trusted_proxies", setList(func(c *Config) *[]string {
		return &c.TrustedProxies
	})},
}

// secretVars are the variables that hold secrets. Each also has a _FILE
// variant naming a file that contains the value, and none is ever shown.
var secretVars = []string{"MFA_REMINDER_DATABASE_DSN", "MFA_REMINDER_DATABASE_PASSWORD",
	"MFA_REMINDER_API_TOKEN", "MFA_REMINDER_SSO_SECRET", "MFA_REMINDER_SMTP_PASSWORD"}

// SecretKeys are the dotted keys whose values are never shown.
var SecretKeys = []string{"database.dsn", "database.password", "api_token", "sso_secret",
	"smtp.password"}

// readSecretFile returns the content of a _FILE variable's file, without
// a trailing line break.
func readSecretFile(name, path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: cannot read %q: %w", name, path, errors.Unwrap(err))
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

func setList(target func(c *Config) *[]string) func(*Config, string) error {
	return func(c *Config, value string) error {
		var list []string
		for _, item := range strings.Split(value, ",") {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, item)
			}
		}
		*target(c) = list
		return nil
	}
}

func setClientStatuses(c *Config, value string) error {
	c.Scope.ClientStatuses = nil
	for _, status := range strings.Split(value, ",") {
		if status = strings.TrimSpace(status); status != "" {
			c.Scope.ClientStatuses = append(c.Scope.ClientStatuses, status)
		}
	}
	return nil
}

// EnvVarFor returns the environment variable that sets a dotted key, or
// an empty string when there is none.
func EnvVarFor(key string) string {
	for _, v := range envVars {
		if v.key == key {
			return v.name
		}
	}
	return ""
}
