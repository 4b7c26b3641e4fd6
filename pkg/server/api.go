package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/pkg/alert"
	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// alertTimeout bounds the database work of one alert request. The WHMCS
// hook gives up after 1.5 s in total and then shows nothing.
const alertTimeout = time.Second

// maxUserID is the largest tblusers.id (an unsigned 32-bit column).
const maxUserID = 1<<32 - 1

// requireToken accepts requests that carry the API token as a bearer
// token. The comparison takes the same time for any token.
func (s *Server) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	want := sha256.Sum256([]byte(s.cfg.APIToken))
	return func(c echo.Context) error {
		header := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, found := strings.Cut(header, " ")
		if !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, "Bearer")
			return echo.NewHTTPError(http.StatusUnauthorized,
				"missing API token: send the header Authorization: Bearer TOKEN")
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer error="invalid_token"`)
			return echo.NewHTTPError(http.StatusUnauthorized,
				"invalid API token: use the daemon's api_token (MFA_REMINDER_API_TOKEN)")
		}
		return next(c)
	}
}

// parseUserID reads a tblusers id from request input.
func parseUserID(raw string) (int64, error) {
	if raw == "" {
		return 0, errors.New("missing user_id: pass the WHMCS user id (tblusers.id)")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 || id > maxUserID {
		return 0, fmt.Errorf("invalid user_id %q: use the WHMCS user id, "+
			"a whole number from 1 to %d", truncate(raw, 40), int64(maxUserID))
	}
	return id, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// lookupError maps store errors to HTTP errors.
func lookupError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "unknown user: no tblusers row has this id")
	}
	return echo.NewHTTPError(http.StatusServiceUnavailable).WithInternal(err)
}

// alert handles GET /api/v1/alert: it returns the alert fragment (200),
// or 204 when no alert is due.
func (s *Server) alert(c echo.Context) error {
	userID, err := parseUserID(c.QueryParam("user_id"))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}

	ctx, cancel := context.WithTimeout(c.Request().Context(), alertTimeout)
	defer cancel()

	snapshot, err := s.settings.Get(ctx)
	if err != nil {
		return lookupError(err)
	}
	user, err := s.store.User(ctx, userID)
	if err != nil {
		return lookupError(err)
	}

	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if show, _ := alert.Decide(user, snapshot); !show {
		return c.NoContent(http.StatusNoContent)
	}

	var fragment bytes.Buffer
	language := alert.Language(c.QueryParam("lang"), user, snapshot.System.Language)
	if err := alert.Render(&fragment, snapshot.AlertStyle, snapshot.SecurityURL, language); err != nil {
		return fmt.Errorf("render alert: %w", err)
	}
	return c.HTMLBlob(http.StatusOK, fragment.Bytes())
}

// maxDismissBody is the largest dismiss request body read.
const maxDismissBody = 4 << 10

// dismiss handles POST /api/v1/dismiss and records that the user closed
// the alert. user_id comes as a form field or in a JSON object.
func (s *Server) dismiss(c echo.Context) error {
	raw, err := dismissUserID(c)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge,
			"request body too large: send at most 4 KiB")
	}
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	userID, err := parseUserID(raw)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}

	ctx := c.Request().Context()
	if _, err := s.store.User(ctx, userID); err != nil {
		return lookupError(err)
	}
	if err := s.store.Dismiss(ctx, userID, s.now()); err != nil {
		return lookupError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

func dismissUserID(c echo.Context) (string, error) {
	request := c.Request()
	request.Body = http.MaxBytesReader(c.Response(), request.Body, maxDismissBody)

	if !strings.HasPrefix(request.Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		if err := request.ParseForm(); err != nil {
			return "", err
		}
		return c.FormValue("user_id"), nil
	}

	body, err := io.ReadAll(request.Body)
	if err != nil {
		return "", err
	}
	var payload struct {
		UserID json.RawMessage `json:"user_id"`
	}
	if err := json.Unmarshal(body, &payload); err != nil {
		return "", errors.New(`invalid JSON body: send {"user_id": ID}`)
	}
	// Accept the id as a JSON number or a string holding one.
	return strings.Trim(string(payload.UserID), `"`), nil
}

// stats handles GET /api/v1/stats and returns the adoption figures.
func (s *Server) stats(c echo.Context) error {
	stats, err := s.store.Stats(c.Request().Context())
	if err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable).WithInternal(err)
	}
	return c.JSON(http.StatusOK, stats)
}
