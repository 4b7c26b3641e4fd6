package config

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"golang.org/x/crypto/bcrypt"
)

// Requirement names a part of the configuration that a command needs.
type Requirement int

const (
	// NeedDatabase requires database.dsn.
	NeedDatabase Requirement = iota
	// NeedAPIToken requires api_token.
	NeedAPIToken
	// NeedSSOSecret requires sso_secret.
	NeedSSOSecret
	// NeedMail requires smtp.host, unless smtp.outbox_dir is set.
	NeedMail
)

// Client statuses that WHMCS stores in tblclients.status.
var clientStatuses = []string{"Active", "Inactive", "Closed"}

// AlertStyles are the Bootstrap alert classes that the alert may use.
var AlertStyles = []string{"danger", "warning", "info"}

// Validate checks every value and the requirements given, and returns a
// *ValidationError that lists all problems at once. It also normalises
// client status spelling.
func (c *Config) Validate(needs ...Requirement) error {
	v := &validator{cfg: c, problems: append([]string(nil), c.loadProblems...)}

	c.validateDatabase(v, slices.Contains(needs, NeedDatabase))
	c.validateServer(v, slices.Contains(needs, NeedAPIToken))
	c.validateSecurity(v, slices.Contains(needs, NeedSSOSecret))
	c.validateSMTP(v, slices.Contains(needs, NeedMail))
	c.validateBehaviour(v)

	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	return nil
}

type validator struct {
	cfg      *Config
	problems []string
}

// add records a problem with key, naming the environment variable when
// the value came from there.
func (v *validator) add(key, format string, args ...any) {
	message := key + ": " + fmt.Sprintf(format, args...)
	if v.cfg.Source(key) == SourceEnv {
		variable := EnvVarFor(key)
		if v.cfg.fromFile[key] {
			variable += "_FILE"
		}
		message += " (set by " + variable + ")"
	}
	v.problems = append(v.problems, message)
}

func (c *Config) validateDatabase(v *validator, required bool) {
	db := c.Database
	switch {
	case db.DSN == "" && required:
		v.add("database.dsn", "missing: set MFA_REMINDER_DATABASE_DSN or database.dsn, "+
			"for example mfa_reminder:secret@tcp(127.0.0.1:3306)/whmcs")
	case db.DSN != "":
		parsed, err := mysql.ParseDSN(db.DSN)
		if err != nil {
			// The driver's message can quote the DSN, password included,
			// so it is left out.
			v.add("database.dsn", "invalid DSN %q: use the form "+
				"user:password@tcp(host:3306)/whmcs", RedactDSN(db.DSN))
		} else if parsed.DBName == "" {
			v.add("database.dsn", "%q names no database: end it with /DATABASE, "+
				"the name of the WHMCS database", RedactDSN(db.DSN))
		}
	}

	if db.MaxOpenConns < 1 {
		v.add("database.max_open_conns", "invalid value %d: use 1 or more", db.MaxOpenConns)
	}
	if db.MaxIdleConns < 0 {
		v.add("database.max_idle_conns", "invalid value %d: use 0 or more", db.MaxIdleConns)
	}
	if db.ConnMaxLifetime <= 0 {
		v.add("database.conn_max_lifetime", "invalid value %s: use a positive duration "+
			"such as 3m", db.ConnMaxLifetime)
	}
	if db.QueryTimeout <= 0 {
		v.add("database.query_timeout", "invalid value %s: use a positive duration "+
			"such as 30s", db.QueryTimeout)
	}
}

func (c *Config) validateServer(v *validator, tokenRequired bool) {
	if _, port, err := net.SplitHostPort(c.Listen); err != nil {
		v.add("listen", "invalid address %q: use host:port, for example 127.0.0.1:8087", c.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		v.add("listen", "invalid port in %q: use a number from 0 to 65535", c.Listen)
	}

	switch {
	case tokenRequired && c.APIToken == "":
		v.add("api_token", "missing: set MFA_REMINDER_API_TOKEN or api_token to the output "+
			"of mfa-reminder gen-secret, and enter the same token in the WHMCS addon settings")
	case c.APIToken != "" && len(c.APIToken) < MinSecretLength:
		v.add("api_token", "too short (%d bytes): use at least %d, such as the output of "+
			"mfa-reminder gen-secret", len(c.APIToken), MinSecretLength)
	}

	if c.WHMCSURL != "" && !isHTTPURL(c.WHMCSURL) {
		v.add("whmcs_url", "invalid URL %q: use the address of the WHMCS client area, "+
			"such as https://billing.example.com/", c.WHMCSURL)
	}
	if c.WHMCSAdminURL != "" && !isHTTPURL(c.WHMCSAdminURL) {
		v.add("whmcs_admin_url", "invalid URL %q: use the address of the WHMCS admin area, "+
			"such as https://billing.example.com/admin/", c.WHMCSAdminURL)
	}
	if c.PublicURL != "" && !isHTTPURL(c.PublicURL) {
		v.add("public_url", "invalid URL %q: use the dashboard's address as admins open "+
			"it, such as https://billing.example.com/mfa/", c.PublicURL)
	}

	if _, _, err := c.RunTime(); err != nil {
		v.add("run_at", "invalid time %q: use HH:MM on a 24-hour clock, such as 09:00", c.RunAt)
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		v.add("timezone", "unknown time zone %q: use an IANA name such as Europe/Berlin or UTC",
			c.Timezone)
	}

	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		v.add("log.level", "invalid value %q: use debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		v.add("log.format", "invalid value %q: use text or json", c.Log.Format)
	}
}

func (c *Config) validateSMTP(v *validator, required bool) {
	s := c.SMTP
	if required && s.Host == "" && s.OutboxDir == "" {
		v.add("smtp.host", "missing: set MFA_REMINDER_SMTP_HOST or smtp.host to the mail "+
			"server, or smtp.outbox_dir to write messages to files")
	}
	if s.Port < 1 || s.Port > 65535 {
		v.add("smtp.port", "invalid port %d: use a number from 1 to 65535, "+
			"usually 587 for starttls and 465 for tls", s.Port)
	}
	if !slices.Contains([]string{"none", "starttls", "tls"}, s.Encryption) {
		v.add("smtp.encryption", "invalid value %q: use none, starttls or tls", s.Encryption)
	}
	if s.From != "" {
		if address, err := mail.ParseAddress(s.From); err != nil || address.Name != "" {
			v.add("smtp.from", "invalid address %q: use a bare address such as "+
				"support@example.com, and put the name in smtp.from_name", s.From)
		}
	}
	if s.Timeout <= 0 {
		v.add("smtp.timeout", "invalid value %s: use a positive duration such as 30s", s.Timeout)
	}
}

func (c *Config) validateBehaviour(v *validator) {
	if len(c.Scope.ClientStatuses) == 0 {
		v.add("scope.client_statuses", "empty: list at least one of Active, Inactive, Closed")
	}
	for i, status := range c.Scope.ClientStatuses {
		index := slices.IndexFunc(clientStatuses, func(s string) bool {
			return strings.EqualFold(s, strings.TrimSpace(status))
		})
		if index < 0 {
			v.add("scope.client_statuses", "invalid status %q: use Active, Inactive or Closed",
				status)
			continue
		}
		c.Scope.ClientStatuses[i] = clientStatuses[index]
	}

	d := c.Defaults
	if !slices.Contains(AlertStyles, d.AlertStyle) {
		v.add("defaults.alert_style", "invalid value %q: use danger, warning or info",
			d.AlertStyle)
	}
	if d.FrequencyDays < 1 {
		v.add("defaults.frequency_days", "invalid value %d: use a whole number of days, "+
			"1 or more", d.FrequencyDays)
	}
	if d.SecurityURL != "" && !isHTTPURL(d.SecurityURL) {
		v.add("defaults.security_url", "invalid URL %q: use an absolute http or https URL, "+
			"or leave it empty to derive it from the WHMCS System URL", d.SecurityURL)
	}
}

// BasePath returns the path of PublicURL without a trailing slash: "" for
// the root, "/mfa" for https://billing.example.net/mfa/.
func (c *Config) BasePath() string {
	parsed, err := url.Parse(c.PublicURL)
	if err != nil {
		return ""
	}
	return strings.TrimRight(parsed.Path, "/")
}

// MinSecretLength is the shortest API token and SSO secret accepted, in
// bytes.
const MinSecretLength = 32

func (c *Config) validateSecurity(v *validator, ssoRequired bool) {
	switch {
	case ssoRequired && c.SSOSecret == "":
		v.add("sso_secret", "missing: set MFA_REMINDER_SSO_SECRET or sso_secret to the output "+
			"of mfa-reminder gen-secret, and enter the same secret in the WHMCS addon settings")
	case c.SSOSecret != "" && len(c.SSOSecret) < MinSecretLength:
		v.add("sso_secret", "too short (%d bytes): use at least %d, such as the output of "+
			"mfa-reminder gen-secret", len(c.SSOSecret), MinSecretLength)
	}
	if c.SSOSecret != "" && c.SSOSecret == c.APIToken {
		v.add("sso_secret", "the same as api_token: use a different secret, because the "+
			"WHMCS hook's token must not be able to sign dashboard sign-ins")
	}

	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		v.add("tls.cert_file", "tls.cert_file and tls.key_file must be set together")
	}
	readable := true
	for key, path := range map[string]string{"tls.cert_file": c.TLS.CertFile,
		"tls.key_file": c.TLS.KeyFile} {
		if path == "" {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			readable = false
			v.add(key, "cannot read %q: check the path and the file's permissions", path)
		}
	}
	if c.TLS.CertFile != "" && c.TLS.KeyFile != "" && readable {
		if _, err := tls.LoadX509KeyPair(c.TLS.CertFile, c.TLS.KeyFile); err != nil {
			v.add("tls.key_file", "the certificate and key do not load as a pair (%v): use "+
				"PEM files of one certificate and its private key", err)
		}
	}

	for _, entry := range c.API.AllowedIPs {
		if _, err := ParseNetwork(entry); err != nil {
			v.add("api.allowed_ips", "invalid entry %q: use an address or CIDR range such as "+
				"127.0.0.1 or 10.0.0.0/8", entry)
		}
	}
	for _, entry := range c.TrustedProxies {
		if _, err := ParseNetwork(entry); err != nil {
			v.add("trusted_proxies", "invalid entry %q: use an address or CIDR range such as "+
				"127.0.0.1 or 10.0.0.0/8", entry)
		}
	}
	if c.API.RateLimit <= 0 {
		v.add("api.rate_limit", "invalid value %g: use a number of requests per second above 0",
			c.API.RateLimit)
	}
	if c.Sessions.IdleTimeout <= 0 || c.Sessions.MaxAge < c.Sessions.IdleTimeout {
		v.add("sessions", "invalid timeouts (idle_timeout %s, max_age %s): use a positive "+
			"idle_timeout no longer than max_age", c.Sessions.IdleTimeout, c.Sessions.MaxAge)
	}

	seen := map[string]bool{}
	for i, admin := range c.Admins {
		key := fmt.Sprintf("admins[%d]", i)
		switch {
		case strings.TrimSpace(admin.Username) == "":
			v.add(key, "missing username")
		case seen[strings.ToLower(admin.Username)]:
			v.add(key, "username %q is listed twice", admin.Username)
		}
		seen[strings.ToLower(admin.Username)] = true
		if _, err := bcrypt.Cost([]byte(admin.PasswordHash)); err != nil {
			v.add(key, "password_hash of %q is not a bcrypt hash: create one with "+
				"mfa-reminder hash-password", admin.Username)
		}
	}
}

// ParseNetwork reads an address or CIDR range.
func ParseNetwork(entry string) (netip.Prefix, error) {
	if prefix, err := netip.ParsePrefix(entry); err == nil {
		return prefix.Masked(), nil
	}
	address, err := netip.ParseAddr(entry)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid address or range %q", entry)
	}
	return netip.PrefixFrom(address.Unmap(), address.Unmap().BitLen()), nil
}

// RunTime returns the hour and minute of RunAt.
func (c *Config) RunTime() (hour, minute int, err error) {
	parsed, err := time.Parse("15:04", c.RunAt)
	if err != nil {
		return 0, 0, fmt.Errorf("parse run_at %q: %w", c.RunAt, err)
	}
	return parsed.Hour(), parsed.Minute(), nil
}

// Location returns the time zone that RunAt is read in. It falls back to
// UTC for an invalid name, which Validate reports.
func (c *Config) Location() *time.Location {
	location, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return location
}

func isHTTPURL(raw string) bool {
	parsed, err := url.Parse(raw)
	return err == nil && (parsed.Scheme == "http" || parsed.Scheme == "https") && parsed.Host != ""
}

// RedactDSN returns dsn with its password replaced, for messages and logs.
func RedactDSN(dsn string) string {
	parsed, err := mysql.ParseDSN(dsn)
	if err != nil {
		// Keep only what cannot hold the password: the part after the
		// last '@', which is the address and database.
		at := strings.LastIndex(dsn, "@")
		if rest := dsn[at+1:]; at >= 0 &&
			(strings.HasPrefix(rest, "tcp(") || strings.HasPrefix(rest, "unix(")) {
			return "***@" + rest
		}
		return "***"
	}
	if parsed.Passwd != "" {
		parsed.Passwd = "***"
	}
	return parsed.FormatDSN()
}
