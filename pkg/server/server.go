// Package server serves the HTTP API that the WHMCS hook calls and the
// admin dashboard.
package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Server holds the HTTP handlers and what they use.
type Server struct {
	echo     *echo.Echo
	store    *store.Store
	settings *settings.Provider
	runner   *reminder.Runner
	cfg      *config.Config
	logger   *slog.Logger
	sessions *sessions
	views    *views
	version  string
	now      func() time.Time
}

// New builds the server and its routes.
func New(cfg *config.Config, s *store.Store, p *settings.Provider, r *reminder.Runner,
	logger *slog.Logger, version string) (*Server, error) {
	views, err := parseViews()
	if err != nil {
		return nil, err
	}

	srv := &Server{
		echo:     echo.New(),
		store:    s,
		settings: p,
		runner:   r,
		cfg:      cfg,
		logger:   logger,
		sessions: newSessions(cfg.APIToken),
		views:    views,
		version:  version,
		now:      time.Now,
	}
	srv.echo.HideBanner = true
	srv.echo.HidePort = true
	srv.echo.HTTPErrorHandler = srv.handleError
	srv.routes()
	return srv, nil
}

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler {
	return s.echo
}

func (s *Server) routes() {
	e := s.echo
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	e.Use(s.logRequests)

	e.GET("/healthz", s.health)

	api := e.Group("/api/v1", s.requireToken)
	api.GET("/alert", s.alert)
	api.POST("/dismiss", s.dismiss)
	api.GET("/stats", s.stats)

	e.GET("/static/*", s.static)
	e.GET("/login", s.showLogin)
	e.POST("/login", s.login)
	e.POST("/logout", s.logout)

	dashboard := e.Group("", s.requireSession)
	dashboard.GET("/", s.overview)
	dashboard.POST("/reminders", s.sendReminder, s.requireCSRF)
}

func (s *Server) health(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// logRequests logs one line per request, by status: Error for 5xx, Warn
// for 4xx, Debug otherwise. Query strings are left out.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		started := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}

		path := c.Request().URL.Path
		if path == "/healthz" {
			return nil
		}
		status := c.Response().Status
		level := slog.LevelDebug
		switch {
		case status >= 500:
			level = slog.LevelError
		case status >= 400:
			level = slog.LevelWarn
		}
		s.logger.Log(c.Request().Context(), level, "HTTP request",
			"method", c.Request().Method, "path", path, "status", status,
			"duration", time.Since(started).Round(time.Microsecond),
			"client_ip", c.RealIP())
		return nil
	}
}

// handleError writes errors as JSON under /api and as an HTML page
// elsewhere. A 5xx response never carries the internal error text, which
// is logged instead.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}

	status, message := http.StatusInternalServerError, "internal error; see the daemon's log"
	var httpErr *echo.HTTPError
	if errors.As(err, &httpErr) {
		status = httpErr.Code
		if text, ok := httpErr.Message.(string); ok && status < 500 {
			message = text
		} else if status < 500 {
			message = http.StatusText(status)
		}
	}
	if status >= 500 {
		s.logger.Error("Request failed", "method", c.Request().Method,
			"path", c.Request().URL.Path, "error", err)
		if status == http.StatusServiceUnavailable {
			message = "the WHMCS database is not available; see the daemon's log"
		}
	}

	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		_ = c.JSON(status, map[string]string{"error": message})
		return
	}
	_ = s.render(c, status, "error.html", "Error", errorPage{Status: status, Message: message})
}
