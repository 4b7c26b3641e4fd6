// Package settings resolves the behaviour settings that admins change in
// WHMCS (Setup > Addon Modules > MFA Reminder), falling back to the
// daemon's configured defaults, and caches them briefly so that a change
// takes effect within a minute without a query per request.
package settings

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Setting names in tbladdonmodules. They are a fixed contract with the
// WHMCS addon.
const (
	KeyEnableAlert   = "enable_alert"
	KeyAlertStyle    = "alert_style"
	KeySecurityURL   = "security_url"
	KeyEnableEmail   = "enable_email"
	KeyFrequencyDays = "frequency_days"
)

// SourceAddon marks a value read from the WHMCS addon settings.
const SourceAddon = "WHMCS addon"

// TTL is how long settings are cached.
const TTL = 30 * time.Second

// Snapshot is the effective settings at one moment.
type Snapshot struct {
	EnableAlert   bool
	AlertStyle    string
	EnableEmail   bool
	FrequencyDays int
	// SecurityURL is the addon's security_url, else the configured default,
	// else derived from the WHMCS System URL; empty when none is known.
	SecurityURL string
	// WHMCSURL is the client area's base URL with a trailing slash: the
	// configured whmcs_url, else tblconfiguration SystemURL.
	WHMCSURL string
	// WHMCSAdminURL is the admin area's base URL with a trailing slash.
	WHMCSAdminURL string
	// TwoFactor is WHMCS's global two-factor configuration; TwoFactorErr
	// says why it could not be read.
	TwoFactor    TwoFactor
	TwoFactorErr error
	System       store.SystemSettings
	// Sources maps each setting name to where its value came from.
	Sources map[string]string
	// Problems lists addon values that were invalid and replaced by the
	// default.
	Problems []string
}

// Provider returns the current Snapshot.
type Provider struct {
	store    *store.Store
	cfg      *config.Config
	logger   *slog.Logger
	now      func() time.Time
	mu       sync.Mutex
	cached   *Snapshot
	cachedAt time.Time
}

// NewProvider returns a Provider reading from s with defaults from cfg.
func NewProvider(s *store.Store, cfg *config.Config, logger *slog.Logger) *Provider {
	return &Provider{store: s, cfg: cfg, logger: logger, now: time.Now}
}

// Get returns the settings, reading WHMCS at most once per TTL. When the
// read fails, it returns the error and keeps no stale copy, so callers
// fail open instead of acting on old settings.
func (p *Provider) Get(ctx context.Context) (*Snapshot, error) {
	p.mu.Lock()
	defer p.mu.Unlock()

	if p.cached != nil && p.now().Sub(p.cachedAt) < TTL {
		return p.cached, nil
	}

	snapshot, err := p.load(ctx)
	if err != nil {
		p.cached = nil
		return nil, err
	}
	for _, problem := range snapshot.Problems {
		p.logger.Warn("Invalid WHMCS addon setting, using the default", "problem", problem)
	}
	p.cached, p.cachedAt = snapshot, p.now()
	return snapshot, nil
}

// Invalidate drops the cached settings.
func (p *Provider) Invalidate() {
	p.mu.Lock()
	p.cached = nil
	p.mu.Unlock()
}

func (p *Provider) load(ctx context.Context) (*Snapshot, error) {
	addon, err := p.store.AddonSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("load addon settings: %w", err)
	}
	system, err := p.store.SystemSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("load WHMCS settings: %w", err)
	}
	return Resolve(p.cfg, addon, system), nil
}

// Resolve merges the addon settings over the configured defaults.
func Resolve(cfg *config.Config, addon map[string]string,
	system store.SystemSettings) *Snapshot {
	defaults := cfg.Defaults
	s := &Snapshot{
		EnableAlert:   defaults.EnableAlert,
		AlertStyle:    defaults.AlertStyle,
		EnableEmail:   defaults.EnableEmail,
		FrequencyDays: defaults.FrequencyDays,
		SecurityURL:   defaults.SecurityURL,
		System:        system,
		Sources:       map[string]string{},
	}
	for _, key := range []string{KeyEnableAlert, KeyAlertStyle, KeySecurityURL,
		KeyEnableEmail, KeyFrequencyDays} {
		s.Sources[key] = cfg.Source("defaults." + key)
	}

	if value, ok := addon[KeyEnableAlert]; ok {
		s.EnableAlert, s.Sources[KeyEnableAlert] = yes(value), SourceAddon
	}
	if value, ok := addon[KeyEnableEmail]; ok {
		s.EnableEmail, s.Sources[KeyEnableEmail] = yes(value), SourceAddon
	}
	if value, ok := addon[KeyAlertStyle]; ok {
		style := strings.ToLower(strings.TrimSpace(value))
		if slices.Contains(config.AlertStyles, style) {
			s.AlertStyle, s.Sources[KeyAlertStyle] = style, SourceAddon
		} else {
			s.Problems = append(s.Problems, fmt.Sprintf("%s %q is not danger, warning or info",
				KeyAlertStyle, value))
		}
	}
	if value, ok := addon[KeyFrequencyDays]; ok {
		days, err := strconv.Atoi(strings.TrimSpace(value))
		if err == nil && days >= 1 {
			s.FrequencyDays, s.Sources[KeyFrequencyDays] = days, SourceAddon
		} else {
			s.Problems = append(s.Problems, fmt.Sprintf("%s %q is not a whole number of days, "+
				"1 or more", KeyFrequencyDays, value))
		}
	}

	s.WHMCSURL = withSlash(cfg.WHMCSURL)
	if s.WHMCSURL == "" {
		s.WHMCSURL = withSlash(strings.TrimSpace(system.SystemURL))
	}
	s.WHMCSAdminURL = withSlash(cfg.WHMCSAdminURL)
	if s.WHMCSAdminURL == "" && s.WHMCSURL != "" {
		s.WHMCSAdminURL = s.WHMCSURL + "admin/"
	}
	s.TwoFactor, s.TwoFactorErr = ParseTwoFactor(system.TwoFactorSettings)

	if value := strings.TrimSpace(addon[KeySecurityURL]); value != "" {
		s.SecurityURL, s.Sources[KeySecurityURL] = value, SourceAddon
	}
	if s.SecurityURL == "" {
		s.SecurityURL = SecurityURL(s.WHMCSURL, system.RouteUriPathMode)
	}

	return s
}

// yes reads a WHMCS yesno field, which stores "on" when ticked and an
// empty string when not.
func yes(value string) bool {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "on", "yes", "1", "true":
		return true
	}
	return false
}

func withSlash(url string) string {
	if url == "" || strings.HasSuffix(url, "/") {
		return url
	}
	return url + "/"
}

// SecurityURL returns the client-area page where a WHMCS 8 user manages
// two-factor authentication, under base (the System URL with a trailing
// slash). The path depends on WHMCS's friendly-URL mode
// (tblconfiguration RouteUriPathMode). It returns "" when base is empty.
func SecurityURL(base, routeMode string) string {
	if base == "" {
		return ""
	}
	// NOTE: WHMCS stores "basic" for Basic URLs. The values "acceptpathinfo"
	// and "rewrite" for the two friendly modes were not seen in a real
	// database. Any other value gets the basic form, which works in every
	// mode.
	switch strings.ToLower(strings.TrimSpace(routeMode)) {
	case "rewrite":
		return base + "user/security"
	case "acceptpathinfo":
		return base + "index.php/user/security"
	default:
		return base + "index.php?rp=/user/security"
	}
}
