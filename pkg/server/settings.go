package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// setting is one row of the settings page.
type setting struct {
	Key    string
	Value  string
	Source string
}

type settingsPage struct {
	Daemon  []setting
	Addon   []setting
	NextRun string
	LastRun *store.Run
	// LastRunTook is the length of the last pass.
	LastRunTook string
}

// showSettings shows the effective settings with where each comes from,
// the next scheduled pass and the last pass's summary. Secrets are
// redacted.
func (s *Server) showSettings(c echo.Context) error {
	ctx := c.Request().Context()
	snapshot, err := s.settings.Get(ctx)
	if err != nil {
		return unavailable(err)
	}

	view := settingsPage{NextRun: "not scheduled in this process"}
	cfg := s.cfg
	daemon := []struct{ key, value string }{
		{"database.dsn", config.RedactDSN(cfg.Database.DSN)},
		{"database.password", redact(cfg.Database.Password)},
		{"listen", cfg.Listen},
		{"public_url", cfg.PublicURL},
		{"api_token", redact(cfg.APIToken)},
		{"sso_secret", redact(cfg.SSOSecret)},
		{"admins", adminNames(cfg.Admins)},
		{"api.allowed_ips", strings.Join(cfg.API.AllowedIPs, ", ")},
		{"trusted_proxies", strings.Join(cfg.TrustedProxies, ", ")},
		{"tls.cert_file", cfg.TLS.CertFile},
		{"whmcs_url", cfg.WHMCSURL},
		{"whmcs_admin_url", cfg.WHMCSAdminURL},
		{"run_at", cfg.RunAt},
		{"timezone", cfg.Timezone},
		{"smtp.host", cfg.SMTP.Host},
		{"smtp.port", strconv.Itoa(cfg.SMTP.Port)},
		{"smtp.username", cfg.SMTP.Username},
		{"smtp.password", redact(cfg.SMTP.Password)},
		{"smtp.encryption", cfg.SMTP.Encryption},
		{"smtp.from", cfg.SMTP.From},
		{"smtp.from_name", cfg.SMTP.FromName},
		{"smtp.outbox_dir", cfg.SMTP.OutboxDir},
		{"scope.client_statuses", strings.Join(cfg.Scope.ClientStatuses, ", ")},
	}
	for _, entry := range daemon {
		view.Daemon = append(view.Daemon, setting{entry.key, entry.value, cfg.Source(entry.key)})
	}
	addon := []struct{ key, value string }{
		{"enable_alert", onOff(snapshot.EnableAlert)},
		{"alert_style", snapshot.AlertStyle},
		{"security_url", snapshot.SecurityURL},
		{"enable_email", onOff(snapshot.EnableEmail)},
		{"frequency_days", strconv.Itoa(snapshot.FrequencyDays)},
	}
	for _, entry := range addon {
		view.Addon = append(view.Addon, setting{entry.key, entry.value, snapshot.Sources[entry.key]})
	}
	if snapshot.Sources["security_url"] != settings.SourceAddon && cfg.Defaults.SecurityURL == "" {
		view.Addon[2].Source = "derived from the WHMCS System URL"
	}

	if s.NextRun != nil {
		if next, ok := s.NextRun(); ok {
			view.NextRun = next.In(cfg.Location()).Format("2006-01-02 15:04 MST")
		}
	}
	if run, err := s.store.LastRun(ctx); err == nil {
		view.LastRun = &run
		view.LastRunTook = duration(run)
	}
	return s.render(c, http.StatusOK, "settings.html", "Settings", view)
}

func redact(secret string) string {
	if secret == "" {
		return ""
	}
	return "(set, hidden)"
}

func adminNames(admins []config.AdminAccount) string {
	names := make([]string, len(admins))
	for i, admin := range admins {
		names[i] = admin.Username
	}
	return strings.Join(names, ", ")
}

func onOff(value bool) string {
	if value {
		return "on"
	}
	return "off"
}

// duration formats a run's length.
func duration(run store.Run) string {
	if !run.StartedAt.Valid || !run.FinishedAt.Valid {
		return ""
	}
	return run.FinishedAt.Time.Sub(run.StartedAt.Time).Round(time.Millisecond).String()
}
