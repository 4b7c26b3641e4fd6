package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

type overviewPage struct {
	Stats    store.Stats
	Coverage store.Coverage
	Bars     []bar
	Trend    trend
	Effects  []store.Effect
	Settings *settings.Snapshot
	Facts    []string
}

// overview shows the adoption figures, their trend, the account coverage,
// the effect of reminders and the WHMCS settings that change what the
// figures mean.
func (s *Server) overview(c echo.Context) error {
	ctx := c.Request().Context()
	page := overviewPage{}
	var err error

	if page.Stats, err = s.store.Stats(ctx); err != nil {
		return unavailable(err)
	}
	if page.Coverage, err = s.store.Coverage(ctx); err != nil {
		return unavailable(err)
	}
	if page.Settings, err = s.settings.Get(ctx); err != nil {
		return unavailable(err)
	}
	now := s.now()
	snapshots, err := s.store.Snapshots(ctx, now.AddDate(0, 0, -trendDays))
	if err != nil {
		return unavailable(err)
	}
	for _, days := range []int{30, 90} {
		effect, err := s.store.ReminderEffect(ctx, now, days)
		if err != nil {
			return unavailable(err)
		}
		page.Effects = append(page.Effects, effect)
	}

	page.Bars = adoptionBars(page.Stats)
	page.Trend = newTrend(snapshots, now.In(s.cfg.Location()))
	page.Facts = whmcsFacts(page.Settings)
	return s.render(c, http.StatusOK, "overview.html", "MFA adoption", page)
}

// whmcsFacts lists WHMCS settings that change what the figures mean.
func whmcsFacts(snapshot *settings.Snapshot) []string {
	var facts []string
	switch {
	case snapshot.TwoFactorErr != nil:
		facts = append(facts, "WHMCS's two-factor settings (tblconfiguration 2fasettings) "+
			"could not be read, so it is unknown whether clients can turn MFA on.")
	case len(snapshot.TwoFactor.ClientModules) == 0:
		facts = append(facts, "No two-factor module is enabled for clients in WHMCS, so "+
			"users cannot turn MFA on. Enable one in WHMCS's two-factor authentication settings.")
	}
	if snapshot.TwoFactor.ForceClient {
		facts = append(facts, "WHMCS already makes clients set up two-factor authentication "+
			"at their next login, so users listed without MFA have not logged in since.")
	}
	if !snapshot.EnableEmail {
		facts = append(facts, "Reminder emails are off (enable_email in the WHMCS addon settings).")
	}
	if !snapshot.EnableAlert {
		facts = append(facts, "The client-area alert is off (enable_alert in the WHMCS addon "+
			"settings).")
	}
	return facts
}

// unavailable is the error for a failed database read.
func unavailable(err error) error {
	return echo.NewHTTPError(http.StatusServiceUnavailable).WithInternal(err)
}
