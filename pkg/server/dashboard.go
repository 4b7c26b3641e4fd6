package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// pageSize is the number of users listed per dashboard page.
const pageSize = 50

type loginPage struct {
	Error string
}

func (s *Server) showLogin(c echo.Context) error {
	if s.sessionValue(c) != "" {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.render(c, http.StatusOK, "login.html", "Sign in", loginPage{})
}

// login opens a dashboard session for a visitor who enters the API token.
func (s *Server) login(c echo.Context) error {
	if !s.sessions.checkToken(c.FormValue("token")) {
		s.logger.Warn("Dashboard sign-in failed", "client_ip", c.RealIP())
		return s.render(c, http.StatusUnauthorized, "login.html", "Sign in",
			loginPage{Error: "That is not the daemon's API token. Enter the value of " +
				"api_token (MFA_REMINDER_API_TOKEN)."})
	}

	s.setCookie(c, sessionCookie, s.sessions.issue(s.now().Add(sessionMaxAge)), sessionMaxAge)
	s.logger.Info("Dashboard sign-in", "client_ip", c.RealIP())
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) logout(c echo.Context) error {
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/login")
}

type overviewPage struct {
	Stats     store.Stats
	Settings  *settings.Snapshot
	Users     []store.User
	After     int64
	NextAfter int64
}

// overview shows the adoption figures and one page of users without MFA,
// paged by user id (?after=ID) so that a page costs the same at any depth.
func (s *Server) overview(c echo.Context) error {
	after, err := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	if c.QueryParam("after") != "" && (err != nil || after < 0) {
		return echo.NewHTTPError(http.StatusBadRequest,
			fmt.Sprintf("invalid page position %q: use a user id", c.QueryParam("after")))
	}

	ctx := c.Request().Context()
	stats, err := s.store.Stats(ctx)
	if err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable).WithInternal(err)
	}
	snapshot, err := s.settings.Get(ctx)
	if err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable).WithInternal(err)
	}
	users, err := s.store.UsersWithoutMFA(ctx, after, pageSize+1)
	if err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable).WithInternal(err)
	}

	page := overviewPage{Stats: stats, Settings: snapshot, Users: users, After: after}
	if len(users) > pageSize {
		page.Users = users[:pageSize]
		page.NextAfter = page.Users[pageSize-1].ID
	}
	return s.render(c, http.StatusOK, "overview.html", "MFA adoption", page)
}

// sendReminder sends one reminder now and redirects back to the list
// (post/redirect/get), so reloading the page never sends again.
func (s *Server) sendReminder(c echo.Context) error {
	userID, err := parseUserID(c.FormValue("user_id"))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}

	outcome, err := s.runner.RemindUser(c.Request().Context(), userID, store.TriggerAdmin,
		"dashboard")
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.setFlash(c, "error", fmt.Sprintf("User %d does not exist in WHMCS.", userID))
	case errors.Is(err, reminder.ErrNotDue):
		s.setFlash(c, "info", fmt.Sprintf("No reminder sent to user %d: %s.", userID,
			outcome.Reason))
	case err != nil && outcome.Status == reminder.StatusFailed:
		s.setFlash(c, "error", fmt.Sprintf("The reminder to %s failed: %s", outcome.Email,
			outcome.Reason))
	case err != nil:
		return echo.NewHTTPError(http.StatusServiceUnavailable).WithInternal(err)
	case outcome.Status == reminder.StatusSent:
		s.setFlash(c, "success", fmt.Sprintf("Reminder sent to %s.", outcome.Email))
	case outcome.Status == reminder.StatusFailed:
		s.setFlash(c, "error", fmt.Sprintf("The reminder to %s failed: %s", outcome.Email,
			outcome.Reason))
	default:
		s.setFlash(c, "info", fmt.Sprintf("No reminder sent to %s: %s.", outcome.Email,
			outcome.Reason))
	}

	target := "/"
	if after, err := strconv.ParseInt(c.FormValue("after"), 10, 64); err == nil && after > 0 {
		target = "/?after=" + strconv.FormatInt(after, 10)
	}
	return c.Redirect(http.StatusSeeOther, target)
}
