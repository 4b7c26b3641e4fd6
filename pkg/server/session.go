package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
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
// its expiry time, the admin's name and the signature.
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

// session is the content of a session cookie.
type session struct {
	Expires int64  `json:"e"`
	Admin   string `json:"a"`
}

// issue returns a new session cookie value for admin, valid until expires.
func (s *sessions) issue(admin string, expires time.Time) string {
	data, _ := json.Marshal(session{Expires: expires.Unix(), Admin: admin})
	payload := base64.RawURLEncoding.EncodeToString(data)
	return payload + "." + s.sign("session", payload)
}

// read returns the session in value when it is signed and not expired at
// now.
func (s *sessions) read(value string, now time.Time) (session, bool) {
	payload, signature, found := strings.Cut(value, ".")
	if !found || !hmac.Equal([]byte(signature), []byte(s.sign("session", payload))) {
		return session{}, false
	}
	data, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return session{}, false
	}
	var content session
	if err := json.Unmarshal(data, &content); err != nil || now.Unix() >= content.Expires {
		return session{}, false
	}
	return content, true
}

// csrfToken returns the form token bound to a session cookie value.
func (s *sessions) csrfToken(session string) string {
	return s.sign("csrf", session)
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge time.Duration) {
	cookie := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     s.base + "/",
		HttpOnly: true,
		Secure:   c.Scheme() == "https" || strings.HasPrefix(s.cfg.PublicURL, "https:"),
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
	if err != nil {
		return ""
	}
	if _, ok := s.sessions.read(cookie.Value, s.now()); !ok {
		return ""
	}
	return cookie.Value
}

// admin returns the name of the signed-in admin.
func (s *Server) admin(c echo.Context) string {
	cookie, err := c.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	content, _ := s.sessions.read(cookie.Value, s.now())
	return content.Admin
}

// requireSession sends visitors without a valid session to the login page.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.sessionValue(c) == "" {
			return c.Redirect(http.StatusSeeOther, s.url("/login"))
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
