package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

const (
	sessionCookie = "mfa_reminder_session"
	// loginCookie carries the random value that the sign-in form's CSRF
	// token is bound to, before a session exists.
	loginCookie = "mfa_reminder_login"
	flashCookie = "mfa_reminder_flash"
	// touchInterval is how often a session's last request time is
	// written, at most.
	touchInterval = time.Minute
	// sessionKey is the echo context key of the request's session.
	sessionKey = "session"
)

// Sign-in methods recorded with a session.
const (
	methodLocal = "local"
	methodSSO   = "whmcs"
)

// signer makes the CSRF tokens and signs flash messages. Its key comes
// from the SSO secret, so tokens in open forms survive a restart.
type signer struct {
	key []byte
}

func newSigner(secret string) *signer {
	key := make([]byte, 32)
	if secret == "" {
		_, _ = rand.Read(key)
	} else {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("mfa-reminder dashboard forms"))
		key = mac.Sum(nil)
	}
	return &signer{key: key}
}

func (s *signer) sign(parts ...string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(mac.Sum(nil))
}

// csrfToken returns the form token bound to a session id.
func (s *signer) csrfToken(sessionID string) string {
	return s.sign("csrf", sessionID)
}

func randomToken() string {
	data := make([]byte, 32)
	_, _ = rand.Read(data)
	return base64.RawURLEncoding.EncodeToString(data)
}

// sessionID returns the stored id of a cookie's secret: its SHA-256, so a
// copy of the sessions table opens no session.
func sessionID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// secure reports whether the request reached the daemon over HTTPS:
// directly, through a trusted proxy that sends X-Forwarded-Proto https, or
// behind a public_url that starts with https.
func (s *Server) secure(c echo.Context) bool {
	if c.IsTLS() || strings.HasPrefix(s.cfg.PublicURL, "https:") {
		return true
	}
	return s.fromTrustedProxy(c) &&
		strings.EqualFold(c.Request().Header.Get(echo.HeaderXForwardedProto), "https")
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge time.Duration) {
	cookie := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     s.base + "/",
		HttpOnly: true,
		Secure:   s.secure(c),
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(maxAge.Seconds()),
	}
	if name != sessionCookie {
		cookie.SameSite = http.SameSiteStrictMode
	}
	if maxAge < 0 {
		cookie.MaxAge = -1
	}
	c.SetCookie(cookie)
}

// startSession opens a session for an admin and sets its cookie. The
// session cookie is SameSite=Lax, so the link of WHMCS's "Open dashboard"
// button, a top-level navigation from another site, carries it onward.
func (s *Server) startSession(c echo.Context, adminID, adminName, method string) error {
	secret := randomToken()
	now := s.now()
	if err := s.store.DeleteExpired(c.Request().Context(), now); err != nil {
		return unavailable(err)
	}
	session := store.Session{ID: sessionID(secret), AdminID: adminID, AdminName: adminName,
		Method: method, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.Sessions.MaxAge)}
	if err := s.store.CreateSession(c.Request().Context(), session); err != nil {
		return unavailable(err)
	}
	s.setCookie(c, sessionCookie, secret, s.cfg.Sessions.MaxAge)
	s.logger.Info("Dashboard sign-in", "admin", adminName, "method", method,
		"client_ip", c.RealIP())
	return nil
}

// loadSession returns the request's live session, or nil. A session
// ends after the idle timeout without requests and after the maximum
// age, whatever its use.
func (s *Server) loadSession(c echo.Context) (*store.Session, error) {
	if cached, ok := c.Get(sessionKey).(*store.Session); ok {
		return cached, nil
	}
	cookie, err := c.Cookie(sessionCookie)
	if err != nil || cookie.Value == "" || len(cookie.Value) > 100 {
		return nil, nil
	}

	ctx := c.Request().Context()
	session, err := s.store.Session(ctx, sessionID(cookie.Value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable(err)
	}

	now := s.now()
	if !now.Before(session.ExpiresAt) || now.Sub(session.LastSeenAt) >= s.cfg.Sessions.IdleTimeout {
		if err := s.store.DeleteSession(ctx, session.ID); err != nil {
			return nil, unavailable(err)
		}
		return nil, nil
	}
	if now.Sub(session.LastSeenAt) >= touchInterval {
		if err := s.store.TouchSession(ctx, session.ID, now); err != nil {
			return nil, unavailable(err)
		}
	}
	c.Set(sessionKey, &session)
	return &session, nil
}

// requireSession sends visitors without a live session to the sign-in
// page.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		session, err := s.loadSession(c)
		if err != nil {
			return err
		}
		if session == nil {
			return c.Redirect(http.StatusSeeOther, s.url("/login"))
		}
		return next(c)
	}
}

// admin returns the name of the signed-in admin, or "".
func (s *Server) admin(c echo.Context) string {
	if session, ok := c.Get(sessionKey).(*store.Session); ok {
		return session.AdminName
	}
	return ""
}

// csrfHeader carries the CSRF token of requests made with fetch.
const csrfHeader = "X-CSRF-Token"

// requireCSRF rejects a state-changing request whose CSRF token, in the
// csrf_token form field or the X-CSRF-Token header, is not the one bound
// to its session. It runs after requireSession.
func (s *Server) requireCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		session, ok := c.Get(sessionKey).(*store.Session)
		if !ok {
			return echo.NewHTTPError(http.StatusForbidden, "sign in first")
		}
		token := c.Request().Header.Get(csrfHeader)
		if token == "" {
			token = c.FormValue("csrf_token")
		}
		if !hmac.Equal([]byte(token), []byte(s.signer.csrfToken(session.ID))) {
			s.logger.Warn("CSRF token rejected", "path", c.Request().URL.Path,
				"client_ip", c.RealIP())
			return echo.NewHTTPError(http.StatusForbidden,
				"the form has expired or came from another site: reload the page and try again")
		}
		return next(c)
	}
}

// flash is a one-time message shown on the next page.
type flash struct {
	Kind    string
	Message string
}

func (s *Server) setFlash(c echo.Context, kind, message string) {
	payload := base64.RawURLEncoding.EncodeToString([]byte(kind + "\n" + message))
	s.setCookie(c, flashCookie, payload+"."+s.signer.sign("flash", payload), time.Minute)
}

// takeFlash returns and clears the flash message, or nil.
func (s *Server) takeFlash(c echo.Context) *flash {
	cookie, err := c.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	s.setCookie(c, flashCookie, "", -1)

	payload, signature, found := strings.Cut(cookie.Value, ".")
	if !found || !hmac.Equal([]byte(signature), []byte(s.signer.sign("flash", payload))) {
		return nil
	}
	decoded, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	kind, message, _ := strings.Cut(string(decoded), "\n")
	return &flash{Kind: kind, Message: message}
}
