// Package settings resolves the behaviour settings that admins change in
// WHMCS (Setup > Addon Modules > MFA Reminder), falling back to the
// daemon's configured defaults, and caches them briefly so that a change
// takes effect within a minute without a query per request.
package settings

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
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
	// TwoFactor is WHMCS's global two-factor configuration. TwoFactorErr is
	// the reason it could not be read.
	TwoFactor    TwoFactor
	TwoFactorErr error
	System       store.SystemSettings
	// Sources maps each setting name to where its value came from.
	Sources map[string]string
	// Problems lists addon values that were invalid and replaced by the
	// default.
	Problems []string
}

// Provider loads the current Snapshot and caches it.
type Provider struct {
	store   *store.Store
	cfg     *config.Config
	logger  *slog.Logger
	now     func() time.Time
	mu      sync.Mutex
	cached  *Snapshot
	loaded  time.Time
	loadErr error
	// loading is closed when the read in progress ends; nil when none runs.
	loading chan struct{}
}

// NewProvider returns a Provider reading from s with defaults from cfg.
func NewProvider(s *store.Store, cfg *config.Config, logger *slog.Logger) *Provider {
	return &Provider{store: s, cfg: cfg, logger: logger, now: time.Now}
}

// maxStale is how long Get keeps returning old settings while a new read
// is in progress or failing.
const maxStale = 5 * time.Minute

// loadTimeout bounds one read of the settings.
const loadTimeout = 10 * time.Second

// Get returns the settings, reading WHMCS at most once per TTL. One read
// runs at a time. Meanwhile callers get the previous settings if they are
// at most maxStale old, and otherwise wait for the read or for ctx.
func (p *Provider) Get(ctx context.Context) (*Snapshot, error) {
	p.mu.Lock()
	age := p.now().Sub(p.loaded)
	if p.cached != nil && age < TTL {
		defer p.mu.Unlock()
		return p.cached, nil
	}
	if p.loading == nil {
		p.loading = make(chan struct{})
		go p.refresh(p.loading)
	}
	loading, stale := p.loading, p.cached
	p.mu.Unlock()

	if stale != nil && age < maxStale {
		return stale, nil
	}
	select {
	case <-loading:
	case <-ctx.Done():
		return nil, fmt.Errorf("load settings: %w", ctx.Err())
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.loadErr != nil {
		return nil, p.loadErr
	}
	return p.cached, nil
}

// refresh reads the settings and closes done.
func (p *Provider) refresh(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	snapshot, err := p.load(ctx)

	p.mu.Lock()
	defer p.mu.Unlock()
	p.loadErr = err
	if err == nil {
		for _, problem := range snapshot.Problems {
			p.logger.Warn("Invalid WHMCS setting, using the default", "problem", problem)
		}
		p.cached, p.loaded = snapshot, p.now()
	}
	p.loading = nil
	close(done)
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
	if systemURL := strings.TrimSpace(system.SystemURL); s.WHMCSURL == "" && systemURL != "" {
		if httpURL(systemURL) {
			s.WHMCSURL = withSlash(systemURL)
		} else {
			s.Problems = append(s.Problems, fmt.Sprintf("WHMCS System URL %q is not an http or "+
				"https URL: correct it in WHMCS General Settings, or set whmcs_url", systemURL))
		}
	}
	s.WHMCSAdminURL = withSlash(cfg.WHMCSAdminURL)
	if s.WHMCSAdminURL == "" && s.WHMCSURL != "" {
		s.WHMCSAdminURL = s.WHMCSURL + "admin/"
	}
	s.TwoFactor, s.TwoFactorErr = ParseTwoFactor(system.TwoFactorSettings)

	if value := strings.TrimSpace(addon[KeySecurityURL]); value != "" {
		if httpURL(value) {
			s.SecurityURL, s.Sources[KeySecurityURL] = value, SourceAddon
		} else {
			s.Problems = append(s.Problems, fmt.Sprintf("%s %q is not an http or https URL",
				KeySecurityURL, value))
		}
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

// httpURL reports whether raw is an absolute http or https URL.
func httpURL(raw string) bool {
	parsed, err := url.Parse(raw)
	return err == nil && (parsed.Scheme == "http" || parsed.Scheme == "https") && parsed.Host != ""
}

func withSlash(raw string) string {
	if raw == "" || strings.HasSuffix(raw, "/") {
		return raw
	}
	return raw + "/"
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
