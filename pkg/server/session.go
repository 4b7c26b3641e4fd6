package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

const (
	sessionCookie = "mfa_reminder_session"
	flashCookie   = "mfa_reminder_flash"
	sessionMaxAge = 12 * time.Hour
)

// sessions signs dashboard session cookies with a key derived from the API
// token, so changing the token ends every session. A session cookie holds
// only its expiry time and the signature.
type sessions struct {
	key   []byte
	token []byte
}

func newSessions(apiToken string) *sessions {
	mac := hmac.New(sha256.New, []byte(apiToken))
	mac.Write([]byte("mfa-reminder dashboard sessions"))
	return &sessions{key: mac.Sum(nil), token: []byte(apiToken)}
}

func (s *sessions) sign(parts ...string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(mac.Sum(nil))
}

// checkToken reports whether token is the API token, in constant time.
func (s *sessions) checkToken(token string) bool {
	got := sha256.Sum256([]byte(token))
	want := sha256.Sum256(s.token)
	return len(s.token) > 0 && subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// issue returns a new session cookie value valid until expires.
func (s *sessions) issue(expires time.Time) string {
	stamp := strconv.FormatInt(expires.Unix(), 10)
	return stamp + "." + s.sign("session", stamp)
}

// valid reports whether value is a session cookie that is signed and not
// expired at now.
func (s *sessions) valid(value string, now time.Time) bool {
	stamp, signature, found := strings.Cut(value, ".")
	if !found {
		return false
	}
	expires, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil || now.Unix() >= expires {
		return false
	}
	return hmac.Equal([]byte(signature), []byte(s.sign("session", stamp)))
}

// csrfToken returns the form token bound to a session cookie value.
func (s *sessions) csrfToken(session string) string {
	return s.sign("csrf", session)
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge time.Duration) {
	cookie := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   c.Scheme() == "https",
		SameSite: http.SameSiteStrictMode,
		MaxAge:   int(maxAge.Seconds()),
	}
	if maxAge < 0 {
		cookie.MaxAge = -1
	}
	c.SetCookie(cookie)
}

// sessionValue returns the request's valid session cookie, or "".
func (s *Server) sessionValue(c echo.Context) string {
	cookie, err := c.Cookie(sessionCookie)
	if err != nil || !s.sessions.valid(cookie.Value, s.now()) {
		return ""
	}
	return cookie.Value
}

// requireSession sends visitors without a valid session to the login page.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.sessionValue(c) == "" {
			return c.Redirect(http.StatusSeeOther, "/login")
		}
		return next(c)
	}
}

// requireCSRF rejects state-changing requests whose csrf_token form field
// does not match the session.
func (s *Server) requireCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		want := s.sessions.csrfToken(s.sessionValue(c))
		if !hmac.Equal([]byte(c.FormValue("csrf_token")), []byte(want)) {
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
	s.setCookie(c, flashCookie, payload+"."+s.sessions.sign("flash", payload), time.Minute)
}

// takeFlash returns and clears the flash message, or nil.
func (s *Server) takeFlash(c echo.Context) *flash {
	cookie, err := c.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	s.setCookie(c, flashCookie, "", -1)

	payload, signature, found := strings.Cut(cookie.Value, ".")
	if !found || !hmac.Equal([]byte(signature), []byte(s.sessions.sign("flash", payload))) {
		return nil
	}
	decoded, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	kind, message, _ := strings.Cut(string(decoded), "\n")
	return &flash{Kind: kind, Message: message}
}
