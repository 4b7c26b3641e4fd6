// Package server serves the HTTP API that the WHMCS hook calls and the
// admin dashboard.
package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
	"github.com/mfa-reminder/mfa-reminder/pkg/reminder"
	"github.com/mfa-reminder/mfa-reminder/pkg/settings"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// Deps are the components the server uses.
type Deps struct {
	Config   *config.Config
	Store    *store.Store
	Settings *settings.Provider
	Runner   *reminder.Runner
	// Worker sends bulk reminders; nil sends them within the request.
	Worker *reminder.Worker
	Logger *slog.Logger
	// NextRun returns the time of the next scheduled pass; nil when no
	// scheduler runs.
	NextRun func() (time.Time, bool)
	Version string
}

// Server holds the HTTP handlers and what they use.
type Server struct {
	Deps
	echo     *echo.Echo
	cfg      *config.Config
	store    *store.Store
	settings *settings.Provider
	runner   *reminder.Runner
	logger   *slog.Logger
	signer   *signer
	failures *failures
	repeats  *logLimiter
	// allowed are the api.allowed_ips ranges; proxies the trusted proxies.
	allowed []netip.Prefix
	proxies []netip.Prefix
	views   *views
	// base is the path prefix of the dashboard, such as /mfa, or "".
	base string
	now  func() time.Time
}

// New builds the server and its routes.
func New(deps Deps) (*Server, error) {
	base := deps.Config.BasePath()
	views, err := parseViews(base)
	if err != nil {
		return nil, err
	}

	srv := &Server{
		Deps:     deps,
		echo:     echo.New(),
		cfg:      deps.Config,
		store:    deps.Store,
		settings: deps.Settings,
		runner:   deps.Runner,
		logger:   deps.Logger,
		signer:   newSigner(deps.Config.SSOSecret),
		failures: newFailures(),
		repeats:  newLogLimiter(deps.Logger),
		allowed:  networks(deps.Config.API.AllowedIPs),
		proxies:  networks(deps.Config.TrustedProxies),
		views:    views,
		base:     base,
		now:      time.Now,
	}
	srv.echo.HideBanner = true
	srv.echo.HidePort = true
	srv.echo.HTTPErrorHandler = srv.handleError
	// Client addresses come from the connection, or from X-Forwarded-For
	// only when a trusted proxy sent it, so no client can claim another
	// address in logs, rate limits or the API allow-list.
	srv.echo.IPExtractor = ipExtractor(srv.proxies)
	srv.routes()
	return srv, nil
}

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler {
	return s.echo
}

// url returns the dashboard path under the configured prefix.
func (s *Server) url(path string) string {
	return s.base + path
}

// routes registers every route with its own middleware, not through
// groups, so a known path with the wrong method gets 405.
func (s *Server) routes() {
	e := s.echo
	e.Pre(s.stripBase)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	e.Use(s.logRequests)
	e.Use(s.securityHeaders)
	e.Use(middleware.BodyLimit(maxBody))
	e.Use(bufferUnknownLength)

	e.GET("/healthz", s.health)

	api := []echo.MiddlewareFunc{s.allowAPIClients, s.rateLimit(s.cfg.API.RateLimit),
		s.requireToken}
	e.GET("/api/v1/alert", s.alert, api...)
	e.POST("/api/v1/dismiss", s.dismiss, api...)
	e.GET("/api/v1/stats", s.stats, api...)

	e.GET("/static/*", s.static)
	signIn := s.rateLimit(2)
	e.GET("/login", s.showLogin, signIn)
	e.POST("/login", s.login, signIn)
	e.GET("/sso", s.sso, signIn)
	e.POST("/logout", s.logout, s.requireSession, s.requireCSRF)

	page := s.requireSession
	e.GET("/", s.overview, page)
	e.GET("/users", s.users, page)
	e.GET("/users.csv", s.usersCSV, page)
	e.POST("/reminders", s.sendReminders, page, s.requireCSRF)
	e.GET("/reminders/:id", s.batch, page)
	e.GET("/reminders/preview", s.preview, page)
	e.POST("/reminders/preview", s.sendTest, page, s.requireCSRF)
	e.GET("/activity", s.activity, page)
	e.GET("/settings", s.showSettings, page)
}

// stripBase removes the public_url path prefix from requests that carry
// it, so the dashboard serves both a proxy that keeps the prefix and
// direct requests to the listen address.
func (s *Server) stripBase(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		request := c.Request()
		if s.base != "" && (request.URL.Path == s.base ||
			strings.HasPrefix(request.URL.Path, s.base+"/")) {
			request.URL.Path = strings.TrimPrefix(request.URL.Path, s.base)
			if request.URL.Path == "" {
				request.URL.Path = "/"
			}
			request.URL.RawPath = ""
		}
		return next(c)
	}
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
		if level >= slog.LevelWarn && !s.repeats.allow(fmt.Sprint("request ", status, " ", path),
			time.Now()) {
			return nil
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
		if s.repeats.allow("failed "+c.Request().Method+" "+c.Request().URL.Path, time.Now()) {
			s.logger.Error("Request failed", "method", c.Request().Method,
				"path", c.Request().URL.Path, "error", err)
		}
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
