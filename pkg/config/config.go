// Package config loads the daemon's configuration from an optional YAML file
// and from MFA_REMINDER_* environment variables, which override the file.
//
// Behaviour settings that admins change in WHMCS (alerts, email frequency)
// are not read here: package settings merges them over the Defaults section.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the complete daemon configuration.
type Config struct {
	Database DatabaseConfig `yaml:"database"`
	// Listen is the HTTP listen address as host:port.
	Listen string `yaml:"listen"`
	// APIToken is the bearer token that the WHMCS hook and API clients send.
	APIToken string `yaml:"api_token"`
	// SSOSecret signs the tokens of the WHMCS addon's "Open dashboard"
	// button (HS256); the addon's sso_secret setting holds the same value.
	SSOSecret string `yaml:"sso_secret"`
	// PublicURL is the dashboard's address as admins reach it, such as
	// https://billing.example.net/mfa/ behind a reverse proxy. Its path is
	// the prefix of every dashboard link. Empty means the root of listen.
	PublicURL string `yaml:"public_url"`
	// WHMCSURL overrides tblconfiguration SystemURL in links, for installs
	// where SystemURL is empty or points at an internal name.
	WHMCSURL string `yaml:"whmcs_url"`
	// WHMCSAdminURL is the WHMCS admin area, for links to client accounts.
	// Empty means the WHMCS URL followed by admin/.
	WHMCSAdminURL string `yaml:"whmcs_admin_url"`
	// RunAt is the local time of the daily reminder pass, as HH:MM.
	RunAt string `yaml:"run_at"`
	// Timezone is the IANA time zone that RunAt is read in.
	Timezone string         `yaml:"timezone"`
	SMTP     SMTPConfig     `yaml:"smtp"`
	Scope    ScopeConfig    `yaml:"scope"`
	Defaults DefaultsConfig `yaml:"defaults"`
	Log      LogConfig      `yaml:"log"`
	TLS      TLSConfig      `yaml:"tls"`
	API      APIConfig      `yaml:"api"`
	Sessions SessionConfig  `yaml:"sessions"`
	// Admins are the local dashboard accounts, for when WHMCS is down.
	Admins []AdminAccount `yaml:"admins"`
	// TrustedProxies are the CIDR ranges of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto headers are believed.
	TrustedProxies []string `yaml:"trusted_proxies"`

	// Sources maps each dotted key to where its value came from:
	// SourceDefault, SourceFile or SourceEnv.
	Sources map[string]string `yaml:"-"`

	// loadProblems are the values Load could not read; Validate reports
	// them with the others.
	loadProblems []string
	// fromFile marks the keys whose value came from a _FILE variable.
	fromFile map[string]bool
}

// DatabaseConfig holds the MySQL connection to the WHMCS database.
type DatabaseConfig struct {
	// DSN is a go-sql-driver/mysql DSN such as user:pass@tcp(host:3306)/whmcs.
	DSN string `yaml:"dsn"`
	// Password, when set, replaces the DSN's password, so the DSN can be
	// kept free of secrets.
	Password        string        `yaml:"password"`
	MaxOpenConns    int           `yaml:"max_open_conns"`
	MaxIdleConns    int           `yaml:"max_idle_conns"`
	ConnMaxLifetime time.Duration `yaml:"conn_max_lifetime"`
	// QueryTimeout bounds every query that has no tighter deadline.
	QueryTimeout time.Duration `yaml:"query_timeout"`
}

// SMTPConfig holds the outgoing mail server.
type SMTPConfig struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// Encryption is the connection security: none, starttls or tls.
	Encryption string `yaml:"encryption"`
	// From and FromName default to the WHMCS Email and CompanyName settings.
	From     string `yaml:"from"`
	FromName string `yaml:"from_name"`
	// HELO is the name sent in EHLO; empty means the machine's host name.
	HELO    string        `yaml:"helo"`
	Timeout time.Duration `yaml:"timeout"`
	// OutboxDir, when set, makes the daemon write each message as an .eml
	// file into this folder instead of talking to an SMTP server.
	OutboxDir string `yaml:"outbox_dir"`
}

// ScopeConfig decides which users count.
type ScopeConfig struct {
	// ClientStatuses lists the tblclients.status values that put a linked
	// user in scope.
	ClientStatuses []string `yaml:"client_statuses"`
}

// DefaultsConfig holds the behaviour settings used when the WHMCS addon
// has no row for them.
type DefaultsConfig struct {
	EnableAlert   bool   `yaml:"enable_alert"`
	AlertStyle    string `yaml:"alert_style"`
	SecurityURL   string `yaml:"security_url"`
	EnableEmail   bool   `yaml:"enable_email"`
	FrequencyDays int    `yaml:"frequency_days"`
}

// TLSConfig makes the listener serve HTTPS.
type TLSConfig struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// APIConfig limits who may call /api.
type APIConfig struct {
	// AllowedIPs are CIDR ranges or addresses; empty allows every client
	// that has the token.
	AllowedIPs []string `yaml:"allowed_ips"`
	// RateLimit is the number of requests per second one client address
	// may make, with bursts of twice as many.
	RateLimit float64 `yaml:"rate_limit"`
}

// SessionConfig sets how long a dashboard sign-in lasts.
type SessionConfig struct {
	// IdleTimeout ends a session after this long without a request.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// MaxAge ends a session this long after sign-in, whatever the use.
	MaxAge time.Duration `yaml:"max_age"`
}

// AdminAccount is a local dashboard account.
type AdminAccount struct {
	Username string `yaml:"username"`
	// PasswordHash is a bcrypt hash, as mfa-reminder hash-password prints.
	PasswordHash string `yaml:"password_hash"`
}

// LogConfig sets the log level (debug, info, warn, error) and format
// (text or json).
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// Where a configuration value came from.
const (
	SourceDefault = "default"
	SourceFile    = "config file"
	SourceEnv     = "environment"
)

// Default returns the configuration used when neither a file nor the
// environment sets a key.
func Default() *Config {
	return &Config{
		Database: DatabaseConfig{
			MaxOpenConns: 10,
			MaxIdleConns: 5,
			// Below the common MySQL wait_timeout settings of hosting
			// servers, so the pool never hands out a connection the server
			// has already closed.
			ConnMaxLifetime: 3 * time.Minute,
			QueryTimeout:    30 * time.Second,
		},
		Listen:   "127.0.0.1:8087",
		RunAt:    "09:00",
		Timezone: "UTC",
		SMTP: SMTPConfig{
			Port:       587,
			Encryption: "starttls",
			Timeout:    30 * time.Second,
		},
		Scope: ScopeConfig{ClientStatuses: []string{"Active"}},
		Defaults: DefaultsConfig{
			EnableAlert:   true,
			AlertStyle:    "warning",
			EnableEmail:   true,
			FrequencyDays: 30,
		},
		Log:      LogConfig{Level: "info", Format: "text"},
		API:      APIConfig{RateLimit: 200},
		Sessions: SessionConfig{IdleTimeout: 30 * time.Minute, MaxAge: 12 * time.Hour},
		Sources:  map[string]string{},
		fromFile: map[string]bool{},
	}
}

// Load reads the YAML file at path, when path is not empty, then applies
// the environment variables found by lookup. It returns an error only for
// a file it cannot read or parse; invalid values are reported by Validate,
// all together.
func Load(path string, lookup func(string) (string, bool)) (*Config, error) {
	cfg := Default()

	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config file: %w", err)
		}
		if err := cfg.decodeYAML(data); err != nil {
			return nil, fmt.Errorf("config file %s: %w", path, err)
		}
	}

	for _, v := range envVars {
		value, ok := lookup(v.name)
		if path, fromFile := lookup(v.name + "_FILE"); fromFile && slices.Contains(secretVars, v.name) {
			switch secret, err := readSecretFile(v.name+"_FILE", path); {
			case ok:
				cfg.loadProblems = append(cfg.loadProblems, fmt.Sprintf("%s and %s_FILE are "+
					"both set: keep one", v.name, v.name))
			case err != nil:
				cfg.loadProblems = append(cfg.loadProblems, err.Error())
				continue
			default:
				value, ok = secret, true
				cfg.fromFile[v.key] = true
			}
		}
		if !ok {
			continue
		}
		if err := v.set(cfg, value); err != nil {
			cfg.loadProblems = append(cfg.loadProblems, fmt.Sprintf("%s: %v", v.name, err))
			continue
		}
		cfg.Sources[v.key] = SourceEnv
	}

	// The WHMCS addon trims its copies of these secrets, so the daemon
	// compares the same values.
	cfg.APIToken = strings.TrimSpace(cfg.APIToken)
	cfg.SSOSecret = strings.TrimSpace(cfg.SSOSecret)
	return cfg, nil
}

func (c *Config) decodeYAML(data []byte) error {
	var tree yaml.Node
	if err := yaml.Unmarshal(data, &tree); err != nil {
		return err
	}

	decoder := yaml.NewDecoder(bytes.NewReader(data))
	decoder.KnownFields(true)
	err := decoder.Decode(c)
	var typeErr *yaml.TypeError
	switch {
	case errors.As(err, &typeErr):
		c.loadProblems = append(c.loadProblems, yamlProblems(typeErr, &tree)...)
	case err != nil && !errors.Is(err, io.EOF):
		return err
	}

	var values map[string]any
	if err := yaml.Unmarshal(data, &values); err == nil {
		markFileKeys(c.Sources, "", values)
	}
	return nil
}

// markFileKeys records every leaf key present in the YAML tree.
func markFileKeys(sources map[string]string, prefix string, tree map[string]any) {
	for key, value := range tree {
		name := prefix + key
		if sub, ok := value.(map[string]any); ok {
			markFileKeys(sources, name+".", sub)
			continue
		}
		sources[name] = SourceFile
	}
}

// Source returns where the value of a dotted key came from.
func (c *Config) Source(key string) string {
	if source, ok := c.Sources[key]; ok {
		return source
	}
	return SourceDefault
}

// ValidationError lists every problem found in a configuration.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}
